import { Router, type Request, type Response } from 'express';
import { ADMIN_SEARCH_PAGE_SIZE, classifySearch, parsePage } from '../../domain/admin-search';
import { checkReason, REASON_MAX, REASON_MIN, SUPPORT_ACTIONS, supportActionApplies, type SupportAction } from '../../domain/admin-support';
import { pageWindow } from '../../domain/overview';
import { DomainError } from '../../domain/errors';
import { customersOfUser, loadCustomerPage, searchCustomers } from '../../data/admin-customers-repo';
import { findUserById, type UserRow } from '../../data/users-repo';
import { correctEmail, endUserSessions, resendActivation, unlockUser, type SupportContext, type SupportResult } from '../../services/admin-support';
import { deps } from '../../web/middleware/auth';
import { checkbox, formFields } from '../../web/forms';
import { FieldErrors, validEmail } from '../../web/validation';
import { render } from '../../web/render';
import { adminFlash, requireStaff, staffActor } from './middleware';

function single(v: unknown): string {
  if (Array.isArray(v)) return single(v[0]);
  return typeof v === 'string' ? v : '';
}

function positiveId(raw: unknown): number | null {
  const s = single(raw);
  return /^\d{1,15}$/.test(s) && Number(s) > 0 ? Number(s) : null;
}

async function loadUser(req: Request): Promise<UserRow> {
  const id = positiveId(req.params.userId);
  const user = id === null ? undefined : await findUserById(deps(req).db.knex, id);
  if (!user) throw new DomainError('not_found');
  return user;
}

/** The customer page the agent came from, if the user really belongs to it; else the user's first customer. */
async function contextCustomer(req: Request, userId: number, raw: unknown): Promise<number | null> {
  const linked = await customersOfUser(deps(req).db.knex, userId);
  const wanted = positiveId(raw);
  if (wanted !== null && linked.includes(wanted)) return wanted;
  return linked[0] ?? null;
}

const RUN: Record<SupportAction, (req: Request, userId: number, ctx: SupportContext) => Promise<SupportResult>> = {
  desbloquear: (req, id, ctx) => unlockUser(deps(req).db.knex, id, ctx),
  'reenviar-activacion': (req, id, ctx) => resendActivation(deps(req).db.knex, id, ctx),
  'cerrar-sesiones': (req, id, ctx) => endUserSessions(deps(req).db.knex, id, ctx),
  'corregir-email': (req, id, ctx) => correctEmail(deps(req).db.knex, id, single((req.body as Record<string, unknown>)?.email).trim(), ctx),
};

function actionPage(req: Request, res: Response, action: SupportAction, user: UserRow, customerId: number | null, form: Record<string, string | boolean>, errors: Record<string, string>, status = 200): void {
  const t = res.locals.t;
  const applies = supportActionApplies(action, user.status);
  render(req, res, 'admin/customers/action', {
    title: t(`adminCustomers.actions.${action}.title`), action, user, customerId, form, errors, applies,
    reasonMin: REASON_MIN, reasonMax: REASON_MAX,
  }, { status: applies ? status : 409 });
}

/** Customer search, the customer page and the support actions on its users (issue 7 items 2–3). */
export function adminCustomerRoutes(): Router {
  const router = Router();
  const staff = requireStaff();

  router.get('/clientes', staff, async (req, res) => {
    const q = single(req.query.q).slice(0, 200);
    const term = classifySearch(q);
    const requested = parsePage(req.query.pagina);
    const db = deps(req).db.knex;
    let found = await searchCustomers(db, term, ADMIN_SEARCH_PAGE_SIZE, (requested - 1) * ADMIN_SEARCH_PAGE_SIZE);
    const win = pageWindow(found.total, requested, ADMIN_SEARCH_PAGE_SIZE);
    // a stale page number past the end shows the last page
    if (found.rows.length === 0 && found.total > 0) found = await searchCustomers(db, term, ADMIN_SEARCH_PAGE_SIZE, win.offset);
    const pageHref = (page: number) => `/admin/clientes?${new URLSearchParams({ q: q.trim(), ...(page > 1 ? { pagina: String(page) } : {}) }).toString()}`;
    render(req, res, 'admin/customers/search', {
      title: res.locals.t('adminCustomers.search.title'), q: q.trim(), term, rows: found.rows, total: found.total, win, pageHref,
    }, { fragment: 'admin/customers/_results' });
  });

  router.get('/clientes/:customerId', staff, async (req, res) => {
    const id = positiveId(req.params.customerId);
    const page = id === null ? undefined : await loadCustomerPage(deps(req).db.knex, id);
    if (!page) throw new DomainError('not_found');
    render(req, res, 'admin/customers/show', { title: page.customer.name, ...page, supportApplies: supportActionApplies });
  });

  for (const action of SUPPORT_ACTIONS) {
    router.get(`/usuarios/:userId/${action}`, staff, async (req, res) => {
      const user = await loadUser(req);
      actionPage(req, res, action, user, await contextCustomer(req, user.id, req.query.cliente), { email: '' }, {});
    });

    router.post(`/usuarios/:userId/${action}`, staff, async (req, res) => {
      const { clock, config } = deps(req);
      const user = await loadUser(req);
      const customerId = await contextCustomer(req, user.id, (req.body as Record<string, unknown>)?.cliente);
      const form = { ...formFields(req, ['reason', 'email'] as const), identity: checkbox(req, 'identity') };
      form.email = form.email.trim();
      const e = new FieldErrors(res.locals.t);
      if (action === 'corregir-email') {
        if (e.requireValue('email', form.email)) {
          if (!validEmail(form.email)) e.add('email', 'adminCustomers.errors.email');
          else if (form.email.toLowerCase() === user.email.toLowerCase()) e.add('email', 'adminCustomers.errors.sameEmail');
        }
        if (!form.identity) e.add('identity', 'adminCustomers.errors.identity');
      }
      const reason = checkReason(form.reason);
      if (!reason.ok) e.add('reason', reason.code === 'required' ? 'errors.required' : `adminCustomers.errors.reason_${reason.code}`, { min: REASON_MIN, max: REASON_MAX });
      if (e.any || !reason.ok) return actionPage(req, res, action, user, customerId, form, e.errors, 422);

      const actor = staffActor(req);
      const result = await RUN[action](req, user.id, {
        staff: { id: actor.actorId, ip: actor.ip }, customerId, reason: reason.value, now: clock.now(), config,
      });
      if (!result.ok) {
        if (result.why === 'not_found') throw new DomainError('not_found');
        // someone else (or a reset) changed the account meanwhile: show why nothing was done
        return actionPage(req, res, action, (await findUserById(deps(req).db.knex, user.id)) ?? user, customerId, form, {}, 409);
      }
      deps(req).mailer?.kick();
      adminFlash(req, 'success', `adminCustomers.actions.${action}.done`, { loginId: user.login_id, ...(action === 'cerrar-sesiones' ? { count: String(result.details?.sessions ?? 0) } : {}) });
      res.redirect(303, customerId ? `/admin/clientes/${customerId}#usuarios` : '/admin/clientes');
    });
  }

  return router;
}
