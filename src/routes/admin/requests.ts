import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../deps';
import {
  checkStatusChange, filterQuery, isReviewType, NOTE_MAX, parseAdminRequestFilter, statusOptions,
} from '../../domain/admin-requests';
import { isSystemManaged, REQUEST_STATUSES, REQUEST_TYPES, type RequestStatus } from '../../domain/requests';
import { DomainError } from '../../domain/errors';
import { assignableStaff } from '../../data/admin-requests-repo';
import { assignRequest, changeStatusAsStaff } from '../../services/admin-requests';
import { adminRequestDetail, adminRequestList, loadAdminRequest } from '../../services/admin-request-pages';
import { formFields } from '../../web/forms';
import { idParam } from '../../web/params';
import { render } from '../../web/render';
import { staffContext } from '../../web/use-case-context';
import { adminFlash, requireStaff } from '../../web/middleware/staff';

const PAGE_SIZE = 25;

interface PageExtra { form?: Record<string, string>; errors?: Record<string, string>; problem?: string }

/** Request handling (issue 7 item 5): agentes and supervisors alike. */
export function adminRequestRoutes(deps: AppDeps): Router {
  const router = Router();
  // the admin pages read through the staff member's context (its database handle)
  const db = (req: Request) => staffContext(deps, req).db;

  async function detailPage(
    req: Request, res: Response, requestId: number, extra: PageExtra = {}, status = 200,
  ): Promise<void> {
    const page = await adminRequestDetail(db(req), requestId);
    const request = page.request;
    render(req, res, 'admin/requests/detail', {
      title: res.locals.t('adminRequests.detailTitle', { reference: request.reference }),
      ...page, statusOptions: statusOptions(request.type, request.status), isReview: isReviewType(request.type),
      systemManaged: isSystemManaged(request.type),
      form: extra.form ?? {}, errors: extra.errors ?? {}, problem: extra.problem ?? null, noteMax: NOTE_MAX,
    }, { status });
  }

  router.get('/gestiones', requireStaff(), async (req, res) => {
    const filter = parseAdminRequestFilter(req.query as Record<string, unknown>);
    const { list, staffList, pages } = await adminRequestList(db(req), filter, req.staff!.id, PAGE_SIZE);
    render(req, res, 'admin/requests/list', {
      title: res.locals.t('adminRequests.listTitle'), list, filter, staffList, types: REQUEST_TYPES,
      statuses: REQUEST_STATUSES, page: filter.page, pages,
      pageLink: (p: number) => `/admin/gestiones${filterQuery(filter, p) ? `?${filterQuery(filter, p)}` : ''}`,
    }, { fragment: 'admin/requests/_table' });
  });

  router.get(
    '/gestiones/:requestId', requireStaff(), async (req, res) => detailPage(req, res, idParam(req, 'requestId')),
  );

  router.post('/gestiones/:requestId/estado', requireStaff(), async (req, res) => {
    const request = await loadAdminRequest(db(req), idParam(req, 'requestId'));
    const t = res.locals.t;
    const form = formFields(req, ['status', 'note'] as const);
    const checked = checkStatusChange({ type: request.type, from: request.status, to: form.status, note: form.note });
    if (!checked.ok) {
      const errors: Record<string, string> = {};
      for (const e of checked.errors) {
        errors[e.field] ??= t(`adminRequests.errors.${e.code}`, {
          max: NOTE_MAX, from: t(`requests.status.${request.status}`), to: t(
            `requests.status.${form.status}`, { defaultValue: form.status },
          ),
        });
      }
      return detailPage(req, res, request.id, { form, errors }, 422);
    }
    try {
      await changeStatusAsStaff(staffContext(deps, req), { requestId: request.id, to: checked.to, note: checked.note });
    } catch (err) {
      // someone else moved it first: show what it is now
      if (err instanceof DomainError && err.code === 'conflict') {
        return detailPage(req, res, request.id, { form, problem: t('adminRequests.status.conflict') }, 409);
      }
      throw err;
    }
    adminFlash(
      req, 'success', 'adminRequests.status.changed',
      { reference: request.reference, status: t(`requests.status.${checked.to satisfies RequestStatus}`) },
    );
    res.redirect(303, `/admin/gestiones/${request.id}`);
  });

  router.post('/gestiones/:requestId/asignar', requireStaff(), async (req, res) => {
    const request = await loadAdminRequest(db(req), idParam(req, 'requestId'));
    const t = res.locals.t;
    const form = formFields(req, ['staff'] as const);
    const me = req.staff!;
    const raw = form.staff.trim();
    const to = raw === 'yo' ? me.id : raw === '' || raw === 'nadie' ? null : /^\d{1,12}$/.test(raw) ? Number(raw) : NaN;
    const staff = await assignableStaff(db(req));
    const target = to === null ? null : staff.find((s) => Number(s.id) === to);
    if (to !== null && !target) {
      return detailPage(req, res, request.id, { form, errors: { staff: t('adminRequests.errors.staff') } }, 422);
    }
    const result = await assignRequest(staffContext(deps, req), { requestId: request.id, to });
    if (result === 'unchanged') adminFlash(req, 'info', 'adminRequests.assign.unchanged');
    else if (target) adminFlash(
      req, 'success', 'adminRequests.assign.assigned',
      { reference: request.reference, name: `${target.first_name} ${target.last_name}` },
    );
    else adminFlash(req, 'success', 'adminRequests.assign.unassigned', { reference: request.reference });
    res.redirect(303, `/admin/gestiones/${request.id}`);
  });

  return router;
}
