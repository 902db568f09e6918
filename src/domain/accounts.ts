/**
 * Login and lockout decisions (DESIGN.md §4 rule 3, §5). The route loads the account, verifies
 * the password hash, asks `evaluateLogin` what happened and writes back `changes`; this module
 * never sees the hash or the database.
 */

export interface LockoutPolicy {
  maxFailures: number;
  hintAfterFailures: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, hintAfterFailures: 3 };

export type AccountStatus = 'pending' | 'active' | 'locked' | 'disabled';

export interface AccountState {
  status: AccountStatus;
  failedLogins: number;
}

export type LoginOutcome = 'success' | 'bad_credentials' | 'locked' | 'not_activated' | 'disabled';

export interface LoginChanges {
  status?: AccountStatus;
  failedLogins?: number;
  lockedAt?: Date;
  lastLoginAt?: Date;
}

export interface LoginDecision {
  /** What really happened, for the audit log and the owner's emails; never shown as such. */
  outcome: LoginOutcome;
  /** What to write back; null = nothing changes */
  changes: LoginChanges | null;
  /** true exactly when this attempt locked the account (send the lockout email, audit 'account.locked') */
  justLocked: boolean;
  /**
   * What the login page may say: always the same generic message for every failure, so unknown user,
   * wrong password and locked are indistinguishable.
   */
  publicOutcome: 'success' | 'failure';
  /**
   * Show the seed's hint
   * ("Si tras varios intentos no has podido acceder, es posible que tu usuario esté bloqueado…")
   */
  showLockHint: boolean;
  /**
   * true only for a not-yet-activated account whose password was right: whoever typed it has
   * proved the password, so the page may tell them to activate (or resend the link) without
   * revealing anything to someone who merely guesses ids.
   */
  mayRevealPending: boolean;
}

/**
 * @param attemptsFromClient failed attempts already made in this browser session BEFORE this
 *   one (the caller keeps the counter, so unknown ids get the hint too). A failed attempt
 *   counts itself, so the hint appears on the same attempt for a known and an unknown id.
 */
export function evaluateLogin(
  account: AccountState | null,
  passwordOk: boolean,
  now: Date,
  policy: LockoutPolicy = DEFAULT_LOCKOUT,
  attemptsFromClient = 0,
): LoginDecision {
  const clientFailures = attemptsFromClient + 1;
  // Only this browser's own count decides the hint: the account's state (locked, or under
  // attack from elsewhere) would tell an attacker on the first try that an id exists.
  const showLockHint = clientFailures >= policy.hintAfterFailures;
  const failure = (outcome: LoginOutcome, changes: LoginChanges | null, _accountFailures: number): LoginDecision => ({
    outcome,
    changes,
    justLocked: false,
    publicOutcome: 'failure',
    showLockHint,
    mayRevealPending: false,
  });

  if (account === null) return failure('bad_credentials', null, 0);

  switch (account.status) {
    case 'locked':
      // Nothing is counted or reset: a right password must not leak through, and only an
      // administrator or a completed reset may unlock.
      return failure('locked', null, account.failedLogins);
    case 'disabled':
      return failure('disabled', null, account.failedLogins);
    case 'pending':
      // Not counted: locking a pending account would let a later unlock (status 'active') skip
      // the activation link. Guessing is bounded by the per-IP throttle and the link's lifetime.
      if (!passwordOk) return failure('bad_credentials', null, account.failedLogins);
      return { ...failure('not_activated', null, account.failedLogins), mayRevealPending: true };
    case 'active':
      break;
  }

  if (passwordOk) {
    return {
      outcome: 'success',
      changes: { failedLogins: 0, lastLoginAt: now },
      justLocked: false,
      publicOutcome: 'success',
      showLockHint: false,
      mayRevealPending: false,
    };
  }

  const failedLogins = account.failedLogins + 1;
  if (failedLogins >= policy.maxFailures) {
    // The attempt itself was a wrong password; `justLocked` carries the lock so the public
    // answer stays the same as for any other wrong password.
    return {
      ...failure('bad_credentials', { failedLogins, status: 'locked', lockedAt: now }, failedLogins),
      justLocked: true,
    };
  }
  return failure('bad_credentials', { failedLogins }, failedLogins);
}

/**
 * Changes for an administrator's unlock and for a completed password reset (the reset proved
 * control of the registered mailbox). Never apply it to a 'disabled' account: disabling is a
 * decision a reset must not undo.
 */
export function unlockChanges(): { status: 'active'; failedLogins: 0; lockedAt: null } {
  return { status: 'active', failedLogins: 0, lockedAt: null };
}

/** Only a locked account can be unlocked; 'pending' would skip activation, 'disabled' is deliberate. */
export function canUnlock(state: AccountState): boolean {
  return state.status === 'locked';
}
