/**
 * Completing a contracting request (another energy or a new supply) in the admin section: a
 * form with the CUPS, the start day and the distributor, whose POST creates the contract and
 * completes the request in one service call; a failed check re-renders the form (422).
 */
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../deps';
import { DomainError } from '../../domain/errors';
import { leadFacts } from '../../domain/lead-facts';
import { isLeadType, type CompletionInput } from '../../domain/new-supply';
import { findAdminRequest, type AdminRequestDetail } from '../../data/admin-requests-repo';
import { completeContracting, completionDefaults } from '../../services/new-supply';
import type { Formatter } from '../../web/format';
import { formFields } from '../../web/forms';
import { idParam } from '../../web/params';
import { render } from '../../web/render';
import { adminFlash, requireStaff } from '../../web/middleware/staff';
import { staffContext } from '../../web/use-case-context';

const FIELDS = ['cups', 'startDate', 'distributor'] as const;

export function adminNewSupplyRoutes(d: AppDeps): Router {
  const router = Router();

  async function loadLead(req: Request): Promise<AdminRequestDetail> {
    const r = await findAdminRequest(d.db.knex, idParam(req, 'requestId'));
    if (!r || !isLeadType(r.type)) throw new DomainError('not_found');
    return r;
  }

  function page(
    req: Request,
    res: Response,
    r: AdminRequestDetail,
    form: CompletionInput,
    errors: Record<string, string> = {},
    status = 200,
  ) {
    render(
      req,
      res,
      'admin/requests/new-supply',
      {
        title: res.locals.t('newSupply.admin.pageTitle', { reference: r.reference }),
        request: r,
        facts: leadFacts(r.type, r.payload),
        form,
        errors,
      },
      { status },
    );
  }

  const isOpen = (r: AdminRequestDetail) => r.status === 'recibida' || r.status === 'en_tramite';

  router.get('/gestiones/:requestId/alta', requireStaff(), async (req, res) => {
    const r = await loadLead(req);
    if (!isOpen(r)) return res.redirect(303, `/admin/gestiones/${r.id}`);
    page(req, res, r, completionDefaults(r.payload, d.clock.now()));
  });

  router.post('/gestiones/:requestId/alta', requireStaff(), async (req, res) => {
    const r = await loadLead(req);
    const form = formFields(req, FIELDS);
    let result;
    try {
      result = await completeContracting(staffContext(d, req), r.id, form);
    } catch (err) {
      // completed or rejected by someone else meanwhile
      if (!(err instanceof DomainError && err.code === 'conflict')) throw err;
      adminFlash(req, 'warning', 'newSupply.admin.notOpen', { reference: r.reference });
      return res.redirect(303, `/admin/gestiones/${r.id}`);
    }
    if (!result.ok) {
      const t = res.locals.t;
      const errors: Record<string, string> = {};
      for (const [field, code] of Object.entries(result.errors))
        if (code) errors[field] = t(`newSupply.errors.${field}.${code}`);
      return page(req, res, r, form, errors, 422);
    }
    const fmt = res.locals.fmt as Formatter;
    adminFlash(req, 'success', 'newSupply.admin.created', {
      reference: result.reference,
      contract: result.contractNumber,
      date: fmt.date(result.startDate),
    });
    res.redirect(303, `/admin/gestiones/${r.id}`);
  });

  return router;
}
