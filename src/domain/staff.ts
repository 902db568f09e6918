/**
 * Staff of the admin section (issue 7): roles, the two-step login (password, then a TOTP or
 * recovery code), and what a supervisor may do to another staff member. The lockout rule is
 * the customers' one (`evaluateLogin`), so both sides lock after the same number of failures.
 */
import { DEFAULT_LOCKOUT, evaluateLogin, type LockoutPolicy, type LoginChanges } from './accounts';
import { checkReason as checkReasonOnce, type ReasonProblem } from './reason';

export const STAFF_ROLES = ['agente', 'supervisor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export type StaffStatus = 'active' | 'locked' | 'disabled';

export const ADMIN_ABSOLUTE_HOURS = 8;
/** Between the password and the code; after this the password must be typed again. */
export const SECOND_STEP_MS = 5 * 60_000;
export const RECOVERY_CODE_COUNT = 10;

export function isStaffRole(v: unknown): v is StaffRole {
  return typeof v === 'string' && (STAFF_ROLES as readonly string[]).includes(v);
}

/** A supervisor can do everything an agente can. */
export function roleAllows(role: StaffRole, required: StaffRole | undefined): boolean {
  if (!required || required === 'agente') return true;
  return role === 'supervisor';
}

export interface StaffAccount {
  status: StaffStatus;
  failedLogins: number;
  enrolled: boolean;
}

export interface StaffStepDecision {
  ok: boolean;
  /** After a right password: ask the code, or enrol a second factor first. */
  next: 'code' | 'enrol' | 'done' | null;
  changes: LoginChanges | null;
  justLocked: boolean;
  /** For the audit row only; the page always says the same. */
  outcome: 'success' | 'bad_credentials' | 'locked' | 'disabled' | 'unknown';
}

/**
 * The password step. A right password alone never resets the failure counter when a code is
 * still to come: otherwise whoever knows the password could guess codes forever by typing it
 * again every four attempts.
 */
export function evaluateStaffPassword(
  account: StaffAccount | null, passwordOk: boolean, now: Date, policy: LockoutPolicy = DEFAULT_LOCKOUT,
): StaffStepDecision {
  if (!account) return { ok: false, next: null, changes: null, justLocked: false, outcome: 'unknown' };
  const d = evaluateLogin({ status: account.status, failedLogins: account.failedLogins }, passwordOk, now, policy);
  if (d.outcome !== 'success') {
    return {
      ok: false, next: null, changes: d.changes, justLocked: d.justLocked,
      outcome: d.outcome === 'locked' || d.outcome === 'disabled' ? d.outcome : 'bad_credentials',
    };
  }
  // First login (or after a reset of the second factor): the password is all there is until the
  // staff member enrols, and enrolment is the only page the session opens.
  if (!account.enrolled) return { ok: true, next: 'enrol', changes: d.changes, justLocked: false, outcome: 'success' };
  return { ok: true, next: 'code', changes: null, justLocked: false, outcome: 'success' };
}

/** The code step: a wrong code is a failed login like a wrong password. */
export function evaluateStaffCode(
  account: StaffAccount, codeOk: boolean, now: Date, policy: LockoutPolicy = DEFAULT_LOCKOUT,
): StaffStepDecision {
  const d = evaluateLogin({ status: account.status, failedLogins: account.failedLogins }, codeOk, now, policy);
  if (d.outcome === 'success') {
    return { ok: true, next: 'done', changes: d.changes, justLocked: false, outcome: 'success' };
  }
  return {
    ok: false, next: null, changes: d.changes, justLocked: d.justLocked,
    outcome: d.outcome === 'locked' || d.outcome === 'disabled' ? d.outcome : 'bad_credentials',
  };
}

export type CodeInput = { kind: 'totp'; code: string } | { kind: 'recovery'; code: string } | { kind: 'invalid' };

const RECOVERY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Spaces and dashes are what people type between groups; case does not matter. */
export function parseCode(input: string): CodeInput {
  const compact = input.replace(/[\s-]/g, '').toUpperCase();
  if (/^\d{6}$/.test(compact)) return { kind: 'totp', code: compact };
  if (compact.length === 12 && [...compact].every((c) => RECOVERY_ALPHABET.includes(c))) {
    return { kind: 'recovery', code: compact };
  }
  return { kind: 'invalid' };
}

/** Recovery codes as shown: three groups of four, without 0/O or 1/I to misread. */
export function formatRecoveryCode(randomBytes: Uint8Array): string {
  if (randomBytes.length < 12) throw new RangeError('need 12 random bytes');
  const chars = [...randomBytes.slice(0, 12)].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8, 12).join('')}`;
}

/** The secret for typing by hand: groups of four. */
export function groupSecret(secret: string): string {
  return (secret.match(/.{1,4}/g) ?? []).join(' ');
}

export type StaffAction = 'disable' | 'enable' | 'unlock' | 'reset_2fa' | 'reset_password';
export const STAFF_ACTIONS: readonly StaffAction[] = ['disable', 'enable', 'unlock', 'reset_2fa', 'reset_password'];

export interface StaffChange {
  status?: StaffStatus;
  failedLogins?: number;
  lockedAt?: Date | null;
  resetSecondFactor?: boolean;
  /** The password stops working; the member chooses a new one from a link emailed to them. */
  resetPassword?: boolean;
  endSessions: boolean;
}

export type StaffActionRefusal = 'self' | 'not_locked' | 'not_disabled' | 'already_disabled';

/**
 * What a supervisor's action does to a staff member. Acting on oneself is refused: a
 * supervisor who disables or resets themselves would lock the last door to the section.
 */
export function staffActionChange(
  action: StaffAction, target: { id: number; status: StaffStatus }, actorId: number,
): StaffChange | StaffActionRefusal {
  if (target.id === actorId) return 'self';
  switch (action) {
    case 'disable':
      return target.status === 'disabled' ? 'already_disabled' : { status: 'disabled', endSessions: true };
    case 'enable':
      return target.status === 'disabled' ? {
        status: 'active', failedLogins: 0, lockedAt: null, endSessions: false,
      } : 'not_disabled';
    case 'unlock':
      return target.status === 'locked' ? {
        status: 'active', failedLogins: 0, lockedAt: null, endSessions: false,
      } : 'not_locked';
    case 'reset_2fa':
      // with the password alone a supervisor who knew it could enrol a new factor as the member
      return { resetSecondFactor: true, resetPassword: true, endSessions: true };
    case 'reset_password':
      return { resetPassword: true, endSessions: true };
  }
}

const STAFF_ID = /^[a-z][a-z0-9._-]{2,39}$/;

/** Staff ids are short lower-case logins ("admin", "m.garcia"). */
export function normalizeStaffId(input: string): { ok: true; value: string } | { ok: false } {
  const v = input.trim().toLowerCase();
  return STAFF_ID.test(v) ? { ok: true, value: v } : { ok: false };
}

/**
 * The admin section's one reason rule (domain/reason.ts), with the result shape the staff pages
 * read (`problem`). Deprecated: use `checkReason` from domain/reason.
 */
export function checkReason(input: string): { ok: true; value: string } | { ok: false; problem: ReasonProblem } {
  const r = checkReasonOnce(input);
  return r.ok ? r : { ok: false, problem: r.code };
}
