import type { Knex } from 'knex';

export interface OutboxRow {
  id: number;
  to_address: string;
  language: string;
  template: string;
  subject: string;
  text_body: string;
  html_body: string;
  status: 'pending' | 'sent' | 'failed';
  transport: 'smtp' | 'mailbox' | null;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  user_id: number | null;
  customer_id: number | null;
  created_at: Date;
  sent_at: Date | null;
}

export interface NewOutboxMessage {
  to: string; language: string; template: string; subject: string; text: string; html: string;
  userId?: number | null; customerId?: number | null;
}

export async function insertOutbox(db: Knex, m: NewOutboxMessage): Promise<number> {
  const [row] = await db('outbox').insert({
    to_address: m.to, language: m.language, template: m.template, subject: m.subject,
    text_body: m.text, html_body: m.html, user_id: m.userId ?? null, customer_id: m.customerId ?? null,
  }).returning('id');
  return row.id;
}

/**
 * Claims ONE due message for leaseMs under a fresh token: the next attempt moves into the
 * future before sending, so a crashed sender's message comes back by itself, and two
 * instances never take the same message (SKIP LOCKED). One at a time, so a slow SMTP server
 * never lets the lease of a message still waiting in a batch run out.
 */
export async function claimNext(db: Knex, now: Date, leaseMs: number, token: string): Promise<OutboxRow | undefined> {
  const result = await db.raw(
    `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, claim_token = ?
     WHERE id = (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
                 ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [new Date(now.getTime() + leaseMs), token, now],
  );
  return (result.rows as OutboxRow[])[0];
}

/** Only under our own claim: a message someone else took over is theirs to record. */
export async function markSent(
  db: Knex, id: number, token: string, transport: 'smtp' | 'mailbox', now: Date,
): Promise<void> {
  await db('outbox').where({ id, claim_token: token }).update(
    { status: 'sent', transport, sent_at: now, last_error: null, claim_token: null },
  );
}

export async function markFailedAttempt(
  db: Knex, id: number, token: string, error: string, retryAt: Date,
): Promise<void> {
  await db('outbox').where({ id, claim_token: token }).update(
    { last_error: error.slice(0, 500), next_attempt_at: retryAt, claim_token: null },
  );
}

/** Messages not sent yet and how late the oldest due one is (for /healthz and the admin home). */
export async function outboxLag(db: Knex, now: Date): Promise<{ pending: number; oldestDueSeconds: number }> {
  const row = await db('outbox').where('status', 'pending')
    .select(
      db.raw('count(*)::int as pending'),
      db.raw('extract(epoch from (?::timestamptz - min(next_attempt_at)))::float as lag', [now]),
    )
    .first();
  return { pending: Number(row?.pending ?? 0), oldestDueSeconds: Math.max(0, Math.round(Number(row?.lag ?? 0))) };
}

/** Every failed message back into the queue (the admin's bulk retry); returns how many. */
export async function retryAllFailed(db: Knex, now: Date): Promise<number> {
  return db('outbox').where({ status: 'failed' }).update(
    { status: 'pending', attempts: 0, next_attempt_at: now, claim_token: null },
  );
}

export async function retryFailed(db: Knex, id: number, now: Date): Promise<boolean> {
  const n = await db('outbox').where({ id, status: 'failed' }).update(
    { status: 'pending', attempts: 0, next_attempt_at: now },
  );
  return n > 0;
}

export async function listOutbox(
  db: Knex, opts: { status?: string; to?: string; limit: number; offset: number },
): Promise<OutboxRow[]> {
  const q = db('outbox').orderBy('id', 'desc').limit(opts.limit).offset(opts.offset);
  if (opts.status) q.where('status', opts.status);
  // the filter belongs in the query: filtering a page of the newest would miss older mail
  if (opts.to) q.whereRaw('lower(to_address) = lower(?)', [opts.to]);
  return q;
}

export async function findOutbox(db: Knex, id: number): Promise<OutboxRow | undefined> {
  return db('outbox').where({ id }).first();
}
