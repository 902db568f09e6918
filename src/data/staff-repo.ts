import type { Knex } from 'knex';
import type { StaffRole, StaffStatus } from '../domain/staff';

export interface StaffRow {
  id: number;
  staff_id: string;
  first_name: string;
  last_name: string;
  email: string;
  role: StaffRole;
  password_hash: string;
  totp_secret: string | null;
  totp_enrolled_at: Date | null;
  totp_last_time_step: number | null;
  recovery_code_hashes: string[];
  status: StaffStatus;
  failed_logins: number;
  locked_at: Date | null;
  last_login_at: Date | null;
  /** Set by a supervisor-chosen password: the next login must choose a new one. */
  must_change_password: boolean;
  created_at: Date;
  updated_at: Date;
}

export type StaffUpdate = Partial<Omit<StaffRow, 'id' | 'created_at' | 'updated_at' | 'recovery_code_hashes'>> & {
  recovery_code_hashes?: string[],
};

export async function findStaffByStaffId(db: Knex, staffId: string): Promise<StaffRow | undefined> {
  return db<StaffRow>('staff').where({ staff_id: staffId }).first();
}

export async function findStaffById(db: Knex, id: number): Promise<StaffRow | undefined> {
  return db<StaffRow>('staff').where({ id }).first();
}

export async function lockStaffForUpdate(trx: Knex, id: number): Promise<StaffRow | undefined> {
  return trx<StaffRow>('staff').where({ id }).forUpdate().first();
}

export async function updateStaff(db: Knex, id: number, changes: StaffUpdate, now: Date): Promise<void> {
  const { recovery_code_hashes, ...rest } = changes;
  await db('staff').where({ id }).update({
    ...rest,
    ...(recovery_code_hashes !== undefined ? { recovery_code_hashes: JSON.stringify(recovery_code_hashes) } : {}),
    updated_at: now,
  });
}

export async function insertStaff(db: Knex, s: {
  staffId: string; firstName: string; lastName: string; email: string; role: StaffRole; passwordHash: string;
  totpSecret?: string | null; enrolledAt?: Date | null; recoveryCodeHashes?: string[];
}, now: Date): Promise<number> {
  const [row] = await db('staff').insert({
    staff_id: s.staffId, first_name: s.firstName, last_name: s.lastName, email: s.email, role: s.role,
    password_hash: s.passwordHash, totp_secret: s.totpSecret ?? null, totp_enrolled_at: s.enrolledAt ?? null,
    recovery_code_hashes: JSON.stringify(s.recoveryCodeHashes ?? []), status: 'active', failed_logins: 0,
    created_at: now, updated_at: now,
  }).returning('id');
  return (row as { id: number }).id;
}

export async function listStaff(db: Knex): Promise<StaffRow[]> {
  return db<StaffRow>('staff').orderBy([{ column: 'role', order: 'desc' }, { column: 'staff_id', order: 'asc' }]);
}

/** Ends every admin session of a staff member (disable, second factor reset). */
export async function destroyStaffSessions(db: Knex, staffId: number, exceptSid?: string): Promise<number> {
  const q = db('staff_sessions').whereRaw("(sess->>'staffId')::bigint = ?", [staffId]);
  if (exceptSid) q.whereNot('sid', exceptSid);
  return q.delete();
}

/** Consumes one recovery code atomically: true when the hash was there and is now gone. */
export async function consumeRecoveryCode(trx: Knex, id: number, hash: string, now: Date): Promise<boolean> {
  const n = await trx('staff')
    .where({ id })
    .whereRaw('recovery_code_hashes \\? ?', [hash])
    .update({ recovery_code_hashes: trx.raw('recovery_code_hashes - ?', [hash]), updated_at: now });
  return n > 0;
}
