/**
 * The customer login, in the shape of the staff login: routes call these steps and only
 * translate the outcome into pages; the lockout rule lives in the domain.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Config } from '../config';
import { DEFAULT_LOCKOUT, evaluateLogin, type LoginChanges } from '../domain/accounts';
import { findUserById, findUserByLoginId, lockUserForUpdate, recordLogin, updateUser, type UserRow } from '../data/users-repo';
import { audit } from '../data/audit-repo';
import { hashPassword, verifyPassword } from '../adapters/passwords';
import { queueMail } from '../adapters/mail/outbox';
import { isBlocked, overLimit, THROTTLES } from './throttle';
import { issueResetLink } from './account-links';
import type { AccountCtx } from './account-context';

// A hash at the configured cost, verified for unknown users so they take as long as known ones.
let dummyHash: Promise<string> | undefined;

function dummy(config: Config): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'), config.argon2);
  return dummyHash;
}

/** No user has this id: the unknown-user path runs the same statements against it. */
const NO_USER = -1;

function toUpdate(c: LoginChanges | null): Record<string, unknown> {
  if (!c) return {};
  return {
    ...(c.status !== undefined ? { status: c.status } : {}),
    ...(c.failedLogins !== undefined ? { failed_logins: c.failedLogins } : {}),
    ...(c.lockedAt !== undefined ? { locked_at: c.lockedAt } : {}),
    ...(c.lastLoginAt !== undefined ? { last_login_at: c.lastLoginAt } : {}),
  };
}

export interface LoginUser { id: number; language: 'es' | 'ca' }

export type PasswordStepResult =
  | { kind: 'throttled' }
  | { kind: 'failure'; mayRevealPending: boolean; lockHint: boolean }
  | { kind: 'success'; user: LoginUser };

export interface PasswordStepInput {
  /** Already classified as a personal id and normalised. */
  loginId: string;
  password: string;
  userAgent: string | null;
  /** Failed attempts already made in this browser, for the lock hint. */
  failedBefore: number;
}

/**
 * The password step. Unknown ids do the same work as known ones (an argon2 verify, the row
 * lock, the update and the audit row), so neither the answer nor its timing tells them apart.
 */
export async function customerPasswordStep(ctx: AccountCtx, input: PasswordStepInput): Promise<PasswordStepResult> {
  const { db, now, config, ip } = ctx;
  // Only failures count: an office of a gestoría behind one address logs in many times a
  // day, while guessing is what fails.
  if (await isBlocked(db, THROTTLES.login, ip, now)) return { kind: 'throttled' };
  const user = await findUserByLoginId(db, input.loginId);
  const passwordOk = await verifyPassword(user ? user.password_hash : await dummy(config), input.password);

  const decision = await db.transaction(async (trx) => {
    const locked = await lockUserForUpdate(trx, user ? user.id : NO_USER);
    const state = locked ? { status: locked.status, failedLogins: locked.failed_logins } : null;
    const d = evaluateLogin(state, passwordOk, now, DEFAULT_LOCKOUT, input.failedBefore);
    const update = toUpdate(d.changes);
    const changes = Object.keys(update).length > 0;
    // with nothing to write, the same statement runs against no row
    await updateUser(trx, locked && changes ? locked.id : NO_USER, changes ? update : { failed_logins: 0 }, now);
    await recordLogin(trx, { userId: locked ? locked.id : NO_USER, at: now, success: d.outcome === 'success', ip, userAgent: input.userAgent });
    await audit(trx, {
      actorType: d.outcome === 'success' ? 'user' : 'anonymous', actorId: locked?.id,
      action: d.outcome === 'success' ? 'login.success' : 'login.failure',
      targetType: locked ? 'user' : undefined, targetId: locked?.id, ip, at: now,
      details: { outcome: locked ? d.outcome : 'unknown_user' },
    });
    if (locked && d.justLocked) await lockedOut(trx, locked, ctx);
    return d;
  });
  if (decision.outcome !== 'success' || !user) {
    await overLimit(db, THROTTLES.login, ip, now);
    return { kind: 'failure', mayRevealPending: decision.mayRevealPending, lockHint: decision.showLockHint };
  }
  return { kind: 'success', user: { id: user.id, language: user.language } };
}

async function lockedOut(trx: Knex, user: UserRow, ctx: AccountCtx): Promise<void> {
  await audit(trx, { actorType: 'system', action: 'account.locked', targetType: 'user', targetId: user.id, at: ctx.now });
  const link = await issueResetLink(trx, user.id, ctx.now, ctx.config);
  await queueMail(trx, { to: user.email, lang: user.language, template: 'lockout', params: { name: user.first_name }, actionUrl: link, userId: user.id });
}

export type CurrentPasswordCheck = 'ok' | 'wrong' | 'throttled';

/**
 * Re-entering the current password in Ajustes: a wrong one counts against the same per-address
 * throttle and the same account lockout as a failed login, so a left-open session does not
 * give unlimited guesses.
 */
export async function checkCurrentPassword(ctx: AccountCtx, userId: number, password: string): Promise<CurrentPasswordCheck> {
  const { db, now, ip } = ctx;
  if (await isBlocked(db, THROTTLES.login, ip, now)) return 'throttled';
  const user = await findUserById(db, userId);
  if (!user) return 'wrong';
  const ok = await verifyPassword(user.password_hash, password);
  if (ok) return 'ok';
  await db.transaction(async (trx) => {
    const row = await lockUserForUpdate(trx, userId);
    if (!row) return;
    const d = evaluateLogin({ status: row.status, failedLogins: row.failed_logins }, false, now, DEFAULT_LOCKOUT);
    const update = toUpdate(d.changes);
    if (Object.keys(update).length) await updateUser(trx, row.id, update, now);
    await audit(trx, { actorType: 'user', actorId: row.id, action: 'settings.password_check_failed', targetType: 'user', targetId: row.id, ip, at: now });
    if (d.justLocked) await lockedOut(trx, row, ctx);
  });
  await overLimit(db, THROTTLES.login, ip, now);
  return 'wrong';
}

export async function logout(ctx: AccountCtx, userId: number | undefined): Promise<void> {
  if (userId) await audit(ctx.db, { actorType: 'user', actorId: userId, action: 'logout', ip: ctx.ip, at: ctx.now });
}
