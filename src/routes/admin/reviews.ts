import { Router, type Request, type Response } from 'express';
import { checkDecision, isPendingReview, isReviewType, NOTE_MAX, payloadEntries, type Decision } from '../../domain/admin-requests';
import { canDownloadDocument } from '../../domain/document-access';
import { DomainError } from '../../domain/errors';
import { adminTimeline, findAdminRequest, reviewQueue, type AdminRequestDetail } from '../../data/admin-requests-repo';
import { documentContent, documentsOfRequest, findDocumentMeta } from '../../data/documents-repo';
import { liveLinksOfCustomer } from '../../data/representative-repo';
import { audit } from '../../data/audit-repo';
import { decideReview } from '../../services/admin-requests';
import { deps } from '../../web/middleware/auth';
import { formFields } from '../../web/forms';
import { render } from '../../web/render';
import { adminFlash, requireStaff, staffActor } from './middleware';
import { sendDocument } from '../document-download';

const PAGE_SIZE = 25;

export function requestIdOf(req: Request): number {
  const id = Number(req.params.requestId);
  if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('not_found');
  return id;
}

/** What a reviewer needs beside the request: its documents, the customer's representative and users. */
export async function reviewContext(req: Request, request: AdminRequestDetail) {
  const db = deps(req).db.knex;
  const [documents, links, timeline] = await Promise.all([documentsOfRequest(db, request.id), liveLinksOfCustomer(db, request.customer_id), adminTimeline(db, request.id)]);
  return { request, documents, links, timeline, payload: payloadEntries(request.payload) };
}

async function loadReview(req: Request): Promise<AdminRequestDetail> {
  const request = await findAdminRequest(deps(req).db.knex, requestIdOf(req));
  if (!request || !isReviewType(request.type)) throw new DomainError('not_found');
  return request;
}

async function detailPage(req: Request, res: Response, request: AdminRequestDetail, extra: { form?: Record<string, string>; errors?: Record<string, string>; problem?: string } = {}, status = 200): Promise<void> {
  render(req, res, 'admin/reviews/detail', {
    title: res.locals.t('adminRequests.reviewDetailTitle', { reference: request.reference }),
    ...(await reviewContext(req, request)), pending: isPendingReview(request), canDecide: req.staff!.role === 'supervisor',
    form: extra.form ?? {}, errors: extra.errors ?? {}, problem: extra.problem ?? null, noteMax: NOTE_MAX,
  }, { status });
}

/** Approve or reject: supervisors only, through the operation that applies the change. */
function decide(decision: Decision) {
  const field = decision === 'approve' ? 'note' : 'reason';
  return async (req: Request, res: Response): Promise<void> => {
    const request = await loadReview(req);
    const t = res.locals.t;
    const form = formFields(req, [field] as const);
    const checked = checkDecision(decision, form[field]);
    if (!checked.ok) {
      return detailPage(req, res, request, { form, errors: { [field]: t(`adminRequests.errors.${checked.error.code}`, { max: NOTE_MAX }) } }, 422);
    }
    const { clock, config, db } = deps(req);
    const actor = staffActor(req);
    try {
      const done = await db.knex.transaction((trx) => decideReview(trx, request.id, decision, checked.note, { id: actor.actorId, ip: actor.ip }, clock.now(), config));
      adminFlash(req, 'success', decision === 'approve' ? 'adminRequests.decision.approved' : 'adminRequests.decision.rejected', { reference: done.reference });
      res.redirect(303, '/admin/revision');
    } catch (err) {
      // already decided, or the situation changed (e.g. the relation was withdrawn meanwhile)
      if (err instanceof DomainError && (err.code === 'conflict' || err.code === 'invalid_input')) {
        const fresh = (await findAdminRequest(db.knex, request.id)) ?? request;
        return detailPage(req, res, fresh, { form, problem: t('adminRequests.decision.conflict') }, 409);
      }
      throw err;
    }
  };
}

/** The review queue (issue 7 item 4): every staff member sees it, supervisors decide. */
export function adminReviewRoutes(): Router {
  const router = Router();

  router.get('/revision', requireStaff(), async (req, res) => {
    const page = Math.min(Math.max(1, Number.parseInt(String(req.query.pagina ?? '1'), 10) || 1), 10_000);
    const list = await reviewQueue(deps(req).db.knex, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    render(req, res, 'admin/reviews/queue', { title: res.locals.t('adminRequests.reviewTitle'), list, page, pages: Math.max(1, Math.ceil(list.total / PAGE_SIZE)) });
  });

  router.get('/revision/:requestId', requireStaff(), async (req, res) => detailPage(req, res, await loadReview(req)));
  router.post('/revision/:requestId/aprobar', requireStaff('supervisor'), decide('approve'));
  router.post('/revision/:requestId/rechazar', requireStaff('supervisor'), decide('reject'));

  // Any staff member may read any uploaded document; always as a download, never shown inline.
  router.get('/documentos/:documentId', requireStaff(), async (req, res) => {
    const { db, clock } = deps(req);
    const id = Number(req.params.documentId);
    if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('not_found');
    const doc = await findDocumentMeta(db.knex, id);
    if (!doc || !canDownloadDocument({ userId: null, uploaderId: doc.uploaded_by, customerAccess: { read: false, manageContacts: false }, isStaff: true })) throw new DomainError('not_found');
    const content = await documentContent(db.knex, id);
    if (!content) throw new DomainError('not_found');
    const actor = staffActor(req);
    await audit(db.knex, {
      ...actor, customerId: doc.customer_id, action: 'document.downloaded', targetType: 'document', targetId: id, at: clock.now(), details: { requestId: doc.request_id },
    });
    sendDocument(res, doc, content);
  });

  return router;
}
