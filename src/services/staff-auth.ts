/**
 * The admin login's steps (password, then code; or password, then enrolment). Routes call
 * these and only translate the outcome into pages; the lockout rule lives in the domain.
 */
import type { Knex } from 'knex';
import type { Config } from '../config';
import { evaluateStaffCode, evaluateStaffPassword, normalizeStaffId, parseCode, type StaffStepDecision } from '../domain/staff';
import type { LoginChanges } from '../domain/accounts';
import { audit } from '../data/audit-repo';
import { consumeRecoveryCode, findStaffByStaffId, lockStaffForUpdate, updateStaff, type StaffRow, type StaffUpdate } from '../data/staff-repo';
import { verifyPasswordOrDummy } from '../adapters/passwords';
import { hashRecoveryCode, newRecoveryCodes, newTotpSecret, verifyTotp } from '../adapters/totp';
import { open, seal } from '../adapters/secret-box';
import type { ThrottleRule } from './throttle';

/** Both login steps and enrolment share one per-IP budget. */
export const ADMIN_LOGIN_THROTTLE: ThrottleRule = { name: 'admin-login', limit: 20, windowMs: 15 * 60_000 };

function toUpdate(c: LoginChanges | null): StaffUpdate {
  if (!c) return {};
  return {
    ...(c.status !== undefined && c.status !== 'pending' ? { status: c.status } : {}),
    ...(c.failedLogins !== undefined ? { failed_logins: c.failedLogins } : {}),
    ...(c.lockedAt !== undefined ? { locked_at: c.lockedAt } : {}),
    ...(c.lastLoginAt !== undefined ? { last_login_at: c.lastLoginAt } : {}),
  };
}

async function recordFailure(trx: Knex, staff: StaffRow, d: StaffStepDecision, step: 'password' | 'code', ip: string, now: Date): Promise<void> {
  const update = toUpdate(d.changes);
  if (Object.keys(update).length) await updateStaff(trx, staff.id, update, now);
  await audit(trx, { actorType: 'anonymous', action: 'staff.login_failed', targetType: 'staff', targetId: staff.id, ip, at: now, details: { step, outcome: d.outcome } });
  if (d.justLocked) await audit(trx, { actorType: 'system', action: 'staff.locked', targetType: 'staff', targetId: staff.id, ip, at: now });
}

export type PasswordStepResult = { kind: 'failure' } | { kind: 'code'; id: number } | { kind: 'enrol'; id: number };

export async function staffPasswordStep(db: Knex, config: Config, input: { staffId: string; password: string; ip: string; now: Date }): Promise<PasswordStepResult> {
  const id = normalizeStaffId(input.staffId);
  const staff = id.ok ? await findStaffByStaffId(db, id.value) : undefined;
  // Unknown ids cost the same argon2 work, so timing does not tell them apart.
  const passwordOk = await verifyPasswordOrDummy(staff?.password_hash, input.password, config.argon2);
  const { now, ip } = input;
  return db.transaction(async (trx) => {
    const row = staff ? await lockStaffForUpdate(trx, staff.id) : undefined;
    if (!row) {
      await audit(trx, { actorType: 'anonymous', action: 'staff.login_failed', ip, at: now, details: { step: 'password', outcome: 'unknown' } });
      return { kind: 'failure' } as const;
    }
    const d = evaluateStaffPassword({ status: row.status, failedLogins: row.failed_logins, enrolled: row.totp_enrolled_at !== null }, passwordOk, now);
    if (!d.ok) {
      await recordFailure(trx, row, d, 'password', ip, now);
      return { kind: 'failure' } as const;
    }
    if (d.next === 'enrol') {
      await updateStaff(trx, row.id, toUpdate(d.changes), now);
      await audit(trx, { actorType: 'staff', actorId: row.id, action: 'staff.login', targetType: 'staff', targetId: row.id, ip, at: now, details: { secondFactor: 'enrolment_required' } });
      return { kind: 'enrol', id: row.id } as const;
    }
    return { kind: 'code', id: row.id } as const;
  });
}

