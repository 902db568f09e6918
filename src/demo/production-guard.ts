import type { Knex } from 'knex';
import { verifyPassword } from '../adapters/passwords';
import { DEMO_ACCOUNTS } from './accounts';

/**
 * Demo logins that still open with the password published in the README: users by login id,
 * staff by staff id. A demo account whose password was changed is no longer public.
 */
export async function publicDemoLogins(knex: Knex): Promise<string[]> {
  const logins = DEMO_ACCOUNTS.map((a) => a.login as string);
  const users = await knex('users').whereIn('login_id', logins).select('login_id as login', 'password_hash');
  const staff = await knex('staff').whereIn('staff_id', logins).select('staff_id as login', 'password_hash');
  const found: string[] = [];
  for (const row of [...users, ...staff] as { login: string; password_hash: string | null }[]) {
    const demo = DEMO_ACCOUNTS.find((a) => a.login === row.login)!;
    if (row.password_hash && (await verifyPassword(row.password_hash, demo.password))) found.push(row.login);
  }
  return found;
}
