import type { Knex } from 'knex';
import type { AccountStatus } from '../domain/accounts';
import type { LinkRole, LinkStatus, UserLink } from '../domain/access';
import { managesAnyoneSql } from './links-repo';
import { queryRows, statement } from './direct-query';

export interface UserRow {
  id: number;
  login_id: string;
  first_name: string;
  last_name: string;
  email: string;
  email_verified_at: Date | null;
  phone: string | null;
  password_hash: string;
  status: AccountStatus;
  failed_logins: number;
  locked_at: Date | null;
  secret_question: string | null;
  secret_answer_hash: string | null;
  language: 'es' | 'ca';
  last_login_at: Date | null;
  /** Proved to be the holder of the login id with contract data; false for users created from an invitation. */
  identity_proven: boolean;
  /** Sealed TOTP seed; enrolled once confirmed with a code. */
  totp_secret: string | null;
  totp_enrolled_at: Date | null;
  totp_last_time_step: number | null;
  recovery_code_hashes: string[];
  created_at: Date;
}

/** What every logged-in request needs of its user. */
export type SessionUserRow = Pick<
  UserRow, 'id' | 'login_id' | 'first_name' | 'last_name' | 'email' | 'language' | 'status'
>;

export interface SessionUser {
  user: SessionUserRow;
  /** Links to customers, revoked ones left out. */
  links: UserLink[];
  /** The customers among the active links that manage other customers (gestorías). */
  managing: number[];
}

/**
 * What every logged-in request needs of its user, in one round trip: the few columns it uses
 * (the whole row, with hashes, sealed seed and recovery codes, cost twice as much to fetch and
 * decode), the user's links, and which linked customers are gestorías, so that a household's
 * page never asks for the relations it cannot have. Before, this was three queries per page.
 */
const SESSION_USER = statement(`
  select u.id, u.login_id, u.first_name, u.last_name, u.email, u.language, u.status,
    coalesce((
      select json_agg(json_build_array(
        l.customer_id, l.role, l.status, l.status = 'active' and ${managesAnyoneSql('l.customer_id')}
      ) order by l.id)
      from customer_links l where l.user_id = u.id and l.status <> 'revoked'
    ), '[]') as links
  from users u where u.id = $1`);

export async function findSessionUser(db: Knex, id: number): Promise<SessionUser | undefined> {
  const rows = await queryRows<SessionUserRow & { links: [number, LinkRole, LinkStatus, boolean][] }>(
    db, SESSION_USER, [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  const { links, ...user } = row;
  return {
    user,
    links: links.map(([customerId, role, status]) => ({ customerId: Number(customerId), role, status })),
    managing: links.filter((l) => l[3]).map(([customerId]) => Number(customerId)),
  };
}

export async function findUserByLoginId(db: Knex, loginId: string): Promise<UserRow | undefined> {
  return db('users').where({ login_id: loginId }).first();
}

export async function findUserById(db: Knex, id: number): Promise<UserRow | undefined> {
  return db('users').where({ id }).first();
}

/** Row lock so that concurrent attempts on one account count every failure. */
export async function lockUserForUpdate(trx: Knex.Transaction, id: number): Promise<UserRow | undefined> {
  return trx('users').where({ id }).forUpdate().first();
}

export interface NewUser {
  loginId: string; firstName: string; lastName: string; email: string; phone?: string | null;
  passwordHash: string; status: AccountStatus; language: 'es' | 'ca';
  secretQuestion?: string | null; secretAnswerHash?: string | null; now: Date;
  identityProven?: boolean;
}

export async function insertUser(db: Knex, u: NewUser): Promise<number> {
  const [row] = await db('users').insert({
    login_id: u.loginId, first_name: u.firstName, last_name: u.lastName, email: u.email, phone: u.phone ?? null,
    password_hash: u.passwordHash, status: u.status, language: u.language,
    secret_question: u.secretQuestion ?? null, secret_answer_hash: u.secretAnswerHash ?? null,
    identity_proven: u.identityProven ?? true,
    created_at: u.now, updated_at: u.now,
  }).returning('id');
  return row.id;
}

export async function updateUser(db: Knex, id: number, fields: Record<string, unknown>, now: Date): Promise<void> {
  await db('users').where({ id }).update({ ...fields, updated_at: now });
}

/**
 * Written as an insert from the user's row, so that for an id of no user (the login's unknown-id
 * path) the very same statement runs and inserts nothing.
 */
export async function recordLogin(
  db: Knex, e: { userId: number; at: Date; success: boolean; ip: string | null; userAgent: string | null },
): Promise<void> {
  await db.raw(
    'INSERT INTO login_history (user_id, at, success, ip, user_agent) SELECT id, ?, ?, ?, ? FROM users WHERE id = ?',
    [e.at, e.success, e.ip, e.userAgent?.slice(0, 300) ?? null, e.userId],
  );
}

export async function loginHistory(
  db: Knex, userId: number, limit: number,
): Promise<{ at: Date; success: boolean; ip: string | null; user_agent: string | null }[]> {
  return db('login_history').where({ user_id: userId }).orderBy('at', 'desc').limit(limit).select(
    'at', 'success', 'ip', 'user_agent',
  );
}

/** Ends every stored session of a user (sessions hold `userId`), except one to keep. */
export async function destroyUserSessions(db: Knex, userId: number, exceptSid?: string): Promise<number> {
  const q = db('sessions').whereRaw("(sess->>'userId')::bigint = ?", [userId]);
  if (exceptSid) q.whereNot('sid', exceptSid);
  return q.delete();
}

/** The holder's or representative's user of a customer with this email, for recovery by contract data. */
export async function ownerUserByEmail(db: Knex, customerId: number, email: string): Promise<UserRow | undefined> {
  return db('users as u').join('customer_links as l', 'l.user_id', 'u.id')
    .where('l.customer_id', customerId).whereIn('l.role', ['holder', 'representative']).where('l.status', 'active')
    .whereRaw('lower(u.email) = lower(?)', [email]).whereNot('u.status', 'disabled').first('u.*');
}

/** Uses up one recovery code, atomically: a code works once even under concurrent logins. */
export async function consumeUserRecoveryCode(trx: Knex, id: number, hash: string, now: Date): Promise<boolean> {
  const n = await trx('users').where({ id }).whereRaw('recovery_code_hashes \\? ?', [hash])
    .update({ recovery_code_hashes: trx.raw('recovery_code_hashes - ?', [hash]), updated_at: now });
  return n > 0;
}