export async function staffCodeStep(db: Knex, input: { id: number; code: string; ip: string; now: Date; key: Buffer }): Promise<{ ok: boolean; method?: 'totp' | 'recovery' }> {
  const { now, ip } = input;
  return db.transaction(async (trx) => {
    const row = await lockStaffForUpdate(trx, input.id);
    if (!row) return { ok: false };
    const parsed = parseCode(input.code);
    let codeOk = false;
    let timeStep: number | null = null;
    // a locked or disabled account never consumes a recovery code or a time step
    if (row.status === 'active' && row.totp_secret && row.totp_enrolled_at) {
      if (parsed.kind === 'totp') {
        const r = await verifyTotp(open(row.totp_secret, input.key), parsed.code, now, row.totp_last_time_step);
        if (r.valid) {
          codeOk = true;
          timeStep = r.timeStep;
        }
      } else if (parsed.kind === 'recovery') {
        codeOk = await consumeRecoveryCode(trx, row.id, hashRecoveryCode(parsed.code), now);
      }
    }
    const d = evaluateStaffCode({ status: row.status, failedLogins: row.failed_logins, enrolled: true }, codeOk, now);
    if (!d.ok) {
      await recordFailure(trx, row, d, 'code', ip, now);
      return { ok: false };
    }
    const method = parsed.kind === 'recovery' ? 'recovery' : 'totp';
    await updateStaff(trx, row.id, { ...toUpdate(d.changes), ...(timeStep !== null ? { totp_last_time_step: timeStep } : {}) }, now);
    await audit(trx, { actorType: 'staff', actorId: row.id, action: 'staff.login', targetType: 'staff', targetId: row.id, ip, at: now, details: { secondFactor: method } });
    return { ok: true, method };
  });
}

/** The secret being enrolled; kept on the row so reloading the page shows the same QR code. */
export async function enrolmentSecret(db: Knex, id: number, now: Date, key: Buffer): Promise<string> {
  return db.transaction(async (trx) => {
    const row = await lockStaffForUpdate(trx, id);
    if (!row) throw new Error('staff member vanished');
    if (row.totp_secret && !row.totp_enrolled_at) return open(row.totp_secret, key);
    const secret = newTotpSecret();
    await updateStaff(trx, id, { totp_secret: seal(secret, key), totp_enrolled_at: null, totp_last_time_step: null, recovery_code_hashes: [] }, now);
    return secret;
  });
}

/** Confirms the authenticator with a current code; returns the recovery codes to show once. */
export async function confirmEnrolment(db: Knex, input: { id: number; code: string; ip: string; now: Date; key: Buffer }): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false }> {
  const { now, ip } = input;
  return db.transaction(async (trx) => {
    const row = await lockStaffForUpdate(trx, input.id);
    if (!row?.totp_secret || row.totp_enrolled_at || row.status !== 'active') return { ok: false };
    const parsed = parseCode(input.code);
    if (parsed.kind !== 'totp') return { ok: false };
    const r = await verifyTotp(open(row.totp_secret, input.key), parsed.code, now, null);
    if (!r.valid) {
      await audit(trx, { actorType: 'staff', actorId: row.id, action: 'staff.enrolment_failed', targetType: 'staff', targetId: row.id, ip, at: now });
      return { ok: false };
    }
    const { codes, hashes } = newRecoveryCodes();
    await updateStaff(trx, row.id, { totp_enrolled_at: now, totp_last_time_step: r.timeStep, recovery_code_hashes: hashes, failed_logins: 0 }, now);
    await audit(trx, { actorType: 'staff', actorId: row.id, action: 'staff.enrolled', targetType: 'staff', targetId: row.id, ip, at: now });
    return { ok: true, recoveryCodes: codes };
  });
}
