import type { Knex } from 'knex';

/**
 * Counts a hit in a fixed window and returns the window's total. One upsert, so it is
 * atomic across instances.
 */
export async function hit(db: Knex, bucket: string, windowStart: Date): Promise<number> {
  const r = await db.raw(
    `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1)
     ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1
     RETURNING hits`,
    [bucket, windowStart],
  );
  return (r.rows[0] as { hits: number }).hits;
}

export async function peek(db: Knex, bucket: string, windowStart: Date): Promise<number> {
  const row = await db('rate_limits').where({ bucket, window_start: windowStart }).first('hits');
  return row?.hits ?? 0;
}

export async function pruneBefore(db: Knex, before: Date): Promise<number> {
  return db('rate_limits').where('window_start', '<', before).delete();
}
