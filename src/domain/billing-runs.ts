/**
 * Billing runs started from the admin section: which period may be billed, and how a run's
 * counters read as progress. Pure.
 */
import { isBillingMonth } from './invoicing';

export type BillingRunStatus = 'queued' | 'running' | 'done' | 'failed';

export type PeriodResult =
  | { ok: true; period: string }
  | { ok: false; error: 'required' | 'invalid' | 'not_closed' | 'before_data' | 'no_data' };

/**
 * 'YYYY-MM' of a month that has already ended in Spain (the current month's consumption is
 * not complete, so it is "in the future" for billing) and not before the first month with
 * recorded consumption.
 */
export function parseBillingPeriod(
  raw: unknown, ctx: { currentMonth: string; earliestMonth: string | null },
): PeriodResult {
  const v = typeof raw === 'string' ? raw.trim() : '';
  if (!v) return { ok: false, error: 'required' };
  if (!isBillingMonth(v)) return { ok: false, error: 'invalid' };
  if (v >= ctx.currentMonth) return { ok: false, error: 'not_closed' };
  if (ctx.earliestMonth === null) return { ok: false, error: 'no_data' };
  if (v < ctx.earliestMonth) return { ok: false, error: 'before_data' };
  return { ok: true, period: v };
}

/** The month before `month` ('YYYY-MM'): the default period the form proposes. */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export interface RunCounters { status: BillingRunStatus; total: number | null; issued: number; skipped: number }

/**
 * "N de M facturas": M is what this run issues, i.e. the billable contracts less those another
 * run invoiced first (skipped). Unknown until the run has looked at the contracts.
 */
export function runProgress(r: RunCounters): { done: number; of: number | null; finished: boolean } {
  const of = r.total === null ? null : Math.max(0, r.total - r.skipped);
  return { done: r.issued, of, finished: r.status === 'done' || r.status === 'failed' };
}

/**
 * Whether a run recorded as active has no process behind it any more: not one this process
 * runs, and silent for longer than the grace period (zero with the embedded database, which
 * only this process can use).
 */
export function isStaleRun(
  r: { status: BillingRunStatus; updatedAt: Date }, ctx: { ownedHere: boolean; now: Date; graceMs: number },
): boolean {
  if (r.status !== 'queued' && r.status !== 'running') return false;
  if (ctx.ownedHere) return false;
  return ctx.now.getTime() - r.updatedAt.getTime() >= ctx.graceMs;
}
