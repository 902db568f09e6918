import { Router } from 'express';
import type { AppDeps } from '../../deps';
import { findOutbox } from '../../data/outbox-repo';
import { OUTBOX_STATUSES, parseOutboxFilter, redactTokens } from '../../domain/outbox-view';
import { DomainError } from '../../domain/errors';
import { outboxPage, retryOutboxMessage } from '../../services/outbox-admin';
import { idParam } from '../../web/params';
import { render } from '../../web/render';
import { staffContext } from '../../web/use-case-context';
import { adminFlash, requireStaff } from '../../web/middleware/staff';

function pageHref(form: { estado: string; para: string }, page: number): string {
  const p = new URLSearchParams();
  if (form.estado) p.set('estado', form.estado);
  if (form.para) p.set('para', form.para);
  if (page > 1) p.set('pagina', String(page));
  const s = p.toString();
  return `/admin/correo${s ? `?${s}` : ''}`;
}

/** The outbox (issue 7 item 8): any staff member reads it and puts failed messages back in the queue. */
export function adminOutboxRoutes(deps: AppDeps): Router {
  const router = Router();

  router.get('/correo', requireStaff(), async (req, res) => {
    const { filter, form } = parseOutboxFilter(req.query as Record<string, unknown>);
    const { messages, counts, hasNext } = await outboxPage(staffContext(deps, req).db, filter);
    render(req, res, 'admin/outbox/index', {
      title: res.locals.t('adminOps.outbox.title'), form, counts, statuses: OUTBOX_STATUSES, page: filter.page,
      messages,
      previousHref: filter.page > 1 ? pageHref(form, filter.page - 1) : null,
      nextHref: hasNext ? pageHref(form, filter.page + 1) : null,
    });
  });

  router.get('/correo/:messageId', requireStaff(), async (req, res) => {
    const m = await findOutbox(staffContext(deps, req).db, idParam(req, 'messageId'));
    if (!m) throw new DomainError('not_found');
    render(req, res, 'admin/outbox/show', {
      title: res.locals.t('adminOps.outbox.detail.title', { id: m.id }), message: m, textBody: redactTokens(
        m.text_body,
      ),
    });
  });

  router.post('/correo/:messageId/reintentar', requireStaff(), async (req, res) => {
    const id = idParam(req, 'messageId');
    const retried = await retryOutboxMessage(staffContext(deps, req), { messageId: id });
    adminFlash(
      req, retried ? 'success' : 'warning', retried ? 'adminOps.outbox.retried' : 'adminOps.outbox.notRetryable',
      { id: String(id) },
    );
    res.redirect(303, `/admin/correo/${id}`);
  });

  return router;
}
