/**
 * The admin login's steps (password, then code; or password, then enrolment). Routes call
 * these and only translate the outcome into pages; the lockout rule lives in the domain.
 */
import type { Knex } from 'knex';
import type { Config } from '../config';
import {
  evaluateStaffCode, evaluateStaffPassword, normalizeStaffId, parseCode, type StaffStepDecision,
} from '../domain/staff';
import type { LoginChanges } from '../domain/accounts';
import { audit } from '../data/audit-repo';
import {
  consumeRecoveryCode, destroyStaffSessions, findStaffById, findStaffByStaffId, lockStaffForUpdate, updateStaff,
  type StaffRow, type StaffUpdate,
} from '../data/staff-repo';
import { consumeStaffReset, insertStaffReset, setStaffPassword, staffOfLiveReset } from '../data/staff-password-repo';
import { hashPassword, verifyPassword, verifyPasswordOrDummy } from '../adapters/passwords';
import { hashToken, newToken } from '../adapters/tokens';
import { queueMail } from '../adapters/mail/outbox';
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

async function recordFailure(
  trx: Knex, staff: StaffRow, d: StaffStepDecision, step: 'password' | 'code', ip: string, now: Date,
): Promise<void> {
  const update = toUpdate(d.changes);
  if (Object.keys(update).length) await updateStaff(trx, staff.id, update, now);
  await audit(
    trx,
    {
      actorType: 'anonymous', action: 'staff.login_failed', targetType: 'staff', targetId: staff.id, ip, at: now,
      details: { step, outcome: d.outcome },
    },
  );
  if (d.justLocked) {
    await audit(
      trx, { actorType: 'system', action: 'staff.locked', targetType: 'staff', targetId: staff.id, ip, at: now },
    );
  }
}

export type PasswordStepResult = { kind: 'failure' } | { kind: 'code'; id: number } | { kind: 'enrol'; id: number };

export async function staffPasswordStep(
  db: Knex, config: Config, input: { staffId: string; password: string; ip: string; now: Date },
): Promise<PasswordStepResult> {
  const id = normalizeStaffId(input.staffId);
  const staff = id.ok ? await findStaffByStaffId(db, id.value) : undefined;
  // Unknown ids cost the same argon2 work, so timing does not tell them apart.
  const passwordOk = await verifyPasswordOrDummy(staff?.password_hash, input.password, config.argon2);
  const { now, ip } = input;
  return db.transaction(async (trx) => {
    const row = staff ? await lockStaffForUpdate(trx, staff.id) : undefined;
    if (!row) {
      await audit(
        trx,
        {
          actorType: 'anonymous', action: 'staff.login_failed', ip, at: now,
          details: { step: 'password', outcome: 'unknown' },
        },
      );
      return { kind: 'failure' } as const;
    }
    const d = evaluateStaffPassword(
      { status: row.status, failedLogins: row.failed_logins, enrolled: row.totp_enrolled_at !== null }, passwordOk, now,
    );
    if (!d.ok) {
      await recordFailure(trx, row, d, 'password', ip, now);
      return { kind: 'failure' } as const;
    }
    if (d.next === 'enrol') {
      await updateStaff(trx, row.id, toUpdate(d.changes), now);
      await audit(
        trx,
        {
          actorType: 'staff', actorId: row.id, action: 'staff.login', targetType: 'staff', targetId: row.id, ip,
          at: now, details: { secondFactor: 'enrolment_required' },
        },
      );
      return { kind: 'enrol', id: row.id } as const;
    }
    return { kind: 'code', id: row.id } as const;
  });
}

export async function staffCodeStep(
  db: Knex, input: { id: number; code: string; ip: string; now: Date; key: Buffer },
): Promise<{ ok: boolean; method?: 'totp' | 'recovery' }> {
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
    await updateStaff(
      trx, row.id, { ...toUpdate(d.changes), ...(timeStep !== null ? { totp_last_time_step: timeStep } : {}) }, now,
    );
    await audit(
      trx,
      {
        actorType: 'staff', actorId: row.id, action: 'staff.login', targetType: 'staff', targetId: row.id, ip, at: now,
        details: { secondFactor: method },
      },
    );
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
    await updateStaff(
      trx, id,
      { totp_secret: seal(secret, key), totp_enrolled_at: null, totp_last_time_step: null, recovery_code_hashes: [] },
      now,
    );
    return secret;
  });
}

