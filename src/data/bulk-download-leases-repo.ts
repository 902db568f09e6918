import type { Knex } from 'knex';

/**
 * Takes the user's lease unless another live one holds it; one statement, so two requests
 * (on any instances) cannot both get it. Returns whether it was taken.
 */
export async function takeLease(db: Knex, userId: number, token: string, now: Date, expiresAt: Date): Promise<boolean> {
  const r = await db.raw(
    `INSERT INTO bulk_download_leases (user_id, token, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET token = EXCLUDED.token, expires_at = EXCLUDED.expires_at
     WHERE bulk_download_leases.expires_at <= ?
     RETURNING token`,
    [userId, token, expiresAt, now],
  );
  return r.rows.length === 1;
}

export async function releaseLease(db: Knex, userId: number, token: string): Promise<void> {
  await db('bulk_download_leases').where({ user_id: userId, token }).delete();
}
