import type { Knex } from 'knex';
import { isReviewType, payloadEntries, type AdminRequestFilter } from '../domain/admin-requests';
import { DomainError } from '../domain/errors';
import {
  adminTimeline, assignableStaff, findAdminRequest, reviewQueue, searchRequests, type AdminRequestDetail,
} from '../data/admin-requests-repo';
import { documentsOfRequest } from '../data/documents-repo';
import { liveLinksOfCustomer } from '../data/representative-repo';
import { requestOutcome } from '../data/request-outcomes-repo';
import { rectifiableInvoicesOf, rectifyingOfRequest } from '../data/rectifying-repo';
import { complaintRectifyRefusal } from '../domain/rectifying';
import { leadFacts } from '../domain/lead-facts';

/** What the admin request and review pages read: one call per page. */

export async function loadAdminRequest(
  db: Knex, id: number, opts: { reviewOnly?: boolean } = {},
): Promise<AdminRequestDetail> {
  const request = await findAdminRequest(db, id);
  if (!request || (opts.reviewOnly && !isReviewType(request.type))) throw new DomainError('not_found');
  return request;
}

/** What a reviewer needs beside the request: its documents, the customer's representative and users. */
export async function reviewContext(db: Knex, request: AdminRequestDetail) {
  const [documents, links, timeline] = await Promise.all([
    documentsOfRequest(db, request.id), liveLinksOfCustomer(db, request.customer_id), adminTimeline(db, request.id),
  ]);
  return {
    request, documents, links, timeline,
    payload: payloadEntries(request.payload), leadFacts: leadFacts(request.type, request.payload),
  };
}

/** The request page: the request (as it is now), its context and the staff it may be assigned to. */
export async function adminRequestDetail(db: Knex, id: number, opts: { reviewOnly?: boolean } = {}) {
  const request = await loadAdminRequest(db, id, opts);
  const [context, staff, rectifying] = await Promise.all([
    reviewContext(db, request), assignableStaff(db), complaintRectifying(db, request),
  ]);
  return { ...context, staffList: staff, rectifying };
}

/**
 * A billing complaint answered in the customer's favour: the invoices of its contract an
 * administrator may rectify from it, and those already issued for it. Null for anything else.
 */
async function complaintRectifying(db: Knex, request: AdminRequestDetail) {
  if (request.type !== 'complaint' || request.contract_id === null) return null;
  const outcome = await requestOutcome(db, request.id);
  const refusal = complaintRectifyRefusal({
    type: request.type, status: request.status, outcome: outcome?.outcome ?? null, category: request.payload?.category,
    customerId: request.customer_id, contractId: request.contract_id,
  }, { customerId: request.customer_id, contractId: request.contract_id });
  if (refusal) return null;
  const [invoices, issued] = await Promise.all([
    rectifiableInvoicesOf(db, request.contract_id), rectifyingOfRequest(db, request.id),
  ]);
  return { invoices, issued };
}

export async function adminRequestList(db: Knex, filter: AdminRequestFilter, staffId: number, pageSize: number) {
  const [list, staff] = await Promise.all([searchRequests(db, filter, staffId, pageSize), assignableStaff(db)]);
  return { list, staffList: staff, pages: Math.max(1, Math.ceil(list.total / pageSize)) };
}

export async function reviewQueuePage(db: Knex, page: number, pageSize: number) {
  const list = await reviewQueue(db, pageSize, (page - 1) * pageSize);
  return { list, pages: Math.max(1, Math.ceil(list.total / pageSize)) };
}
