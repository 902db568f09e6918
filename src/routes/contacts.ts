import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../deps';
import { CONTACT_ROLES, isContactRole, parseContactId } from '../domain/contacts';
import { DomainError } from '../domain/errors';
import {
  actOnInvitation, addContact, changeContactRole, contactCustomer, contactOf, contactsView, deactivateContact,
  type ContactActor, type ContactCustomer,
} from '../services/contacts';
import { clientIp, formFields } from '../web/forms';
import { cleanText, FieldErrors, validEmail } from '../web/validation';
import { render } from '../web/render';
import { accountCtx } from '../web/account-ctx';
import { guards } from '../web/guards';

const ADD_FIELDS = ['nif', 'email', 'firstName', 'lastName', 'role'] as const;

function formatDay(d: Date, lang: string): string {
  return new Date(d).toLocaleDateString(
    lang === 'ca' ? 'ca-ES' : 'es-ES', { timeZone: 'Europe/Madrid', day: 'numeric', month: 'long', year: 'numeric' },
  );
}

function positiveId(v: unknown): number {
  const id = Number(v);
  if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('not_found');
  return id;
}

function actorOf(req: Request): ContactActor {
  const u = req.user!;
  return { userId: u.id, loginId: u.loginId, firstName: u.firstName, lastName: u.lastName, ip: clientIp(req) };
}

/**
 * Authorised contacts of a customer (seed 001 "ajustes → contactos autorizados"): only its
 * holder or representative gets here; through a gestoría nobody does (rule 18).
 */
