import type { Knex } from 'knex';

export async function insertStaffReset(
  db: Knex, staffId: number, tokenHash: string, expiresAt: Date, now: Date,
): Promise<void> {
  // a new link replaces the ones sent before
  await db('staff_password_resets').where({ staff_id: staffId }).whereNull('used_at').update({ used_at: now });
  await db('staff_password_resets').insert(
    { staff_id: staffId, token_hash: tokenHash, expires_at: expiresAt, created_at: now },
  );
}

/** Marks a live link used and returns its staff member; one statement, so a link works once. */
export async function consumeStaffReset(db: Knex, tokenHash: string, now: Date): Promise<number | null> {
  const rows = await db('staff_password_resets').where({ token_hash: tokenHash }).whereNull('used_at').where(
    'expires_at', '>', now,
  )
    .update({ used_at: now }).returning('staff_id');
  return rows.length ? Number((rows[0] as { staff_id: number }).staff_id) : null;
}

/** Who a live link belongs to (for the password rules, which refuse one's own name). */
export async function staffOfLiveReset(
  db: Knex, tokenHash: string, now: Date,
): Promise<{ staffId: string; firstName: string; lastName: string; email: string } | null> {
  const row = await db('staff_password_resets as r').join('staff as s', 's.id', 'r.staff_id')
    .where({ 'r.token_hash': tokenHash }).whereNull('r.used_at').where('r.expires_at', '>', now)
    .first('s.staff_id', 's.first_name', 's.last_name', 's.email');
  return row ? { staffId: row.staff_id, firstName: row.first_name, lastName: row.last_name, email: row.email } : null;
}

export async function setStaffPassword(
  db: Knex, id: number, passwordHash: string, mustChange: boolean, now: Date,
): Promise<void> {
  await db('staff').where({ id }).update(
    { password_hash: passwordHash, must_change_password: mustChange, password_changed_at: now, updated_at: now },
  );
}