/** Confirms the authenticator with a current code; returns the recovery codes to show once. */
export async function confirmEnrolment(
  db: Knex, input: { id: number; code: string; ip: string; now: Date; key: Buffer },
): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false }> {
  const { now, ip } = input;
  return db.transaction(async (trx) => {
    const row = await lockStaffForUpdate(trx, input.id);
    if (!row?.totp_secret || row.totp_enrolled_at || row.status !== 'active') return { ok: false };
    const parsed = parseCode(input.code);
    if (parsed.kind !== 'totp') return { ok: false };
    const r = await verifyTotp(open(row.totp_secret, input.key), parsed.code, now, null);
    if (!r.valid) {
      await audit(
        trx,
        {
          actorType: 'staff', actorId: row.id, action: 'staff.enrolment_failed', targetType: 'staff', targetId: row.id,
          ip, at: now,
        },
      );
      return { ok: false };
    }
    const { codes, hashes } = newRecoveryCodes();
    await updateStaff(
      trx, row.id,
      { totp_enrolled_at: now, totp_last_time_step: r.timeStep, recovery_code_hashes: hashes, failed_logins: 0 }, now,
    );
    await audit(
      trx,
      {
        actorType: 'staff', actorId: row.id, action: 'staff.enrolled', targetType: 'staff', targetId: row.id, ip,
        at: now,
      },
    );
    return { ok: true, recoveryCodes: codes };
  });
}

// ── passwords (issue 12 item 8) ─────────────────────────────────────────────

/** How long an emailed reset link works: a supervisor may start it outside the person's shift. */
export const STAFF_RESET_HOURS = 24;

type ResetTarget = Pick<StaffRow, 'id' | 'email' | 'first_name'>;

/**
 * Emails the staff member a single-use link to choose a new password. Inside the caller's
 * transaction; the link goes to the member's address only, never to the supervisor's screen.
 */
export async function sendStaffResetLink(trx: Knex, config: Config, staff: ResetTarget, now: Date): Promise<void> {
  const { token, hash } = newToken();
  await insertStaffReset(trx, staff.id, hash, new Date(now.getTime() + STAFF_RESET_HOURS * 3600_000), now);
  await queueMail(trx, {
    to: staff.email, lang: 'es', template: 'staff_password_reset', params: {
      name: staff.first_name, hours: STAFF_RESET_HOURS,
    },
    actionUrl: `${config.publicUrl}/admin/restablecer?token=${token}`,
  });
}

export type StaffPasswordChange = 'changed' | 'wrong_current' | 'locked';

/**
 * A staff member changes their own password with the current one. A wrong current password
 * counts as a failed login (5 lock the account, which ends its sessions); a change ends the
 * member's other sessions and tells them by email.
 */
export async function changeStaffPassword(
  db: Knex, config: Config,
  input: { id: number; current: string; next: string; ip: string; now: Date; keepSid: string },
): Promise<StaffPasswordChange> {
  const staff = await findStaffById(db, input.id);
  if (!staff) return 'wrong_current';
  const ok = await verifyPassword(staff.password_hash, input.current);
  const newHash = ok ? await hashPassword(input.next, config.argon2) : null;
  const { now, ip } = input;
  return db.transaction(async (trx) => {
    const row = await lockStaffForUpdate(trx, input.id);
    if (!row) return 'wrong_current' as const;
    if (!newHash) {
      const d = evaluateStaffPassword(
        { status: row.status, failedLogins: row.failed_logins, enrolled: true }, false, now,
      );
      await recordFailure(trx, row, d, 'password', ip, now);
      if (d.justLocked) {
        await destroyStaffSessions(trx, row.id);
        return 'locked' as const;
      }
      return 'wrong_current' as const;
    }
    await setStaffPassword(trx, row.id, newHash, false, now);
    await updateStaff(trx, row.id, { failed_logins: 0 }, now);
    await destroyStaffSessions(trx, row.id, input.keepSid);
    await audit(
      trx,
      {
        actorType: 'staff', actorId: row.id, action: 'staff.password_changed', targetType: 'staff', targetId: row.id,
        ip, at: now, details: { forced: row.must_change_password },
      },
    );
    await queueMail(
      trx, { to: row.email, lang: 'es', template: 'staff_password_changed', params: { name: row.first_name } },
    );
    return 'changed' as const;
  });
}

/** Who an emailed link belongs to, while it still works. */
export function staffOfResetLink(db: Knex, token: string, now: Date) {
  return staffOfLiveReset(db, hashToken(token), now);
}

/**
 * Sets the password chosen from an emailed link: the link works once; a lock from failed
 * logins is lifted (a disabled member stays disabled); every session of the member ends.
 */
export async function resetStaffPassword(
  db: Knex, config: Config, input: { token: string; password: string; ip: string; now: Date },
): Promise<boolean> {
  const newHash = await hashPassword(input.password, config.argon2);
  const { now, ip } = input;
  return db.transaction(async (trx) => {
    const id = await consumeStaffReset(trx, hashToken(input.token), now);
    if (!id) return false;
    const row = await lockStaffForUpdate(trx, id);
    if (!row) return false;
    await setStaffPassword(trx, id, newHash, false, now);
    await updateStaff(
      trx, id, { failed_logins: 0, ...(row.status === 'locked' ? { status: 'active' as const, locked_at: null } : {}) },
      now,
    );
    await destroyStaffSessions(trx, id);
    await audit(
      trx,
      {
        actorType: 'staff', actorId: id, action: 'staff.password_reset', targetType: 'staff', targetId: id, ip, at: now,
      },
    );
    await queueMail(
      trx, { to: row.email, lang: 'es', template: 'staff_password_changed', params: { name: row.first_name } },
    );
    return true;
  });
}
