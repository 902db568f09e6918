import type { Knex } from 'knex';
import type { OutboxStatus } from '../domain/outbox-view';

/** How many messages are in each status (the outbox page's summary). */
export async function outboxCounts(db: Knex): Promise<Record<OutboxStatus, number>> {
  const rows = await db('outbox').select('status').count<{ status: OutboxStatus; n: number }[]>('* as n').groupBy(
    'status',
  );
  const out: Record<OutboxStatus, number> = { pending: 0, sent: 0, failed: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}
