import { Router, type Request, type Response } from 'express';
import { checkStatusChange, filterQuery, isReviewType, NOTE_MAX, parseAdminRequestFilter, statusOptions } from '../../domain/admin-requests';
import { REQUEST_STATUSES, REQUEST_TYPES, type RequestStatus } from '../../domain/requests';
import { DomainError } from '../../domain/errors';
import { assignableStaff, findAdminRequest, searchRequests, type AdminRequestDetail } from '../../data/admin-requests-repo';
import { assignRequest, changeStatusAsStaff } from '../../services/admin-requests';
import { deps } from '../../web/middleware/auth';
import { formFields } from '../../web/forms';
import { render } from '../../web/render';
import { adminFlash, requireStaff, staffActor } from './middleware';
import { requestIdOf, reviewContext } from './reviews';

const PAGE_SIZE = 25;

async function loadRequest(req: Request): Promise<AdminRequestDetail> {
  const request = await findAdminRequest(deps(req).db.knex, requestIdOf(req));
  if (!request) throw new DomainError('not_found');
  return request;
}

interface PageExtra { form?: Record<string, string>; errors?: Record<string, string>; problem?: string }

async function detailPage(req: Request, res: Response, request: AdminRequestDetail, extra: PageExtra = {}, status = 200): Promise<void> {
  const staff = await assignableStaff(deps(req).db.knex);
  render(req, res, 'admin/requests/detail', {
    title: res.locals.t('adminRequests.detailTitle', { reference: request.reference }),
    ...(await reviewContext(req, request)), staffList: staff, statusOptions: statusOptions(request.type, request.status), isReview: isReviewType(request.type),
    form: extra.form ?? {}, errors: extra.errors ?? {}, problem: extra.problem ?? null, noteMax: NOTE_MAX,
  }, { status });
}

/** Request handling (issue 7 item 5): agentes and supervisors alike. */
export function adminRequestRoutes(): Router {
  const router = Router();

  router.get('/gestiones', requireStaff(), async (req, res) => {
    const db = deps(req).db.knex;
    const filter = parseAdminRequestFilter(req.query as Record<string, unknown>);
    const [list, staff] = await Promise.all([searchRequests(db, filter, req.staff!.id, PAGE_SIZE), assignableStaff(db)]);
    const pages = Math.max(1, Math.ceil(list.total / PAGE_SIZE));
    render(req, res, 'admin/requests/list', {
      title: res.locals.t('adminRequests.listTitle'), list, filter, staffList: staff, types: REQUEST_TYPES, statuses: REQUEST_STATUSES, page: filter.page, pages,
      pageLink: (p: number) => `/admin/gestiones${filterQuery(filter, p) ? `?${filterQuery(filter, p)}` : ''}`,
    }, { fragment: 'admin/requests/_table' });
  });

  router.get('/gestiones/:requestId', requireStaff(), async (req, res) => detailPage(req, res, await loadRequest(req)));

  router.post('/gestiones/:requestId/estado', requireStaff(), async (req, res) => {
    const request = await loadRequest(req);
    const t = res.locals.t;
    const form = formFields(req, ['status', 'note'] as const);
    const checked = checkStatusChange({ type: request.type, from: request.status, to: form.status, note: form.note });
    if (!checked.ok) {
      const errors: Record<string, string> = {};
      for (const e of checked.errors) {
        errors[e.field] ??= t(`adminRequests.errors.${e.code}`, {
          max: NOTE_MAX, from: t(`requests.status.${request.status}`), to: t(`requests.status.${form.status}`, { defaultValue: form.status }),
        });
      }
      return detailPage(req, res, request, { form, errors }, 422);
    }
    const { clock, config, db } = deps(req);
    const actor = staffActor(req);
    try {
      await db.knex.transaction((trx) => changeStatusAsStaff(trx, request.id, checked.to, checked.note, { id: actor.actorId, ip: actor.ip }, clock.now(), config));
    } catch (err) {
      // someone else moved it first: show what it is now
      if (err instanceof DomainError && err.code === 'conflict') {
        const fresh = (await findAdminRequest(db.knex, request.id)) ?? request;
        return detailPage(req, res, fresh, { form, problem: t('adminRequests.status.conflict') }, 409);
      }
      throw err;
    }
    adminFlash(req, 'success', 'adminRequests.status.changed', { reference: request.reference, status: t(`requests.status.${checked.to satisfies RequestStatus}`) });
    res.redirect(303, `/admin/gestiones/${request.id}`);
  });

  router.post('/gestiones/:requestId/asignar', requireStaff(), async (req, res) => {
    const request = await loadRequest(req);
    const t = res.locals.t;
    const { clock, db } = deps(req);
    const form = formFields(req, ['staff'] as const);
    const me = req.staff!;
    const raw = form.staff.trim();
    const to = raw === 'yo' ? me.id : raw === '' || raw === 'nadie' ? null : /^\d{1,12}$/.test(raw) ? Number(raw) : NaN;
    const staff = await assignableStaff(db.knex);
    const target = to === null ? null : staff.find((s) => Number(s.id) === to);
    if (to !== null && !target) return detailPage(req, res, request, { form, errors: { staff: t('adminRequests.errors.staff') } }, 422);
    const actor = staffActor(req);
    const result = await db.knex.transaction((trx) => assignRequest(trx, request.id, to, { id: actor.actorId, ip: actor.ip }, clock.now()));
    if (result === 'unchanged') adminFlash(req, 'info', 'adminRequests.assign.unchanged');
    else if (target) adminFlash(req, 'success', 'adminRequests.assign.assigned', { reference: request.reference, name: `${target.first_name} ${target.last_name}` });
    else adminFlash(req, 'success', 'adminRequests.assign.unassigned', { reference: request.reference });
    res.redirect(303, `/admin/gestiones/${request.id}`);
  });

  return router;
}
