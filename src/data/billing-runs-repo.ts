import type { Knex } from 'knex';
import type { BillingRunStatus } from '../domain/billing-runs';

export interface BillingRunRow {
  id: number;
  period: string;
  status: BillingRunStatus;
  total: number | null;
  issued: number;
  skipped: number;
  error: string | null;
  started_by: number | null;
  started_at: Date;
  finished_at: Date | null;
  updated_at: Date;
  /** host:pid of the process running it. */
  owner?: string | null;
  /** staff.staff_id and name of who started it (null if unknown). */
  staff_login?: string | null;
  staff_name?: string | null;
}

/** Throws a unique violation (23505) while another run of the period is queued or running. */
export async function insertRun(db: Knex, r: { period: string; startedBy: number; now: Date }): Promise<number> {
  const [row] = await db('billing_runs')
    .insert({ period: r.period, status: 'queued', started_by: r.startedBy, started_at: r.now, updated_at: r.now })
    .returning('id');
  return row.id;
}

export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

function withStaff(db: Knex) {
  return db('billing_runs as r')
    .leftJoin('staff as s', 's.id', 'r.started_by')
    .select('r.*', 's.staff_id as staff_login', db.raw("s.first_name || ' ' || s.last_name as staff_name"));
}

export async function findRun(db: Knex, id: number): Promise<BillingRunRow | undefined> {
  return withStaff(db).where('r.id', id).first();
}

export async function findActiveRuns(db: Knex, period?: string): Promise<BillingRunRow[]> {
  const q = db('billing_runs').whereIn('status', ['queued', 'running']);
  if (period) q.where({ period });
  return q;
}

export async function listRuns(db: Knex, limit: number): Promise<BillingRunRow[]> {
  return withStaff(db).orderBy('r.id', 'desc').limit(limit);
}

export async function markRunning(db: Knex, id: number, owner: string, now: Date): Promise<void> {
  await db('billing_runs').where({ id, status: 'queued' }).update({ status: 'running', owner, updated_at: now });
}

/** The run's sign of life. */
export async function heartbeat(db: Knex, id: number, at: Date): Promise<void> {
  await db('billing_runs').where({ id, status: 'running' }).update({ updated_at: at });
}

/** Invoices a run committed, counted from the invoices themselves. */
export async function countRunInvoices(db: Knex, id: number): Promise<number> {
  const row = await db('invoices').where({ billing_run_id: id }).count<{ n: number }[]>('* as n').first();
  return Number(row?.n ?? 0);
}

/** Only while running: a late progress write never overwrites the final counts. */
export async function saveProgress(
  db: Knex, id: number, p: { total: number; issued: number; skipped: number }, now: Date,
): Promise<void> {
  await db('billing_runs').where({ id, status: 'running' }).update({ ...p, updated_at: now });
}

export async function finishRun(
  db: Knex, id: number,
  r: { status: 'done' | 'failed'; total: number | null; issued: number; skipped: number; error: string | null },
  now: Date,
): Promise<void> {
  await db('billing_runs').where({ id }).whereIn('status', ['queued', 'running']).update(
    { ...r, finished_at: now, updated_at: now },
  );
}

/** 'YYYY-MM' of the oldest recorded consumption, or null when there is none. */
export async function earliestConsumptionMonth(db: Knex): Promise<string | null> {
  const row = await db('consumption').min('month as m').first();
  return row?.m ? String(row.m).slice(0, 7) : null;
}
