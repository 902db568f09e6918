/**
 * Power changes in the admin section: "sent to the distributor" (en trámite, with the day) and
 * the distributor's answer (accepted from an effective day, or refused with a reason). Both are
 * one service call; the answer's form has its own page so a failed validation re-renders it.
 */
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../deps';
import { DomainError } from '../../domain/errors';
import { REASON_MAX, type DistributorAnswerError } from '../../domain/power-periods';
import { findAdminRequest, type AdminRequestDetail } from '../../data/admin-requests-repo';
import { requestOutcome } from '../../data/request-outcomes-repo';
import { recordDistributorAnswer, sendPowerChangeToDistributor } from '../../services/power-changes';
import type { Formatter } from '../../web/format';
import { formFields } from '../../web/forms';
import { render } from '../../web/render';
import { adminFlash, requireStaff } from '../../web/middleware/staff';
import { staffContext } from '../../web/use-case-context';

function idOf(req: Request): number {
  const id = Number(req.params.requestId);
  if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('not_found');
  return id;
}

export function adminPowerChangeRoutes(d: AppDeps): Router {
  const router = Router();
  const ctx = (req: Request) => staffContext(d, req);

  async function loadPowerChange(req: Request): Promise<AdminRequestDetail> {
    const r = await findAdminRequest(d.db.knex, idOf(req));
    if (!r || r.type !== 'power_change') throw new DomainError('not_found');
    return r;
  }

  async function answerPage(
    req: Request, res: Response, r: AdminRequestDetail, form: Record<string, string>,
    errors: Record<string, string> = {}, status = 200,
  ): Promise<void> {
    const p = r.payload as { fromP1?: number; fromP2?: number; toP1?: number; toP2?: number };
    const outcome = await requestOutcome(d.db.knex, r.id);
    render(req, res, 'admin/requests/distributor-answer', {
      title: res.locals.t('powerChanges.admin.answerTitle', { reference: r.reference }),
      request: r, form, errors, reasonMax: REASON_MAX,
      powers: { from: [p.fromP1, p.fromP2], to: [p.toP1, p.toP2] },
      sentOn: outcome?.sent_to_distributor_on ?? null,
    }, { status });
  }

  router.post('/gestiones/:requestId/distribuidora/envio', requireStaff(), async (req, res) => {
    const r = await loadPowerChange(req);
    try {
      const sent = await sendPowerChangeToDistributor(ctx(req), r.id);
      d.mailer?.kick();
      const fmt = res.locals.fmt as Formatter;
      adminFlash(req, 'success', 'powerChanges.admin.sent', { reference: sent.reference, date: fmt.date(sent.sentOn) });
    } catch (err) {
      if (!(err instanceof DomainError && err.code === 'conflict')) throw err;
      adminFlash(req, 'warning', 'powerChanges.admin.notReceived', { reference: r.reference });
    }
    res.redirect(303, `/admin/gestiones/${r.id}`);
  });

  router.get('/gestiones/:requestId/distribuidora', requireStaff(), async (req, res) => {
    const r = await loadPowerChange(req);
    if (r.status !== 'en_tramite') return res.redirect(303, `/admin/gestiones/${r.id}`);
    await answerPage(req, res, r, { answer: '', effectiveDate: '', reason: '' });
  });

  router.post('/gestiones/:requestId/distribuidora', requireStaff(), async (req, res) => {
    const r = await loadPowerChange(req);
    const t = res.locals.t;
    const form = formFields(req, ['answer', 'effectiveDate'] as const);
    const rawReason = (req.body as Record<string, unknown> | undefined)?.reason;
    const reason = typeof rawReason === 'string' ? rawReason.slice(0, REASON_MAX + 100) : '';
    let result;
    try {
      result = await recordDistributorAnswer(ctx(req), r.id, { ...form, reason });
    } catch (err) {
      if (!(err instanceof DomainError && err.code === 'conflict')) throw err;
      adminFlash(req, 'warning', 'powerChanges.admin.notInProgress', { reference: r.reference });
      return res.redirect(303, `/admin/gestiones/${r.id}`);
    }
    if (!result.ok) {
      const errors: Record<string, string> = {};
      for (const e of result.errors as DistributorAnswerError[]) {
        errors[e.field] = t(`powerChanges.admin.errors.${e.field}.${e.code}`, { max: REASON_MAX });
      }
      return answerPage(req, res, r, { ...form, reason }, errors, 422);
    }
    d.mailer?.kick();
    const fmt = res.locals.fmt as Formatter;
    if (result.kind === 'accepted') {
      adminFlash(req, 'success', 'powerChanges.admin.accepted', {
        reference: result.reference, date: fmt.date(result.effectiveDate!),
      });
    }
    else adminFlash(req, 'success', 'powerChanges.admin.refused', { reference: result.reference });
    res.redirect(303, `/admin/gestiones/${r.id}`);
  });

  return router;
}
