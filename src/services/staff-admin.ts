/** A supervisor's work on staff accounts; every change writes its audit row in the same transaction. */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Config } from '../config';
import { staffActionChange, type StaffAction, type StaffActionRefusal, type StaffRole } from '../domain/staff';
import { audit } from '../data/audit-repo';
import {
  destroyStaffSessions, insertStaff, lockStaffForUpdate, updateStaff, type StaffUpdate,
} from '../data/staff-repo';
import { hashPassword } from '../adapters/passwords';
import { sendStaffResetLink } from './staff-auth';

/** As `staffActor(req)` gives it. */
export interface Actor { actorId: number; ip: string | null }

/** 16 characters from a CSPRNG, in groups for reading aloud or typing; well above the policy. */
export function generateInitialPassword(): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const chars = [...crypto.randomBytes(20)].map((b) => alphabet[b % alphabet.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5, 10)}-${chars.slice(10, 15)}-${chars.slice(15, 20)}`;
}

export async function createStaffMember(db: Knex, config: Config, actor: Actor, s: {
  staffId: string; firstName: string; lastName: string; email: string;
  role: StaffRole; password: string; reason: string;
}, now: Date): Promise<number | 'taken'> {
  const passwordHash = await hashPassword(s.password, config.argon2);
  return db.transaction(async (trx) => {
    const exists = await trx('staff').where({ staff_id: s.staffId }).first('id');
    if (exists) return 'taken' as const;
    const id = await insertStaff(
      trx,
      { staffId: s.staffId, firstName: s.firstName, lastName: s.lastName, email: s.email, role: s.role, passwordHash },
      now,
    );
    // the supervisor knows this password: the member must choose their own at the first login
    await updateStaff(trx, id, { must_change_password: true }, now);
    await audit(
      trx,
      {
        actorType: 'staff', actorId: actor.actorId, action: 'staff.created', targetType: 'staff', targetId: id,
        ip: actor.ip, at: now, details: { staffId: s.staffId, role: s.role, reason: s.reason },
      },
    );
    return id;
  });
}

export async function applyStaffAction(
  db: Knex, config: Config, actor: Actor, targetId: number, action: StaffAction, reason: string, now: Date,
): Promise<'done' | 'not_found' | StaffActionRefusal> {
  // a password nobody knows, so that neither the old one nor anyone who learnt it opens the account
  const unusable = await hashPassword(crypto.randomBytes(32).toString('base64url'), config.argon2);
  return db.transaction(async (trx) => {
    const row = await lockStaffForUpdate(trx, targetId);
    if (!row) return 'not_found' as const;
    const change = staffActionChange(action, { id: row.id, status: row.status }, actor.actorId);
    if (typeof change === 'string') return change;
    const update: StaffUpdate = {
      ...(change.status !== undefined ? { status: change.status } : {}),
      ...(change.failedLogins !== undefined ? { failed_logins: change.failedLogins } : {}),
      ...(change.lockedAt !== undefined ? { locked_at: change.lockedAt } : {}),
      ...(
        change.resetSecondFactor ? {
          totp_secret: null, totp_enrolled_at: null, totp_last_time_step: null, recovery_code_hashes: [],
        } : {}
      ),
      ...(change.resetPassword ? { password_hash: unusable, must_change_password: false } : {}),
    };
    await updateStaff(trx, row.id, update, now);
    if (change.resetPassword) await sendStaffResetLink(trx, config, row, now);
    if (change.endSessions) await destroyStaffSessions(trx, row.id);
    await audit(
      trx,
      {
        actorType: 'staff', actorId: actor.actorId, action: `staff.${action}`, targetType: 'staff', targetId: row.id,
        ip: actor.ip, at: now, details: { reason, staffId: row.staff_id },
      },
    );
    return 'done' as const;
  });
}
