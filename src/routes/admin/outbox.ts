import { Router, type Request } from 'express';
import { audit } from '../../data/audit-repo';
import { findOutbox, listOutbox, retryFailed } from '../../data/outbox-repo';
import { outboxCounts } from '../../data/outbox-admin-repo';
import { OUTBOX_PAGE_SIZE, OUTBOX_STATUSES, parseOutboxFilter, redactTokens } from '../../domain/outbox-view';
import { DomainError } from '../../domain/errors';
import { deps } from '../../web/middleware/auth';
import { render } from '../../web/render';
import { adminFlash, requireStaff, staffActor } from './middleware';

function messageId(req: Request): number {
  const id = Number(req.params.messageId);
  if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('not_found');
  return id;
}

function pageHref(form: { estado: string; para: string }, page: number): string {
  const p = new URLSearchParams();
  if (form.estado) p.set('estado', form.estado);
  if (form.para) p.set('para', form.para);
  if (page > 1) p.set('pagina', String(page));
  const s = p.toString();
  return `/admin/correo${s ? `?${s}` : ''}`;
}

/** The outbox (issue 7 item 8): any staff member reads it and puts failed messages back in the queue. */
export function adminOutboxRoutes(): Router {
  const router = Router();

  router.get('/correo', requireStaff(), async (req, res) => {
    const db = deps(req).db.knex;
    const { filter, form } = parseOutboxFilter(req.query as Record<string, unknown>);
    const [rows, counts] = await Promise.all([
      listOutbox(db, { ...(filter.status ? { status: filter.status } : {}), ...(filter.to ? { to: filter.to } : {}), limit: OUTBOX_PAGE_SIZE + 1, offset: (filter.page - 1) * OUTBOX_PAGE_SIZE }),
      outboxCounts(db),
    ]);
    render(req, res, 'admin/outbox/index', {
      title: res.locals.t('adminOps.outbox.title'), form, counts, statuses: OUTBOX_STATUSES, page: filter.page,
      messages: rows.slice(0, OUTBOX_PAGE_SIZE),
      previousHref: filter.page > 1 ? pageHref(form, filter.page - 1) : null,
      nextHref: rows.length > OUTBOX_PAGE_SIZE ? pageHref(form, filter.page + 1) : null,
    });
  });

  router.get('/correo/:messageId', requireStaff(), async (req, res) => {
    const m = await findOutbox(deps(req).db.knex, messageId(req));
    if (!m) throw new DomainError('not_found');
    render(req, res, 'admin/outbox/show', {
      title: res.locals.t('adminOps.outbox.detail.title', { id: m.id }), message: m, textBody: redactTokens(m.text_body),
    });
  });

  router.post('/correo/:messageId/reintentar', requireStaff(), async (req, res) => {
    const { db, clock, mailer } = deps(req);
    const id = messageId(req);
    const now = clock.now();
    const retried = await db.knex.transaction(async (trx) => {
      const m = await findOutbox(trx, id);
      if (!m) throw new DomainError('not_found');
      if (!(await retryFailed(trx, id, now))) return false;
      await audit(trx, {
        ...staffActor(req), customerId: m.customer_id, action: 'outbox.retried', targetType: 'outbox', targetId: id, at: now,
        details: { template: m.template, attempts: m.attempts, lastError: m.last_error },
      });
      return true;
    });
    if (retried) mailer?.kick();
    adminFlash(req, retried ? 'success' : 'warning', retried ? 'adminOps.outbox.retried' : 'adminOps.outbox.notRetryable', { id: String(id) });
    res.redirect(303, `/admin/correo/${id}`);
  });

  return router;
}
