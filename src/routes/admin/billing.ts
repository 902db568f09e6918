import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../deps';
import { earliestConsumptionMonth, findRun, listRuns, type BillingRunRow } from '../../data/billing-runs-repo';
import { monthInSpain } from '../../domain/time';
import { parseBillingPeriod, previousMonth, runProgress } from '../../domain/billing-runs';
import { DomainError } from '../../domain/errors';
import { liveProgress, runnerDeps, startBillingRun } from '../../services/billing-runs';
import { FORM_INVALID, parseForm, textField } from '../../web/forms';
import { requireStaff, staffActor } from '../../web/middleware/staff';
import { render } from '../../web/render';

const HISTORY = 30;

const RUN_FORM = z.object({ period: textField({ max: 100, requiredKey: 'adminOps.billing.errors.required' }) });

/** The row with this process's live counts over it (the embedded database holds writes back). */
function withLiveCounts(run: BillingRunRow): BillingRunRow {
  const live = liveProgress(run.id);
  if (!live || run.status === 'done' || run.status === 'failed') return run;
  return { ...run, status: 'running', total: live.total, issued: live.issued, skipped: live.skipped };
}

/** Billing runs from the admin section (issue 7 item 6): any staff reads, supervisors start. */
export function adminBillingRoutes(d: AppDeps): Router {
  const router = Router();
  const currentMonth = () => monthInSpain(d.clock.now());

  async function listPage(
    req: Request, res: Response, form: { period: string }, errors: Record<string, string>,
    status = 200, runningId: number | null = null,
  ): Promise<void> {
    const runs = await listRuns(d.db.knex, HISTORY);
    render(req, res, 'admin/billing/index', {
      title: res.locals.t('adminOps.billing.title'), runs, form, errors, example: previousMonth(currentMonth()),
      canStart: req.staff!.role === 'supervisor', runningHref: runningId ? `/admin/facturacion/${runningId}` : null,
    }, { status });
  }

  router.get('/facturacion', requireStaff(), async (req, res) => {
    await listPage(req, res, { period: previousMonth(currentMonth()) }, {});
  });

  router.post('/facturacion', requireStaff('supervisor'), async (req, res) => {
    const t = res.locals.t;
    const input = parseForm(RUN_FORM, req.body, t);
    const form = { period: input.form.period ?? '' };
    if (!input.ok) return listPage(req, res, form, input.errors, FORM_INVALID);
    const now = currentMonth();
    const earliest = await earliestConsumptionMonth(d.db.knex);
    const parsed = parseBillingPeriod(input.value.period, { currentMonth: now, earliestMonth: earliest });
    if (!parsed.ok) {
      const last = previousMonth(now);
      const message = t(`adminOps.billing.errors.${parsed.error}`, { example: last, last, earliest: earliest ?? '' });
      return listPage(req, res, form, { period: message }, FORM_INVALID);
    }
    const actor = staffActor(req);
    const started = await startBillingRun(runnerDeps(d), parsed.period, { staffId: actor.staffId, ip: actor.ip });
    if (!started.ok) {
      // the running run is one click away from the message
      const running = t('adminOps.billing.errors.running', { period: parsed.period });
      return listPage(req, res, form, { period: running }, 409, started.runId);
    }
    res.redirect(303, `/admin/facturacion/${started.runId}`);
  });

  router.get('/facturacion/:runId', requireStaff(), async (req, res) => {
    const id = Number(req.params.runId);
    if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('not_found');
    const row = await findRun(d.db.knex, id);
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
