/**
 * Answering a complaint in the admin section: outcome and resolution text on their own page
 * (a failed validation re-renders it with the errors by the fields), one service call.
 */
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../deps';
import { DomainError } from '../../domain/errors';
import { COMPLAINT_OUTCOMES, RESOLUTION_MAX, RESOLUTION_MIN } from '../../domain/complaint-resolution';
import { findAdminRequest, type AdminRequestDetail } from '../../data/admin-requests-repo';
import { resolveComplaint } from '../../services/complaint-resolution';
import { formFields } from '../../web/forms';
import { render } from '../../web/render';
import { adminFlash, requireStaff } from '../../web/middleware/staff';
import { staffContext } from '../../web/use-case-context';

export function adminComplaintRoutes(d: AppDeps): Router {
  const router = Router();

  async function loadOpenComplaint(req: Request): Promise<AdminRequestDetail> {
    const id = Number(req.params.requestId);
    if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('not_found');
    const r = await findAdminRequest(d.db.knex, id);
    if (!r || r.type !== 'complaint') throw new DomainError('not_found');
    return r;
  }

  function page(
    req: Request, res: Response, r: AdminRequestDetail, form: Record<string, string>,
    errors: Record<string, string> = {}, status = 200,
  ): void {
    render(req, res, 'admin/requests/complaint-resolution', {
      title: res.locals.t('complaintResolution.admin.title', { reference: r.reference }), request: r, form, errors,
      outcomes: COMPLAINT_OUTCOMES, resolutionMax: RESOLUTION_MAX,
    }, { status });
  }

  const isOpen = (r: AdminRequestDetail) => r.status === 'recibida' || r.status === 'en_tramite';

  router.get('/gestiones/:requestId/resolucion', requireStaff(), async (req, res) => {
    const r = await loadOpenComplaint(req);
    if (!isOpen(r)) return res.redirect(303, `/admin/gestiones/${r.id}`);
    page(req, res, r, { outcome: '', resolution: '' });
  });

  router.post('/gestiones/:requestId/resolucion', requireStaff(), async (req, res) => {
    const r = await loadOpenComplaint(req);
    const t = res.locals.t;
    const form = formFields(req, ['outcome'] as const);
    const raw = (req.body as Record<string, unknown> | undefined)?.resolution;
    const resolution = typeof raw === 'string' ? raw.slice(0, RESOLUTION_MAX + 100) : '';
    let result;
    try {
      result = await resolveComplaint(staffContext(d, req), r.id, { outcome: form.outcome, resolution });
    } catch (err) {
      if (!(err instanceof DomainError && err.code === 'conflict')) throw err;
      adminFlash(req, 'warning', 'complaintResolution.admin.closed', { reference: r.reference });
      return res.redirect(303, `/admin/gestiones/${r.id}`);
    }
    if (!result.ok) {
      const errors: Record<string, string> = {};
      for (const e of result.errors) {
        errors[e.field] = t(`complaintResolution.admin.errors.${e.field}.${e.code}`, {
          min: RESOLUTION_MIN, max: RESOLUTION_MAX,
        });
      }
      return page(req, res, r, { outcome: form.outcome, resolution }, errors, 422);
    }
    d.mailer?.kick();
    adminFlash(req, 'success', 'complaintResolution.admin.done', { reference: result.reference });
    res.redirect(303, `/admin/gestiones/${r.id}`);
  });

  return router;
}
