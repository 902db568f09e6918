/**
 * Re-entering the current password while logged in (Ajustes, switching off the second factor):
 * counted exactly like a failed login, so a left-open session does not give unlimited guesses.
 */
import type { Knex } from 'knex';
import { DEFAULT_LOCKOUT, evaluateLogin, type LoginChanges } from '../domain/accounts';
import { findUserById, lockUserForUpdate, updateUser, type UserRow } from '../data/users-repo';
import { audit } from '../data/audit-repo';
import { verifyPassword } from '../adapters/passwords';
import { queueMail } from '../adapters/mail/outbox';
import { isBlocked, overLimit, THROTTLES } from './throttle';
import { issueResetLink } from './account-links';
import type { AccountCtx } from './account-context';

/** The lockout decision's changes as columns of the users table. */
export function loginChanges(c: LoginChanges | null): Record<string, unknown> {
  if (!c) return {};
  return {
    ...(c.status !== undefined ? { status: c.status } : {}),
    ...(c.failedLogins !== undefined ? { failed_logins: c.failedLogins } : {}),
    ...(c.lockedAt !== undefined ? { locked_at: c.lockedAt } : {}),
    ...(c.lastLoginAt !== undefined ? { last_login_at: c.lastLoginAt } : {}),
  };
}

/** The attempt that locked the account: audited, and the owner gets a reset link. */
export async function lockedOut(trx: Knex, user: UserRow, ctx: AccountCtx): Promise<void> {
  await audit(
    trx, { actorType: 'system', action: 'account.locked', targetType: 'user', targetId: user.id, at: ctx.now },
  );
  const link = await issueResetLink(trx, user.id, ctx.now, ctx.config);
  await queueMail(
    trx,
    {
      to: user.email, lang: user.language, template: 'lockout', params: { name: user.first_name }, actionUrl: link,
      userId: user.id,
    },
  );
}

export type CurrentPasswordCheck = 'ok' | 'wrong' | 'throttled';

/** A wrong one counts against the login throttle of the address and the account's lockout. */
export async function checkCurrentPassword(
  ctx: AccountCtx, userId: number, password: string,
): Promise<CurrentPasswordCheck> {
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
    const update = loginChanges(d.changes);
    if (Object.keys(update).length) await updateUser(trx, row.id, update, now);
    await audit(
      trx,
      {
        actorType: 'user', actorId: row.id, action: 'settings.password_check_failed', targetType: 'user',
        targetId: row.id, ip, at: now,
      },
    );
    if (d.justLocked) await lockedOut(trx, row, ctx);
  });
  await overLimit(db, THROTTLES.login, ip, now);
  return 'wrong';
}

