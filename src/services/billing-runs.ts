/**
 * Billing runs started from the admin section: the same operation as `npm run billing:issue`
 * (issueInvoicesForMonth), run in the background of the app process, with its progress in
 * billing_runs. A run commits batch by batch: a run that is interrupted (shutdown, crash) is
 * marked failed with what it had issued, and starting the period again issues the rest.
 * A running run beats a heartbeat (updated_at) and names its process (owner): a run whose
 * process is gone is recognised at once on this machine, and after STALE_AFTER_MS elsewhere.
 */
import os from 'node:os';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { AppDeps } from '../deps';
import { audit } from '../data/audit-repo';
import {
  countRunInvoices, findActiveRuns, finishRun, heartbeat, insertRun, isUniqueViolation, markRunning, saveProgress,
  type BillingRunRow,
} from '../data/billing-runs-repo';
import { isStaleRun } from '../domain/billing-runs';
import { issueInvoicesForMonth, PartialIssueError } from './invoicing';

export interface RunnerDeps extends Pick<AppDeps, 'config' | 'clock' | 'signer' | 'logger' | 'mailer'> { knex: Knex }

interface ActiveRun {
  promise: Promise<void>;
  progress: { total: number | null; issued: number; skipped: number };
  stopping: boolean;
}

// Runs of this process. Another instance's runs are only in the table.
const active = new Map<number, ActiveRun>();

/** How often a running run says it is alive. */
export const HEARTBEAT_MS = 5_000;
/** How long a run may stay silent before another process takes it for dead (six missed beats). */
export const STALE_AFTER_MS = 30_000;

/** This process, as recorded in billing_runs.owner. */
export const OWNER = `${os.hostname()}:${process.pid}`;

function ownerIsGoneHere(owner: string | null): boolean {
  if (!owner) return false;
  const [host, pid] = owner.split(':');
  if (host !== os.hostname() || !pid || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function markStale(knex: Knex, r: BillingRunRow, now: Date): Promise<void> {
  // the invoices it committed carry its id: the real count, whatever its last progress write said
  const issued = await countRunInvoices(knex, r.id);
  await finishRun(knex, r.id, { status: 'failed', total: r.total, issued, skipped: r.skipped, error: STALE }, now);
}

/** At start-up: runs left active by a process that is gone (a crash, a kill) are closed as interrupted. */
export async function recoverAbandonedRuns(knex: Knex, now: Date, log?: Logger): Promise<void> {
  for (const r of await findActiveRuns(knex)) {
    if (active.has(r.id)) continue;
    const silentFor = now.getTime() - new Date(r.updated_at).getTime();
    if (ownerIsGoneHere(r.owner ?? null) || silentFor >= STALE_AFTER_MS) {
      await markStale(knex, r, now);
      log?.warn({ runId: r.id, period: r.period }, 'billing run left by a stopped process recorded as interrupted');
    }
  }
}

export const INTERRUPTED = 'interrupted';
export const STALE = 'stale';

export type StartResult = { ok: true; runId: number } | { ok: false; reason: 'running'; runId: number };

/** Marks runs with no process behind them as failed, so their period can run again. */
export async function failStaleRuns(d: RunnerDeps, period?: string): Promise<void> {
  const now = d.clock.now();
  for (const r of await findActiveRuns(d.knex, period)) {
    const graceMs = ownerIsGoneHere(r.owner ?? null) ? 0 : STALE_AFTER_MS;
    if (
      isStaleRun({ status: r.status, updatedAt: new Date(r.updated_at) }, { ownedHere: active.has(r.id), now, graceMs })
    ) {
      await markStale(d.knex, r, now);
    }
  }
}

/** Records the run and starts it in the background; refused while the period is running. */
export async function startBillingRun(
  d: RunnerDeps, period: string, by: { staffId: number; ip: string | null },
): Promise<StartResult> {
  await failStaleRuns(d, period);
  const now = d.clock.now();
  let runId: number;
  try {
    runId = await d.knex.transaction(async (trx) => {
      const id = await insertRun(trx, { period, startedBy: by.staffId, now });
      await audit(
        trx,
        {
          actorType: 'staff', actorId: by.staffId, action: 'billing.run_started', targetType: 'billing_run',
          targetId: id, ip: by.ip, at: now, details: { period },
        },
      );
      return id;
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const [running] = await findActiveRuns(d.knex, period);
    if (!running) throw err;
    return { ok: false, reason: 'running', runId: running.id };
  }
  const run: ActiveRun = {
    promise: Promise.resolve(), progress: { total: null, issued: 0, skipped: 0 }, stopping: false,
  };
  active.set(runId, run);
  run.promise = execute(d, runId, period, by, run).finally(() => active.delete(runId));
  return { ok: true, runId };
}

async function execute(
  d: RunnerDeps, runId: number, period: string, by: { staffId: number; ip: string | null }, run: ActiveRun,
): Promise<void> {
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
  let outcome: {
    status: 'done' | 'failed'; total: number | null; issued: number; skipped: number; error: string | null;
  };
  const beat = setInterval(() => {
    heartbeat(d.knex, runId, d.clock.now()).catch(() => {
      // the database is down: the outcome is saved when it is back
    });
  }, HEARTBEAT_MS);
  beat.unref();
  try {
    await markRunning(d.knex, runId, OWNER, d.clock.now());
    await gate;
    const r = await issueInvoicesForMonth(d.knex, period, {
      signer: d.signer, now: d.clock.now(), config: d.config, notify: true, billingRunId: runId,
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
    const message = (reason as Error).message === INTERRUPTED ? INTERRUPTED : String(
      (reason as Error).message ?? reason,
    ).slice(0, 500);
    if (message !== INTERRUPTED) d.logger.error({ err: reason, runId, period }, 'billing run failed');
    // the batch in progress rolled back; the ones before it are issued and stay
    const issued = err instanceof PartialIssueError ? err.issued : 0;
    outcome = { status: 'failed', total: run.progress.total, issued, skipped: run.progress.skipped, error: message };
  }
  while (writing) await writing;
  // Saved even when the database was down when the run failed: tried again until it is back
  // (or this process stops, and the next start records the run as interrupted).
  for (let delay = 500; ; delay = Math.min(delay * 2, 5000)) {
    try {
      if (outcome.status === 'failed') outcome.issued = await countRunInvoices(d.knex, runId);
      const now = d.clock.now();
      await d.knex.transaction(async (trx) => {
        await finishRun(trx, runId, outcome, now);
        await audit(trx, {
          actorType: 'staff', actorId: by.staffId, action: 'billing.run_finished', targetType: 'billing_run',
          targetId: runId, ip: by.ip, at: now,
          details: {
            period, status: outcome.status, total: outcome.total, issued: outcome.issued, skipped: outcome.skipped,
            ...(outcome.error ? { error: outcome.error } : {}),
          },
        });
      });
      break;
    } catch (err) {
      if (run.stopping) {
        d.logger.error({ err, runId }, 'billing run outcome not saved: the next start records it as interrupted');
        break;
      }
      d.logger.warn({ err, runId }, 'billing run outcome not saved yet; trying again');
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  clearInterval(beat);
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
  return {
    knex: deps.db.knex, config: deps.config, clock: deps.clock, signer: deps.signer, logger: deps.logger,
    mailer: deps.mailer,
  };
}
