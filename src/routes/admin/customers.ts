import { Router, type Request, type Response } from 'express';
import type { TFunction } from 'i18next';
import { z } from 'zod';
import type { AppDeps } from '../../deps';
import { ADMIN_SEARCH_PAGE_SIZE, classifySearch, parsePage } from '../../domain/admin-search';
import { SUPPORT_ACTIONS, supportActionApplies, type SupportAction } from '../../domain/admin-support';
import { checkReason, REASON_MAX, REASON_MIN, type ReasonCheck } from '../../domain/reason';
import { pageWindow } from '../../domain/overview';
import { DomainError } from '../../domain/errors';
import { customersOfUser, loadCustomerPage, searchCustomers } from '../../data/admin-customers-repo';
import { findUserById, type UserRow } from '../../data/users-repo';
import {
  correctEmail, endUserSessions, resendActivation, unlockUser, type SupportContext, type SupportResult,
} from '../../services/admin-support';
import { checkbox, checkboxField, FORM_INVALID, parseForm, textField } from '../../web/forms';
import { validEmail } from '../../web/validation';
import { adminFlash, requireStaff, staffActor } from '../../web/middleware/staff';
import { render } from '../../web/render';

function single(v: unknown): string {
  if (Array.isArray(v)) return single(v[0]);
  return typeof v === 'string' ? v : '';
}

function positiveId(raw: unknown): number | null {
  const s = single(raw);
  return /^\d{1,15}$/.test(s) && Number(s) > 0 ? Number(s) : null;
}

// The reason's own rule (domain/reason) gives its messages; the fields only refuse what no form may carry.
const ACTION_FORM = z.object({
  email: textField({ optional: true, max: 254 }),
  identity: checkboxField(),
  reason: textField({ optional: true, multiline: true, max: REASON_MAX * 2 }),
});

type Run = (db: AppDeps['db']['knex'], userId: number, email: string, ctx: SupportContext) => Promise<SupportResult>;

const RUN: Record<SupportAction, Run> = {
  desbloquear: (db, id, _email, ctx) => unlockUser(db, id, ctx),
  'reenviar-activacion': (db, id, _email, ctx) => resendActivation(db, id, ctx),
  'cerrar-sesiones': (db, id, _email, ctx) => endUserSessions(db, id, ctx),
  'corregir-email': (db, id, email, ctx) => correctEmail(db, id, email, ctx),
};

interface ActionForm {
  form: { reason: string; email: string; identity: boolean };
  /** In the form's order: email, identity, reason. */
  errors: Record<string, string>;
  email: string;
  reason: ReasonCheck;
}

/** A support action's form: control characters refused by the fields, then the action's own rules. */
function readActionForm(req: Request, t: TFunction, action: SupportAction, user: UserRow): ActionForm {
  const input = parseForm(ACTION_FORM, req.body, t);
  const identity = checkbox(req, 'identity');
  const form = { reason: input.form.reason ?? '', email: (input.form.email ?? '').trim(), identity };
  const errors: Record<string, string> = input.ok ? {} : { ...input.errors };
  // only the new-email form has an email field to show an error by
  if (action !== 'corregir-email') delete errors.email;
  const add = (field: string, key: string, params: Record<string, unknown> = {}) => {
    errors[field] ??= t(key, params);
  };
  // a field refused by the schema (control characters) is already in `errors`; the others still count
  const typed = (field: 'email' | 'reason') => {
    if (input.ok) return input.value[field];
    return input.errors[field] ? '' : (input.form[field] ?? '').trim();
  };
  const email = typed('email');
  if (action === 'corregir-email') {
    if (!email) add('email', 'errors.required');
    else if (!validEmail(email)) add('email', 'adminCustomers.errors.email');
    else if (email.toLowerCase() === user.email.toLowerCase()) add('email', 'adminCustomers.errors.sameEmail');
    if (!identity) add('identity', 'adminCustomers.errors.identity');
  }
  const reason = checkReason(typed('reason'));
  if (!reason.ok) {
    const key = reason.code === 'required' ? 'errors.required' : `adminCustomers.errors.reason_${reason.code}`;
    add('reason', key, { min: REASON_MIN, max: REASON_MAX });
  }
  const ordered = Object.fromEntries(
    ['email', 'identity', 'reason'].filter((f) => errors[f]).map((f) => [f, errors[f]!]),
  );
  return { form, errors: ordered, email, reason };
}

