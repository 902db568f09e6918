/**
 * Rectifying invoices in the admin section (supervisors): the original and a form for why and
 * the right consumption; one service call issues, signs and stores the rectifying invoice.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../deps';
import { DomainError } from '../../domain/errors';
import { RECTIFY_REASON_MAX, type RectifyError } from '../../domain/rectifying';
import { findRectifiable, type RectifiableInvoice } from '../../data/rectifying-repo';
import { issueRectifyingInvoice } from '../../services/rectifying-invoices';
import { formFields } from '../../web/forms';
import { render } from '../../web/render';
import { adminFlash, requireStaff } from '../../web/middleware/staff';
import { staffContext } from '../../web/use-case-context';

const FIELDS = ['reason', 'p1', 'p2', 'p3'] as const;
// the complaint the rectification answers: ?reclamacion= on the form's page, a hidden field on the post
const ComplaintRef = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined);
const complaintOf = (v: unknown): number | undefined => ComplaintRef.parse(v === '' ? undefined : v);

export function adminRectifyingRoutes(d: AppDeps): Router {
  const router = Router();

  async function load(req: Request): Promise<RectifiableInvoice> {
    const id = Number(req.params.invoiceId);
    if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('not_found');
    const inv = await findRectifiable(d.db.knex, id);
    if (!inv) throw new DomainError('not_found');
    return inv;
  }

  function page(
    req: Request, res: Response, inv: RectifiableInvoice, form: Record<string, string>,
    errors: Record<string, string> = {}, status = 200,
  ): void {
    render(req, res, 'admin/invoices/rectify', {
      title: res.locals.t('rectifying.admin.title', { number: inv.number }),
      invoice: inv, form, errors, reasonMax: RECTIFY_REASON_MAX, complaintId: form.complaintId || null,
      view: {
        periodStart: inv.period_start, periodEnd: inv.period_end, issued: inv.issue_date, totalCents: inv.total_cents,
      },
      canRectify: inv.rectified_by_invoice_id === null && inv.rectifies_invoice_id === null,
    }, { status });
  }

  router.get('/facturas/:invoiceId/rectificar', requireStaff('supervisor'), async (req, res) => {
    const inv = await load(req);
    const complaintId = complaintOf(req.query.reclamacion);
    page(req, res, inv, {
      reason: '', p1: String(inv.consumption_p1_kwh), p2: String(inv.consumption_p2_kwh),
      p3: String(inv.consumption_p3_kwh), complaintId: complaintId ? String(complaintId) : '',
    });
  });

  router.post('/facturas/:invoiceId/rectificar', requireStaff('supervisor'), async (req, res) => {
    const inv = await load(req);
    const t = res.locals.t;
    const form = formFields(req, FIELDS);
    const complaintId = complaintOf((req.body as Record<string, unknown> | undefined)?.complaintId);
    const result = await issueRectifyingInvoice(staffContext(d, req), inv.id, { ...form, complaintId });
    if (!result.ok) {
      const errors: Record<string, string> = {};
      for (const e of result.errors as RectifyError[]) {
        errors[e.field] = t(`rectifying.admin.errors.${e.field}.${e.code}`, { max: RECTIFY_REASON_MAX });
      }
      const kept = { ...form, complaintId: complaintId ? String(complaintId) : '' };
      return page(req, res, (await load(req)), kept, errors, 422);
    }
    d.mailer?.kick();
    adminFlash(req, 'success', 'rectifying.admin.done', { number: result.number, original: result.original });
    res.redirect(303, `/admin/clientes/${inv.customer_id}`);
  });

  return router;
}
