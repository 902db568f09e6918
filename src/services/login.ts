/**
 * The customer login, in the shape of the staff login: routes call these steps and only
 * translate the outcome into pages; the lockout rule lives in the domain.
 */
import { DEFAULT_LOCKOUT, evaluateLogin } from '../domain/accounts';
import { findUserByLoginId, lockUserForUpdate, recordLogin, updateUser } from '../data/users-repo';
import { audit } from '../data/audit-repo';
import { verifyPasswordOrDummy } from '../adapters/passwords';
import { isBlocked, overLimit, THROTTLES } from './throttle';
import { lockedOut, loginChanges } from './current-password';
import { enrolled, secondFactorPolicy } from './customer-totp';
import type { AccountCtx } from './account-context';

/** No user has this id: the unknown-user path runs the same statements against it. */
const NO_USER = -1;

export interface LoginUser { id: number; language: 'es' | 'ca' }

export type PasswordStepResult =
  | { kind: 'throttled' }
  | { kind: 'failure'; mayRevealPending: boolean; lockHint: boolean }
  | { kind: 'success'; user: LoginUser }
  /** The password was right; the authenticator's code comes next. */
  | { kind: 'code'; user: LoginUser }
  /** The password was right, but the policy requires a second factor this user has not set up yet. */
  | { kind: 'enrol'; user: LoginUser };

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
  // unknown ids cost the same argon2 verify (against a dummy hash) as known ones
  const passwordOk = await verifyPasswordOrDummy(user?.password_hash, input.password, config.argon2);

  const decision = await db.transaction(async (trx) => {
    const locked = await lockUserForUpdate(trx, user ? user.id : NO_USER);
    const state = locked ? { status: locked.status, failedLogins: locked.failed_logins } : null;
    const d = evaluateLogin(state, passwordOk, now, DEFAULT_LOCKOUT, input.failedBefore);
    // with a second factor, the login succeeds (and the counters reset) only at the code step
    const codeNext = d.outcome === 'success' && locked !== undefined && enrolled(locked);
    const update = codeNext ? {} : loginChanges(d.changes);
    const changes = Object.keys(update).length > 0;
    // with nothing to write, the same statement runs against no row
    await updateUser(trx, locked && changes ? locked.id : NO_USER, changes ? update : { failed_logins: 0 }, now);
    await recordLogin(
      trx,
      {
        userId: locked && !codeNext ? locked.id : NO_USER, at: now, success: d.outcome === 'success', ip,
        userAgent: input.userAgent,
      },
    );
    await audit(trx, {
      actorType: d.outcome === 'success' ? 'user' : 'anonymous', actorId: locked?.id,
      action: codeNext ? 'login.password_ok' : d.outcome === 'success' ? 'login.success' : 'login.failure',
      targetType: locked ? 'user' : undefined, targetId: locked?.id, ip, at: now,
      details: { outcome: locked ? d.outcome : 'unknown_user' },
    });
    if (locked && d.justLocked) await lockedOut(trx, locked, ctx);
    return { ...d, codeNext };
  });
  if (decision.outcome !== 'success' || !user) {
    await overLimit(db, THROTTLES.login, ip, now);
    return { kind: 'failure', mayRevealPending: decision.mayRevealPending, lockHint: decision.showLockHint };
  }
  const who = { id: user.id, language: user.language };
  if (decision.codeNext) return { kind: 'code', user: who };
  if (await secondFactorPolicy(ctx, user.id)) return { kind: 'enrol', user: who };
  return { kind: 'success', user: who };
}

export async function logout(ctx: AccountCtx, userId: number | undefined): Promise<void> {
  if (userId) await audit(ctx.db, { actorType: 'user', actorId: userId, action: 'logout', ip: ctx.ip, at: ctx.now });
}
