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
 * Claims due messages with a lease: the next attempt moves into the future before sending,
 * so a crashed sender's messages come back by themselves and two instances never take the
 * same message (SKIP LOCKED).
 */
export async function claimDue(db: Knex, now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> {
  const result = await db.raw(
    `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?
     WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [new Date(now.getTime() + leaseMs), now, limit],
  );
  return result.rows as OutboxRow[];
}

export async function markSent(db: Knex, id: number, transport: 'smtp' | 'mailbox', now: Date): Promise<void> {
  await db('outbox').where({ id }).update({ status: 'sent', transport, sent_at: now, last_error: null });
}

export async function markFailedAttempt(db: Knex, id: number, error: string, retryAt: Date | null): Promise<void> {
  await db('outbox').where({ id }).update(retryAt
    ? { last_error: error.slice(0, 500), next_attempt_at: retryAt }
    : { last_error: error.slice(0, 500), status: 'failed' });
}

export async function retryFailed(db: Knex, id: number, now: Date): Promise<boolean> {
  const n = await db('outbox').where({ id, status: 'failed' }).update({ status: 'pending', attempts: 0, next_attempt_at: now });
  return n > 0;
}

export async function listOutbox(db: Knex, opts: { status?: string; to?: string; limit: number; offset: number }): Promise<OutboxRow[]> {
  const q = db('outbox').orderBy('id', 'desc').limit(opts.limit).offset(opts.offset);
  if (opts.status) q.where('status', opts.status);
  // the filter belongs in the query: filtering a page of the newest would miss older mail
  if (opts.to) q.whereRaw('lower(to_address) = lower(?)', [opts.to]);
  return q;
}

export async function findOutbox(db: Knex, id: number): Promise<OutboxRow | undefined> {
  return db('outbox').where({ id }).first();
}
