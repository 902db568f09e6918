import type { Knex } from 'knex';
import type { Config } from '../config';
import { hashPassword } from '../adapters/passwords';
import { insertStaff } from '../data/staff-repo';
import type { StaffRole } from '../domain/staff';
import { DEMO_ACCOUNTS } from './accounts';

/**
 * The admin section's demo staff. Not enrolled: the first login shows the QR code and the
 * secret as text, so any authenticator app (or a typed-in secret) completes it.
 */
const DEMO_STAFF: { staffId: string; firstName: string; lastName: string; email: string; role: StaffRole }[] = [
  {
    staffId: 'admin', firstName: 'Marta', lastName: 'Soler Vidal', email: 'admin@area-clientes.local',
    role: 'supervisor',
  },
  {
    staffId: 'agente', firstName: 'Jorge', lastName: 'Prieto Lozano', email: 'agente@area-clientes.local',
    role: 'agente',
  },
];

export async function seedDemoStaffIfEmpty(knex: Knex, now: Date, config: Config): Promise<number> {
  const existing = await knex('staff').count<{ count: number }[]>('* as count').first();
  if (existing && Number(existing.count) > 0) return 0;
  const passwords = new Map<string, string>(DEMO_ACCOUNTS.map((a) => [a.login, a.password]));
  for (const s of DEMO_STAFF) {
    const password = passwords.get(s.staffId);
    if (!password) throw new Error(`No demo password for staff ${s.staffId}`);
    await insertStaff(knex, { ...s, passwordHash: await hashPassword(password, config.argon2) }, now);
  }
  return DEMO_STAFF.length;
}
