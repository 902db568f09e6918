import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../deps';
import { checkDecision, isPendingReview, NOTE_MAX, type Decision } from '../../domain/admin-requests';
import { DomainError } from '../../domain/errors';
import type { AdminRequestDetail } from '../../data/admin-requests-repo';
import { decideReview } from '../../services/admin-requests';
import { loadAdminRequest, reviewContext, reviewQueuePage } from '../../services/admin-request-pages';
import { downloadDocumentAsStaff } from '../../services/documents';
import { formFields } from '../../web/forms';
import { idParam } from '../../web/params';
import { render } from '../../web/render';
import { sendDocument } from '../../web/download';
import { staffContext } from '../../web/use-case-context';
import { adminFlash, requireStaff } from '../../web/middleware/staff';

const PAGE_SIZE = 25;
const QueueQuery = z.object({ pagina: z.coerce.number().int().min(1).max(10_000).catch(1) });

/** The review queue (issue 7 item 4): every staff member sees it, supervisors decide. */
export function adminReviewRoutes(deps: AppDeps): Router {
  const router = Router();
  // the admin pages read through the staff member's context (its database handle)
  const db = (req: Request) => staffContext(deps, req).db;

  async function detailPage(
    req: Request, res: Response, request: AdminRequestDetail,
    extra: { form?: Record<string, string>; errors?: Record<string, string>; problem?: string } = {}, status = 200,
  ): Promise<void> {
    render(req, res, 'admin/reviews/detail', {
      title: res.locals.t('adminRequests.reviewDetailTitle', { reference: request.reference }),
      ...(await reviewContext(db(req), request)), pending: isPendingReview(request),
      canDecide: req.staff!.role === 'supervisor',
      form: extra.form ?? {}, errors: extra.errors ?? {}, problem: extra.problem ?? null, noteMax: NOTE_MAX,
    }, { status });
  }

  /** Approve or reject: supervisors only, through the operation that applies the change. */
  function decide(decision: Decision) {
    const field = decision === 'approve' ? 'note' : 'reason';
    return async (req: Request, res: Response): Promise<void> => {
      const request = await loadAdminRequest(db(req), idParam(req, 'requestId'), { reviewOnly: true });
      const t = res.locals.t;
      const form = formFields(req, [field] as const);
      const checked = checkDecision(decision, form[field]);
      if (!checked.ok) {
        return detailPage(
          req, res, request,
          { form, errors: { [field]: t(`adminRequests.errors.${checked.error.code}`, { max: NOTE_MAX }) } }, 422,
        );
      }
      try {
        const done = await decideReview(
          staffContext(deps, req), { requestId: request.id, decision, note: checked.note },
        );
        adminFlash(
          req, 'success',
          decision === 'approve' ? 'adminRequests.decision.approved' : 'adminRequests.decision.rejected',
          { reference: done.reference },
        );
        res.redirect(303, '/admin/revision');
      } catch (err) {
        // already decided, or the situation changed (e.g. the relation was withdrawn meanwhile)
        if (err instanceof DomainError && (err.code === 'conflict' || err.code === 'invalid_input')) {
          const fresh = await loadAdminRequest(db(req), request.id).catch(() => request);
          return detailPage(req, res, fresh, { form, problem: t('adminRequests.decision.conflict') }, 409);
        }
        throw err;
      }
    };
  }

  router.get('/revision', requireStaff(), async (req, res) => {
    const { pagina: page } = QueueQuery.parse(req.query);
    const { list, pages } = await reviewQueuePage(db(req), page, PAGE_SIZE);
    render(req, res, 'admin/reviews/queue', { title: res.locals.t('adminRequests.reviewTitle'), list, page, pages });
  });

  router.get(
    '/revision/:requestId', requireStaff(),
    async (req, res) => detailPage(
      req, res, await loadAdminRequest(db(req), idParam(req, 'requestId'), { reviewOnly: true }),
    ),
  );
  router.post('/revision/:requestId/aprobar', requireStaff('supervisor'), decide('approve'));
  router.post('/revision/:requestId/rechazar', requireStaff('supervisor'), decide('reject'));

  // Any staff member may read any uploaded document; always as a download, never shown inline.
  router.get('/documentos/:documentId', requireStaff(), async (req, res) => {
    const file = await downloadDocumentAsStaff(staffContext(deps, req), { documentId: idParam(req, 'documentId') });
    sendDocument(res, file.meta, file.content);
  });

  return router;
}
