import { expect } from 'chai';
import {
  DEFAULT_LOCKOUT,
  canUnlock,
  evaluateLogin,
  unlockChanges,
  type AccountState,
  type AccountStatus,
  type LoginDecision,
  type LockoutPolicy,
} from '../../src/domain/accounts';

const NOW = new Date('2026-03-02T10:00:00.000Z');

const failureNoChanges = (outcome: LoginDecision['outcome'], showLockHint: boolean): LoginDecision => ({
  outcome,
  changes: null,
  justLocked: false,
  publicOutcome: 'failure',
  showLockHint,
  mayRevealPending: false,
});

describe('evaluateLogin (DESIGN.md rule 3)', () => {
  it('defaults are 5 failures to lock and a hint from the 3rd', () => {
    expect(DEFAULT_LOCKOUT).to.deep.equal({ maxFailures: 5, hintAfterFailures: 3 });
  });

  describe('single attempts', () => {
    const cases: { name: string; account: AccountState | null; passwordOk: boolean; client?: number; expected: LoginDecision }[] = [
      { name: 'unknown user, first attempt', account: null, passwordOk: false, expected: failureNoChanges('bad_credentials', false) },
      { name: 'unknown user, "right" password changes nothing either', account: null, passwordOk: true, expected: failureNoChanges('bad_credentials', false) },
      { name: 'unknown user, 3rd attempt in this browser', account: null, passwordOk: false, client: 2, expected: failureNoChanges('bad_credentials', true) },
      { name: 'unknown user, 2nd attempt in this browser', account: null, passwordOk: false, client: 1, expected: failureNoChanges('bad_credentials', false) },
      {
        name: 'active, right password resets the counter',
        account: { status: 'active', failedLogins: 3 },
        passwordOk: true,
        client: 3,
        expected: { outcome: 'success', changes: { failedLogins: 0, lastLoginAt: NOW }, justLocked: false, publicOutcome: 'success', showLockHint: false, mayRevealPending: false },
      },
      {
        name: 'active, 1st wrong password',
        account: { status: 'active', failedLogins: 0 },
        passwordOk: false,
        expected: { ...failureNoChanges('bad_credentials', false), changes: { failedLogins: 1 } },
      },
      {
        name: 'active, 3rd failure on the account but 1st in this browser: no hint (the account state must not leak)',
        account: { status: 'active', failedLogins: 2 },
        passwordOk: false,
        expected: { ...failureNoChanges('bad_credentials', false), changes: { failedLogins: 3 } },
      },
      {
        name: 'active, 3rd failure in this browser: hint',
        account: { status: 'active', failedLogins: 2 },
        passwordOk: false,
        client: 2,
        expected: { ...failureNoChanges('bad_credentials', true), changes: { failedLogins: 3 } },
      },
      {
        name: 'active, 5th wrong password locks',
        account: { status: 'active', failedLogins: 4 },
        passwordOk: false,
        client: 4,
        expected: { ...failureNoChanges('bad_credentials', true), changes: { failedLogins: 5, status: 'locked', lockedAt: NOW }, justLocked: true },
      },
      { name: 'locked, right password still fails, first try here: same answer as a wrong password', account: { status: 'locked', failedLogins: 5 }, passwordOk: true, expected: failureNoChanges('locked', false) },
      { name: 'locked, wrong password', account: { status: 'locked', failedLogins: 5 }, passwordOk: false, expected: failureNoChanges('locked', false) },
      { name: 'locked, 3rd attempt in this browser shows the hint', account: { status: 'locked', failedLogins: 0 }, passwordOk: false, client: 2, expected: failureNoChanges('locked', true) },
      {
        name: 'pending, right password: not activated, may say so',
        account: { status: 'pending', failedLogins: 0 },
        passwordOk: true,
        expected: { ...failureNoChanges('not_activated', false), mayRevealPending: true },
      },
      { name: 'pending, wrong password: plain bad credentials, nothing counted', account: { status: 'pending', failedLogins: 0 }, passwordOk: false, expected: failureNoChanges('bad_credentials', false) },
      { name: 'disabled, right password', account: { status: 'disabled', failedLogins: 0 }, passwordOk: true, expected: failureNoChanges('disabled', false) },
      { name: 'disabled, 3rd attempt in this browser', account: { status: 'disabled', failedLogins: 0 }, passwordOk: false, client: 2, expected: failureNoChanges('disabled', true) },
    ];
    for (const c of cases) {
      it(c.name, () => {
        expect(evaluateLogin(c.account, c.passwordOk, NOW, DEFAULT_LOCKOUT, c.client)).to.deep.equal(c.expected);
      });
    }
  });

  describe('a sequence of attempts on one account, state written back each time', () => {
    // [password ok?, outcome, failedLogins after, status after, justLocked, showLockHint]
    const steps: [boolean, LoginDecision['outcome'], number, AccountStatus, boolean, boolean][] = [
      [false, 'bad_credentials', 1, 'active', false, false],
      [false, 'bad_credentials', 2, 'active', false, false],
      [false, 'bad_credentials', 3, 'active', false, true],
      [false, 'bad_credentials', 4, 'active', false, true],
      [false, 'bad_credentials', 5, 'locked', true, true],
      [true, 'locked', 5, 'locked', false, true],
      [false, 'locked', 5, 'locked', false, true],
    ];
    // Replayed up front so every step can be run (or fail) on its own.
    let state: AccountState = { status: 'active', failedLogins: 0 };
    // the same browser makes every attempt, so its own counter grows with them
    const replay = steps.map(([passwordOk], attemptsBefore) => {
      const decision = evaluateLogin(state, passwordOk, NOW, DEFAULT_LOCKOUT, attemptsBefore);
      if (decision.changes !== null) {
        state = { status: decision.changes.status ?? state.status, failedLogins: decision.changes.failedLogins ?? state.failedLogins };
      }
      return { decision, after: state };
    });
    steps.forEach(([passwordOk, outcome, failedAfter, statusAfter, justLocked, hint], i) => {
      it(`attempt ${i + 1} (${passwordOk ? 'right' : 'wrong'} password) → ${outcome}, ${statusAfter}, failedLogins ${failedAfter}`, () => {
        const { decision: d, after } = replay[i]!;
        expect(d.outcome).to.equal(outcome);
        expect(d.publicOutcome).to.equal('failure');
        expect(d.justLocked).to.equal(justLocked);
        expect(d.showLockHint).to.equal(hint);
        expect(after).to.deep.equal({ status: statusAfter, failedLogins: failedAfter });
      });
    });
  });

  describe('policy numbers are passed in', () => {
    const strict: LockoutPolicy = { maxFailures: 3, hintAfterFailures: 1 };
    const cases: [string, AccountState | null, number, boolean, boolean][] = [
      // name, account, client failures before, justLocked, showLockHint
      ['3rd wrong password locks under a 3-failure policy', { status: 'active', failedLogins: 2 }, 0, true, true],
      ['2nd wrong password does not', { status: 'active', failedLogins: 1 }, 0, false, true],
      ['hint on the very first failure of an unknown user', null, 0, false, true],
    ];
    for (const [name, account, client, justLocked, hint] of cases) {
      it(name, () => {
        const d = evaluateLogin(account, false, NOW, strict, client);
        expect([d.justLocked, d.showLockHint]).to.deep.equal([justLocked, hint]);
      });
    }
  });

  it('the public answer is the same for unknown user, wrong password, locked and disabled', () => {
    const answers = [
      evaluateLogin(null, false, NOW, DEFAULT_LOCKOUT, 3),
      evaluateLogin({ status: 'active', failedLogins: 1 }, false, NOW, DEFAULT_LOCKOUT, 3),
      evaluateLogin({ status: 'locked', failedLogins: 5 }, true, NOW, DEFAULT_LOCKOUT, 3),
      evaluateLogin({ status: 'disabled', failedLogins: 0 }, true, NOW, DEFAULT_LOCKOUT, 3),
    ].map((d) => [d.publicOutcome, d.showLockHint, d.mayRevealPending]);
    expect(answers).to.deep.equal(Array(4).fill(['failure', true, false]));
  });
});

describe('unlock', () => {
  it('unlockChanges reactivates and clears the counter and the lock time', () => {
    expect(unlockChanges()).to.deep.equal({ status: 'active', failedLogins: 0, lockedAt: null });
  });

  const cases: [AccountStatus, boolean][] = [
    ['locked', true],
    ['active', false],
    ['pending', false],
    ['disabled', false],
  ];
  for (const [status, expected] of cases) {
    it(`canUnlock(${status}) → ${expected}`, () => {
      expect(canUnlock({ status, failedLogins: 5 })).to.equal(expected);
    });
  }
});
