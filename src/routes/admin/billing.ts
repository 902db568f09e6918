import { Router, type Request, type Response } from 'express';
import { earliestConsumptionMonth, findRun, listRuns, type BillingRunRow } from '../../data/billing-runs-repo';
import { todayInSpain } from '../../domain/time';
import { parseBillingPeriod, previousMonth, runProgress } from '../../domain/billing-runs';
import { DomainError } from '../../domain/errors';
import { liveProgress, runnerDeps, startBillingRun } from '../../services/billing-runs';
import { deps } from '../../web/middleware/auth';
import { formFields } from '../../web/forms';
import { render } from '../../web/render';
import { requireStaff, staffActor } from './middleware';

const HISTORY = 30;

function currentMonth(req: Request): string {
  return todayInSpain(deps(req).clock.now()).slice(0, 7);
}

async function listPage(req: Request, res: Response, form: { period: string }, errors: Record<string, string>, status = 200, runningId: number | null = null): Promise<void> {
  const runs = await listRuns(deps(req).db.knex, HISTORY);
  render(req, res, 'admin/billing/index', {
    title: res.locals.t('adminOps.billing.title'), runs, form, errors, example: previousMonth(currentMonth(req)),
    canStart: req.staff!.role === 'supervisor', runningHref: runningId ? `/admin/facturacion/${runningId}` : null,
  }, { status });
}

/** The row with this process's live counts over it (the embedded database holds writes back). */
function withLiveCounts(run: BillingRunRow): BillingRunRow {
  const live = liveProgress(run.id);
  if (!live || run.status === 'done' || run.status === 'failed') return run;
  return { ...run, status: 'running', total: live.total, issued: live.issued, skipped: live.skipped };
}

/** Billing runs from the admin section (issue 7 item 6): any staff reads, supervisors start. */
export function adminBillingRoutes(): Router {
  const router = Router();

  router.get('/facturacion', requireStaff(), async (req, res) => {
    await listPage(req, res, { period: previousMonth(currentMonth(req)) }, {});
  });

  router.post('/facturacion', requireStaff('supervisor'), async (req, res) => {
    const t = res.locals.t;
    const form = formFields(req, ['period'] as const);
    const now = currentMonth(req);
    const earliest = await earliestConsumptionMonth(deps(req).db.knex);
    const parsed = parseBillingPeriod(form.period, { currentMonth: now, earliestMonth: earliest });
    if (!parsed.ok) {
      const message = t(`adminOps.billing.errors.${parsed.error}`, { example: previousMonth(now), last: previousMonth(now), earliest: earliest ?? '' });
      return listPage(req, res, form, { period: message }, 422);
    }
    const actor = staffActor(req);
    const started = await startBillingRun(runnerDeps(deps(req)), parsed.period, { staffId: actor.actorId, ip: actor.ip });
    if (!started.ok) {
      // the running run is one click away from the message
      return listPage(req, res, form, { period: t('adminOps.billing.errors.running', { period: parsed.period }) }, 409, started.runId);
    }
    res.redirect(303, `/admin/facturacion/${started.runId}`);
  });

  router.get('/facturacion/:runId', requireStaff(), async (req, res) => {
    const id = Number(req.params.runId);
    if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('not_found');
    const row = await findRun(deps(req).db.knex, id);
    if (!row) throw new DomainError('not_found');
    const run = withLiveCounts(row);
    const progress = runProgress(run);
    // a progress page must never come from a cache
    res.set('Cache-Control', 'no-store');
    render(req, res, 'admin/billing/run', {
      title: res.locals.t('adminOps.billing.run.title', { period: run.period }), run, progress,
    }, { fragment: 'admin/billing/_progress' });
  });

  return router;
}