export function contactRoutes(deps: AppDeps): Router {
  const router = Router();
  const guard = guards(deps).customer('manage_contacts');

  async function loadCustomer(req: Request): Promise<ContactCustomer> {
    const c = await contactCustomer(accountCtx(deps, req), positiveId(req.params.customerId));
    if (!c) throw new DomainError('not_found');
    return c;
  }

  async function contactsPage(
    req: Request, res: Response, customer: ContactCustomer, form: Record<string, string>,
    errors: Record<string, string>, status = 200, extra: Record<string, unknown> = {},
  ) {
    const lang = res.locals.lang as string;
    const view = await contactsView(accountCtx(deps, req), customer.id, req.user!.id);
    render(req, res, 'contacts/list', {
      title: res.locals.t('contacts.title'), customer, roles: CONTACT_ROLES,
      contacts: view.contacts.map((c) => ({ ...c, since: formatDay(c.sinceAt, lang) })),
      invitations: view.invitations.map(
        (i) => ({ ...i, since: formatDay(i.sinceAt, lang), until: formatDay(i.untilAt, lang) }),
      ),
      form: { role: 'authorized_read', ...form }, errors, ...extra,
    }, { status });
  }

  router.get('/clientes/:customerId/contactos', guard, async (req, res) => {
    await contactsPage(req, res, await loadCustomer(req), {}, {});
  });

  router.post('/clientes/:customerId/contactos', guard, async (req, res) => {
    const customer = await loadCustomer(req);
    const form = formFields(req, ADD_FIELDS);
    const e = new FieldErrors(res.locals.t);
    const id = parseContactId(form.nif);
    if (!id.ok) e.add('nif', id.reason === 'required' ? 'errors.required' : `contacts.errors.${id.reason}`);
    const email = form.email.trim();
    if (e.requireValue('email', email) && !validEmail(email)) e.add('email', 'register.errors.email');
    const firstName = cleanText(form.firstName, 100);
    const lastName = cleanText(form.lastName, 150);
    if (e.requireValue('firstName', firstName) && firstName.length < 2) e.add('firstName', 'register.errors.name');
    if (e.requireValue('lastName', lastName) && lastName.length < 2) e.add('lastName', 'register.errors.name');
    if (!isContactRole(form.role)) e.add('role', 'contacts.errors.role');
    if (e.any || !id.ok || !isContactRole(form.role)) return contactsPage(req, res, customer, form, e.errors, 422);

    const result = await addContact(
      accountCtx(deps, req), customer, { nif: id.value, email, firstName, lastName, role: form.role }, actorOf(req),
      res.locals.lang as string,
    );
    if (result.kind === 'refused') {
      if (result.reason === 'throttled') {
        return contactsPage(req, res, customer, form, {}, 429, { generalError: res.locals.t('errors.tooMany.text') });
      }
      e.add('nif', `contacts.errors.${result.reason}`);
      return contactsPage(req, res, customer, form, e.errors, 422);
    }
    deps.mailer?.kick();
    req.session.flash = result.kind === 'linked'
      ? { kind: 'success', key: 'contacts.flash.linked', params: { name: result.name } }
      : { kind: 'success', key: 'contacts.flash.invited', params: { email: result.email } };
    res.redirect(303, `/clientes/${customer.id}/contactos`);
  });

  // Pending invitations: send again (new link, new week) or cancel.
  router.post('/clientes/:customerId/contactos/invitaciones/:invitationId', guard, async (req, res) => {
    const customer = await loadCustomer(req);
    const invitationId = positiveId(req.params.invitationId);
    const { action } = formFields(req, ['action'] as const);
    if (action !== 'cancel' && action !== 'resend') throw new DomainError('invalid_input');
    const result = await actOnInvitation(
      accountCtx(deps, req), customer, invitationId, action, actorOf(req), res.locals.lang as string,
    );
    if (!result.ok) {
      if (result.reason === 'not_found') throw new DomainError('not_found');
      if (result.reason === 'throttled') {
        return contactsPage(req, res, customer, {}, {}, 429, { generalError: res.locals.t('errors.tooMany.text') });
      }
      return contactsPage(
        req, res, customer, {}, {}, 422, { generalError: res.locals.t(`contacts.errors.change.${result.reason}`) },
      );
    }
    deps.mailer?.kick();
    req.session.flash = {
      kind: 'success', key: action === 'cancel' ? 'contacts.flash.invitationCancelled' : 'contacts.flash.invited',
      params: { email: result.email },
    };
    res.redirect(303, `/clientes/${customer.id}/contactos`);
  });

  // Deactivating asks first on a page of its own, so no single click (or script-less form) destroys access.
  router.get('/clientes/:customerId/contactos/:linkId/desactivar', guard, async (req, res) => {
    const customer = await loadCustomer(req);
    const contact = await contactOf(accountCtx(deps, req), customer.id, positiveId(req.params.linkId));
    if (!contact) throw new DomainError('not_found');
    render(
      req, res, 'contacts/confirm-deactivate', { title: res.locals.t('contacts.confirm.title'), customer, contact },
    );
  });

  // One contact: change the role or deactivate (the latter only from the confirmation page).
  router.post('/clientes/:customerId/contactos/:linkId', guard, async (req, res) => {
    const customer = await loadCustomer(req);
    const linkId = positiveId(req.params.linkId);
    const { action, role, confirmed } = formFields(req, ['action', 'role', 'confirmed'] as const);
    if (action !== 'role' && action !== 'deactivate') throw new DomainError('invalid_input');
    if (action === 'deactivate' && confirmed !== '1') {
      return res.redirect(303, `/clientes/${customer.id}/contactos/${linkId}/desactivar`);
    }
    const ctx = accountCtx(deps, req);
    const result = action === 'role'
      ? await changeContactRole(ctx, customer, linkId, role, actorOf(req))
      : await deactivateContact(ctx, customer, linkId, actorOf(req));
    if (!result.ok) {
      if (result.reason === 'not_found') throw new DomainError('not_found');
      return contactsPage(
        req, res, customer, {}, {}, 422, { generalError: res.locals.t(`contacts.errors.change.${result.reason}`) },
      );
    }
    deps.mailer?.kick();
    req.session.flash = action === 'role'
      ? {
        kind: 'success', key: 'contacts.flash.roleChanged',
        params: { name: result.name, role: res.locals.t(`contacts.roles.${role}`) },
      }
      : { kind: 'success', key: 'contacts.flash.deactivated', params: { name: result.name } };
    res.redirect(303, `/clientes/${customer.id}/contactos`);
  });

  return router;
}
