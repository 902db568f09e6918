import { Router } from 'express';
import { findRequest, listRequests, requestEvents } from '../data/requests-repo';
import { suppliesOfCustomers } from '../data/supplies-repo';
import { complaintDeadline, isRequestStatus, isRequestType, REQUEST_STATUSES, REQUEST_TYPES } from '../domain/requests';
import { DomainError } from '../domain/errors';
import { visibleDocuments } from '../domain/document-access';
import type { Access } from '../domain/access';
import { deps, requireUser, userAccess } from '../web/middleware/auth';
import { guardByOwner } from '../web/middleware/guards';
import { render } from '../web/render';
import { letterOfRequest } from '../domain/request-letter';
import { todayInSpain } from '../domain/time';

const PAGE_SIZE = 20;

export const requestGuard = guardByOwner('requestId', async (db, id) => {
  const row = await db('requests').where({ id }).first('customer_id');
  return row?.customer_id;
}, 'read');

export function requestRoutes(): Router {
  const router = Router();

  // "Mis gestiones": every request of every customer the user can read, filterable.
  router.get('/gestiones', requireUser, async (req, res) => {
    const db = deps(req).db.knex;
    const access = await userAccess(req);
    // ?cliente= narrows to one client (the client page links here); an unreadable id is ignored
    const clientParam = Number(req.query.cliente);
    const customerId = access.customerIds().includes(clientParam) ? clientParam : undefined;
    const customerIds = customerId ? [customerId] : access.customerIds();
    const type = isRequestType(req.query.tipo) ? req.query.tipo : undefined;
    const status = isRequestStatus(req.query.estado) ? req.query.estado : undefined;
    const supplies = await suppliesOfCustomers(db, customerIds);
    const contractParam = Number(req.query.suministro);
    const contractId = supplies.some((s) => s.contract_id === contractParam) ? contractParam : undefined;
    const pageParam = Number(req.query.pagina);
    const page = Number.isInteger(pageParam) && pageParam > 0 && pageParam < 10_000 ? pageParam : 1;
    const list = await listRequests(db, { customerIds, type, status, contractId, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
    render(req, res, 'requests/list', {
      title: res.locals.t('requests.title'), list, supplies, filter: { type, status, contractId, customerId }, types: REQUEST_TYPES, statuses: REQUEST_STATUSES,
      page, pages: Math.max(1, Math.ceil(list.total / PAGE_SIZE)),
    }, { fragment: 'requests/_table' });
  });

  router.get('/gestiones/:requestId', requestGuard, async (req, res) => {
    const db = deps(req).db.knex;
    const request = await findRequest(db, Number(req.params.requestId));
    if (!request) throw new DomainError('not_found');
    const events = await requestEvents(db, request.id);
    // only the documents this user may download (uploader, holder or representative)
    const documents = visibleDocuments(await db('documents').where({ request_id: request.id }).orderBy('id').select('id', 'file_name', 'size_bytes', 'mime_type', 'created_at', 'uploaded_by'),
      { userId: req.user!.id, customerAccess: res.locals.customerAccess as Access, isStaff: false });
    const deadline = request.type === 'complaint' ? complaintDeadline(new Date(request.created_at)) : null;
    const letter = letterOfRequest(request, res.locals.lang, todayInSpain(new Date(request.created_at)));
    render(req, res, 'requests/detail', { title: res.locals.t('requests.detailTitle', { reference: request.reference }), request, events, documents, deadline, letter });
  });

  return router;
}