/** Customer search, the customer page and the support actions on its users (issue 7 items 2–3). */
export function adminCustomerRoutes(d: AppDeps): Router {
  const router = Router();
  const staff = requireStaff();
  const db = d.db.knex;

  async function loadUser(req: Request): Promise<UserRow> {
    const id = positiveId(req.params.userId);
    const user = id === null ? undefined : await findUserById(db, id);
    if (!user) throw new DomainError('not_found');
    return user;
  }

  /** The customer page the agent came from, if the user really belongs to it; else the user's first customer. */
  async function contextCustomer(userId: number, raw: unknown): Promise<number | null> {
    const linked = await customersOfUser(db, userId);
    const wanted = positiveId(raw);
    if (wanted !== null && linked.includes(wanted)) return wanted;
    return linked[0] ?? null;
  }

  function actionPage(
    req: Request, res: Response, action: SupportAction, user: UserRow, customerId: number | null,
    form: Record<string, string | boolean>, errors: Record<string, string>, status = 200,
  ): void {
    const applies = supportActionApplies(action, user.status);
    render(req, res, 'admin/customers/action', {
      title: res.locals.t(`adminCustomers.actions.${action}.title`), action, user, customerId, form, errors, applies,
      reasonMin: REASON_MIN, reasonMax: REASON_MAX,
    }, { status: applies ? status : 409 });
  }

  router.get('/clientes', staff, async (req, res) => {
    const q = single(req.query.q).slice(0, 200);
    const term = classifySearch(q);
    const requested = parsePage(req.query.pagina);
    let found = await searchCustomers(db, term, ADMIN_SEARCH_PAGE_SIZE, (requested - 1) * ADMIN_SEARCH_PAGE_SIZE);
    const win = pageWindow(found.total, requested, ADMIN_SEARCH_PAGE_SIZE);
    // a stale page number past the end shows the last page
    if (found.rows.length === 0 && found.total > 0) {
      found = await searchCustomers(db, term, ADMIN_SEARCH_PAGE_SIZE, win.offset);
    }
    const pageHref = (page: number) => {
      const query = new URLSearchParams({ q: q.trim(), ...(page > 1 ? { pagina: String(page) } : {}) });
      return `/admin/clientes?${query.toString()}`;
    };
    render(req, res, 'admin/customers/search', {
      title: res.locals.t('adminCustomers.search.title'), q: q.trim(), term, rows: found.rows, total: found.total,
      win, pageHref,
    }, { fragment: 'admin/customers/_results' });
  });

  router.get('/clientes/:customerId', staff, async (req, res) => {
    const id = positiveId(req.params.customerId);
    const page = id === null ? undefined : await loadCustomerPage(db, id);
    if (!page) throw new DomainError('not_found');
    render(req, res, 'admin/customers/show', {
      title: page.customer.name, ...page, supportApplies: supportActionApplies,
    });
  });

  for (const action of SUPPORT_ACTIONS) {
    router.get(`/usuarios/:userId/${action}`, staff, async (req, res) => {
      const user = await loadUser(req);
      actionPage(req, res, action, user, await contextCustomer(user.id, req.query.cliente), { email: '' }, {});
    });

    router.post(`/usuarios/:userId/${action}`, staff, async (req, res) => {
      const user = await loadUser(req);
      const customerId = await contextCustomer(user.id, (req.body as Record<string, unknown>)?.cliente);
      const { form, errors, email, reason } = readActionForm(req, res.locals.t, action, user);
      if (!reason.ok || Object.keys(errors).length) {
        return actionPage(req, res, action, user, customerId, form, errors, FORM_INVALID);
      }

      const actor = staffActor(req);
      const result = await RUN[action](db, user.id, email, {
        staff: { id: actor.staffId, ip: actor.ip }, customerId, reason: reason.value,
        now: d.clock.now(), config: d.config,
      });
      if (!result.ok) {
        if (result.why === 'not_found') throw new DomainError('not_found');
        // someone else (or a reset) changed the account meanwhile: show why nothing was done
        return actionPage(req, res, action, (await findUserById(db, user.id)) ?? user, customerId, form, {}, 409);
      }
      d.mailer?.kick();
      const count: Record<string, string> = action === 'cerrar-sesiones'
        ? { count: String(result.details?.sessions ?? 0) }
        : {};
      adminFlash(req, 'success', `adminCustomers.actions.${action}.done`, { loginId: user.login_id, ...count });
      res.redirect(303, customerId ? `/admin/clientes/${customerId}#usuarios` : '/admin/clientes');
    });
  }

  return router;
}
