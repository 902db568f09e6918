import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../deps';
import { documentsOfRequest } from '../data/documents-repo';
import { findRequest, listRequests, requestEvents, type RequestListRow } from '../data/requests-repo';
import { rectifyingOfRequest } from '../data/rectifying-repo';
import { suppliesOfCustomers } from '../data/supplies-repo';
import type { Access } from '../domain/access';
import { visibleDocuments } from '../domain/document-access';
import { DomainError } from '../domain/errors';
import {
  complaintDeadlineDay, isRequestStatus, isRequestType, REQUEST_STATUSES, REQUEST_TYPES, type RequestStatus,
  type RequestType,
} from '../domain/requests';
import { accessOf, requireUser } from '../web/current-user';
import type { Formatter } from '../web/format';
import { guards } from '../web/guards';
import { render } from '../web/render';
import { letterOfRequest } from '../domain/request-letter';
import { formatLeadFact, hasLeadFacts, leadFacts } from '../domain/lead-facts';
import { todayInSpain } from '../domain/time';

const PAGE_SIZE = 20;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

interface ListFilter { type?: RequestType; status?: RequestStatus; contractId?: number; customerId?: number }

/** The list's own query string, so pages keep the filters. */
function listHref(f: ListFilter, page: number): string {
  const q = new URLSearchParams();
  if (f.type) q.set('tipo', f.type);
  if (f.status) q.set('estado', f.status);
  if (f.contractId) q.set('suministro', String(f.contractId));
  if (f.customerId) q.set('cliente', String(f.customerId));
  if (page > 1) q.set('pagina', String(page));
  const s = q.toString();
  return s ? `/gestiones?${s}` : '/gestiones';
}

export type StatusTone = 'ok' | 'bad' | 'warn';

function tone(status: RequestStatus): StatusTone {
  return status === 'completada' ? 'ok' : status === 'rechazada' ? 'bad' : 'warn';
}

/** Where a request applies: the supply's address, or the client when it is not about one supply. */
function placeOf(r: RequestListRow): string {
  return r.street ? `${r.street} ${r.sp_number ?? ''}`.trim() : r.customer_name;
}

/** A request as the pages show it: named for the page, not for the table's columns. */
export interface RequestSummaryView {
  id: number; href: string; reference: string; type: RequestType; place: string;
  createdAt: Date; status: RequestStatus; tone: StatusTone;
}

function summary(r: RequestListRow): RequestSummaryView {
  return {
    id: r.id, href: `/gestiones/${r.id}`, reference: r.reference, type: r.type, place: placeOf(r),
    createdAt: r.created_at, status: r.status, tone: tone(r.status),
  };
}

function sendDetail(d: AppDeps) {
  return async (req: Request, res: Response) => {
    const db = d.db.knex;
    const request = await findRequest(db, Number(req.params.requestId));
    if (!request) throw new DomainError('not_found');
    const [events, documents, rectifying] = await Promise.all([
      requestEvents(db, request.id), documentsOfRequest(db, request.id),
      request.type === 'complaint' ? rectifyingOfRequest(db, request.id) : [],
    ]);
    const t = res.locals.t;
    const fmt = res.locals.fmt as Formatter;
    // only the documents this user may download (uploader, holder or representative)
    const viewer = { userId: req.user!.id, customerAccess: res.locals.customerAccess as Access, isStaff: false };
    const visible = visibleDocuments(documents, viewer);
    // the request as a letter: values written for people, what happens next and by when
    const letter = letterOfRequest(request, fmt.lang, todayInSpain(new Date(request.created_at)));
    const facts = hasLeadFacts(request.type)
      // the new products' leads: values through the formatting module (euros, kWh, CUPS, masked IBAN)
      ? leadFacts(request.type, request.payload).map((f) => ({ label: t(f.label), value: formatLeadFact(f, fmt, t) }))
      : letter.facts.map((f) => ({
        label: t(f.label, { defaultValue: f.label.split('.').pop() }),
        value: f.valueKey ? t(f.valueKey, { defaultValue: f.value }) : f.value,
      }));
    const stored = request.payload?.deadline;
    const deadline = request.type !== 'complaint' ? null
      : typeof stored === 'string' && DAY.test(stored) ? stored : complaintDeadlineDay(new Date(request.created_at));
    render(req, res, 'requests/detail', {
      title: t('requests.detailTitle', { reference: request.reference }),
      request: {
        ...summary(request), customerName: request.customer_name,
        supply: request.cups ? { place: placeOf(request), cups: request.cups } : null, facts, deadline,
        sentToDistributorOn: request.sent_to_distributor_on ?? null,
        // the day a change took effect; a complaint's or a reading's completion is its answer instead
        appliedOn: request.status === 'completada' && request.type !== 'complaint' && request.type !== 'meter_reading'
          ? request.effective_date ?? null : null,
        outcome: request.outcome ?? null, resolution: request.resolution ?? null,
        next: letter.next ? t(letter.next.key, letter.next.params) : null,
        // the invoices that replaced a wrong one because this complaint was upheld
        rectifying: rectifying.map((i) => ({ href: `/facturas/${i.id}`, number: i.number })),
      },
      events: events.map((e) => ({ at: e.at, kind: e.kind, status: e.status, note: e.note })),
      documents: visible.map((doc) => ({
        href: `/documentos/${doc.id}`, name: doc.file_name, kb: Math.ceil(doc.size_bytes / 1024),
      })),
    });
  };
}

/** "Mis gestiones": the requests of every customer the user can read, and one request's detail. */
export function requestRoutes(d: AppDeps): Router {
  const router = Router();
  const guard = guards(d);

  router.get('/gestiones', requireUser, async (req, res) => {
    const db = d.db.knex;
    const access = await accessOf(db, req);
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
    const offset = (page - 1) * PAGE_SIZE;
    const list = await listRequests(db, { customerIds, type, status, contractId, limit: PAGE_SIZE, offset });
    const filter: ListFilter = { type, status, contractId, customerId };
    render(req, res, 'requests/list', {
      title: res.locals.t('requests.title'),
      rows: list.rows.map(summary), total: list.total, filter, types: REQUEST_TYPES, statuses: REQUEST_STATUSES,
      supplies: supplies.map((s) => ({
        contractId: s.contract_id, place: `${s.street} ${s.number}`, energy: s.energy,
      })),
      page, pages: Math.max(1, Math.ceil(list.total / PAGE_SIZE)), pageHref: (p: number) => listHref(filter, p),
    }, { fragment: 'requests/_table' });
  });

  router.get('/gestiones/:requestId', guard.request('read'), sendDetail(d));

  return router;
}
