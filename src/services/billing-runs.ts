/**
 * Billing runs started from the admin section: the same operation as `npm run billing:issue`
 * (issueInvoicesForMonth), run in the background of the app process, with its progress in
 * billing_runs. A run commits batch by batch: a run that is interrupted (shutdown, crash) is
 * marked failed with what it had issued, and starting the period again issues the rest.
 */
import type { Knex } from 'knex';
import type { AppDeps } from '../deps';
import { audit } from '../data/audit-repo';
import { findActiveRuns, finishRun, insertRun, isUniqueViolation, markRunning, saveProgress } from '../data/billing-runs-repo';
import { isStaleRun } from '../domain/billing-runs';
import { issueInvoicesForMonth, PartialIssueError } from './invoicing';

export interface RunnerDeps extends Pick<AppDeps, 'config' | 'clock' | 'signer' | 'logger' | 'mailer'> { knex: Knex; embedded: boolean }

interface ActiveRun {
  promise: Promise<void>;
  progress: { total: number | null; issued: number; skipped: number };
  stopping: boolean;
}

// Runs of this process. Another instance's runs are only in the table.
const active = new Map<number, ActiveRun>();

/** How long a run may stay silent before another process takes it for dead (shared database). */
export const STALE_AFTER_MS = 10 * 60_000;

export const INTERRUPTED = 'interrupted';
export const STALE = 'stale';

export type StartResult = { ok: true; runId: number } | { ok: false; reason: 'running'; runId: number };

/** Marks runs with no process behind them as failed, so their period can run again. */
export async function failStaleRuns(d: RunnerDeps, period?: string): Promise<void> {
  const now = d.clock.now();
  for (const r of await findActiveRuns(d.knex, period)) {
    if (isStaleRun({ status: r.status, updatedAt: r.updated_at }, { ownedHere: active.has(r.id), now, graceMs: d.embedded ? 0 : STALE_AFTER_MS })) {
      await finishRun(d.knex, r.id, { status: 'failed', total: r.total, issued: 0, skipped: r.skipped, error: STALE }, now);
    }
  }
}

/** Records the run and starts it in the background; refused while the period is running. */
export async function startBillingRun(d: RunnerDeps, period: string, by: { staffId: number; ip: string | null }): Promise<StartResult> {
  await failStaleRuns(d, period);
  const now = d.clock.now();
  let runId: number;
  try {
    runId = await d.knex.transaction(async (trx) => {
      const id = await insertRun(trx, { period, startedBy: by.staffId, now });
      await audit(trx, { actorType: 'staff', actorId: by.staffId, action: 'billing.run_started', targetType: 'billing_run', targetId: id, ip: by.ip, at: now, details: { period } });
      return id;
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const [running] = await findActiveRuns(d.knex, period);
    if (!running) throw err;
    return { ok: false, reason: 'running', runId: running.id };
  }
  const run: ActiveRun = { promise: Promise.resolve(), progress: { total: null, issued: 0, skipped: 0 }, stopping: false };
  active.set(runId, run);
  run.promise = execute(d, runId, period, by, run).finally(() => active.delete(runId));
  return { ok: true, runId };
}

async function execute(d: RunnerDeps, runId: number, period: string, by: { staffId: number; ip: string | null }, run: ActiveRun): Promise<void> {
  // Progress writes go out one at a time, latest counts first, never awaited by the run: with
  // the embedded database they wait until the current batch commits.
  let writing: Promise<void> | null = null;
  let dirty = false;
  const flush = (): void => {
    if (writing) { dirty = true; return; }
    const p = { total: run.progress.total ?? 0, issued: run.progress.issued, skipped: run.progress.skipped };
    writing = saveProgress(d.knex, runId, p, d.clock.now())
      .catch((err: unknown) => d.logger.warn({ err, runId }, 'billing run progress not saved'))
      .finally(() => {
        writing = null;
        if (dirty) { dirty = false; flush(); }
      });
  };
  let outcome: { status: 'done' | 'failed'; total: number | null; issued: number; skipped: number; error: string | null };
  try {
    await markRunning(d.knex, runId, d.clock.now());
    await gate;
    const r = await issueInvoicesForMonth(d.knex, period, {
      signer: d.signer, now: d.clock.now(), config: d.config, notify: true,
      onProgress: ({ done, total, candidates }) => {
        if (run.stopping) throw new Error(INTERRUPTED);
        run.progress = { total: candidates, issued: done, skipped: candidates - total };
        flush();
      },
    });
    outcome = { status: 'done', total: r.candidates, issued: r.issued, skipped: r.candidates - r.issued, error: null };
    d.mailer?.kick();
  } catch (err) {
    const reason = err instanceof PartialIssueError ? err.reason : err;
    const message = (reason as Error).message === INTERRUPTED ? INTERRUPTED : String((reason as Error).message ?? reason).slice(0, 500);
    if (message !== INTERRUPTED) d.logger.error({ err: reason, runId, period }, 'billing run failed');
    // the batch in progress rolled back; the ones before it are issued and stay
    const issued = err instanceof PartialIssueError ? err.issued : 0;
    outcome = { status: 'failed', total: run.progress.total, issued, skipped: run.progress.skipped, error: message };
  }
  while (writing) await writing;
  const now = d.clock.now();
  try {
    await d.knex.transaction(async (trx) => {
      await finishRun(trx, runId, outcome, now);
      await audit(trx, {
        actorType: 'staff', actorId: by.staffId, action: 'billing.run_finished', targetType: 'billing_run', targetId: runId, ip: by.ip, at: now,
        details: { period, status: outcome.status, total: outcome.total, issued: outcome.issued, skipped: outcome.skipped, ...(outcome.error ? { error: outcome.error } : {}) },
      });
    });
  } catch (err) {
    d.logger.error({ err, runId }, 'billing run outcome not saved');
  }
}

// Test seam: while held, runs stay "running" before issuing, so a test can see that state.
let gate: Promise<void> = Promise.resolve();

/** Holds new runs just before they issue anything until the returned function is called (tests). */
export function holdBillingRuns(): () => void {
  let release!: () => void;
  gate = new Promise((resolve) => { release = resolve; });
  return () => {
    release();
    gate = Promise.resolve();
  };
}

/** Counts of a run of this process, fresher than its row (which the embedded database holds back). */
export function liveProgress(runId: number): { total: number | null; issued: number; skipped: number } | undefined {
  return active.get(runId)?.progress;
}

/** Settles when the run has finished and its row says so (tests await it instead of sleeping). */
export async function billingRunSettled(runId: number): Promise<void> {
  await active.get(runId)?.promise;
}

/**
 * On shutdown: running runs stop at their next invoice, roll back and are recorded as failed
 * ("interrupted"), before the database closes. They are started again by hand.
 */
export async function stopBillingRuns(): Promise<void> {
  const runs = [...active.values()];
  for (const r of runs) r.stopping = true;
  await Promise.allSettled(runs.map((r) => r.promise));
}

export function runnerDeps(deps: AppDeps): RunnerDeps {
  return { knex: deps.db.knex, embedded: deps.db.embedded, config: deps.config, clock: deps.clock, signer: deps.signer, logger: deps.logger, mailer: deps.mailer };
}
