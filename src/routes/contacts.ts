import { Router, type Request, type Response } from 'express';
import { CONTACT_ROLES, invitationStatusShown, isContactRole, isProtectedRole, linkStatusShown, parseContactId } from '../domain/contacts';
import { DomainError } from '../domain/errors';
import { findCustomersByIds } from '../data/customers-repo';
import { contactsOfCustomer } from '../data/links-repo';
import { pendingInvitations } from '../data/invitations-repo';
import { actOnInvitation, addContact, changeContactRole, deactivateContact, type ContactActor, type ContactCustomer } from '../services/contacts';
import { deps, requireCustomer, userAccess } from '../web/middleware/auth';
import { clientIp, formFields } from '../web/forms';
import { cleanText, FieldErrors, validEmail } from '../web/validation';
import { render } from '../web/render';

const ADD_FIELDS = ['nif', 'email', 'firstName', 'lastName', 'role'] as const;

function formatDay(d: Date, lang: string): string {
  return new Date(d).toLocaleDateString(lang === 'ca' ? 'ca-ES' : 'es-ES', { timeZone: 'Europe/Madrid', day: 'numeric', month: 'long', year: 'numeric' });
}

function positiveId(v: unknown): number {
  const id = Number(v);
  if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('not_found');
  return id;
}

async function loadCustomer(req: Request): Promise<ContactCustomer> {
  const [c] = await findCustomersByIds(deps(req).db.knex, [positiveId(req.params.customerId)]);
  if (!c) throw new DomainError('not_found');
  return { id: Number(c.id), name: c.name };
}

function actorOf(req: Request): ContactActor {
  const u = req.user!;
  return { userId: u.id, loginId: u.loginId, firstName: u.firstName, lastName: u.lastName, ip: clientIp(req) };
}

async function contactsPage(req: Request, res: Response, customer: ContactCustomer, form: Record<string, string>, errors: Record<string, string>, status = 200, extra: Record<string, unknown> = {}) {
  const { db, clock } = deps(req);
  const lang = res.locals.lang as string;
  const now = clock.now();
  const contacts = (await contactsOfCustomer(db.knex, customer.id)).map((c) => ({
    ...c, shown: linkStatusShown(c.status), locked: isProtectedRole(c.role) || c.user_id === req.user!.id, since: formatDay(c.status === 'revoked' && c.revoked_at ? c.revoked_at : c.granted_at, lang),
  }));
  const invitations = (await pendingInvitations(db.knex, customer.id))
    .map((i) => ({ ...i, shown: invitationStatusShown({ status: i.status, expiresAt: i.expires_at }, now), since: formatDay(i.created_at, lang), until: formatDay(i.expires_at, lang) }))
    .filter((i) => i.shown !== null);
  render(req, res, 'contacts/list', {
    title: res.locals.t('contacts.title'), customer, contacts, invitations, roles: CONTACT_ROLES,
    form: { role: 'authorized_read', ...form }, errors, ...extra,
  }, { status });
}

/**
 * Authorised contacts of a customer (seed 001 "ajustes → contactos autorizados"): only its
 * holder or representative gets here; through a gestoría nobody does (rule 18).
 */
export function contactRoutes(): Router {
  const router = Router();
  const guard = requireCustomer('manage_contacts');

  router.get('/clientes/:customerId/contactos', guard, async (req, res) => {
    await contactsPage(req, res, await loadCustomer(req), {}, {});
  });

  router.post('/clientes/:customerId/contactos', guard, async (req, res) => {
    const { db, clock, config } = deps(req);
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

    const result = await db.knex.transaction((trx) => addContact(trx, customer, { nif: id.value, email, firstName, lastName, role: form.role as 'authorized_full' | 'authorized_read' }, actorOf(req), res.locals.lang as string, clock.now(), config));
    if (result.kind === 'refused') {
      e.add('nif', `contacts.errors.${result.reason}`);
      return contactsPage(req, res, customer, form, e.errors, 422);
    }
    deps(req).mailer?.kick();
    req.session.flash = result.kind === 'linked'
      ? { kind: 'success', key: 'contacts.flash.linked', params: { name: result.name } }
      : { kind: 'success', key: 'contacts.flash.invited', params: { email: result.email } };
    res.redirect(303, `/clientes/${customer.id}/contactos`);
  });

  // Pending invitations: send again (new link, new week) or cancel.
  router.post('/clientes/:customerId/contactos/invitaciones/:invitationId', guard, async (req, res) => {
    const { db, clock, config } = deps(req);
    const customer = await loadCustomer(req);
    const invitationId = positiveId(req.params.invitationId);
    const { action } = formFields(req, ['action'] as const);
    if (action !== 'cancel' && action !== 'resend') throw new DomainError('invalid_input');
    const result = await db.knex.transaction((trx) => actOnInvitation(trx, customer, invitationId, action, actorOf(req), res.locals.lang as string, clock.now(), config));
    if (!result.ok) {
      if (result.reason === 'not_found') throw new DomainError('not_found');
      return contactsPage(req, res, customer, {}, {}, 422, { generalError: res.locals.t(`contacts.errors.change.${result.reason}`) });
    }
    deps(req).mailer?.kick();
    req.session.flash = { kind: 'success', key: action === 'cancel' ? 'contacts.flash.invitationCancelled' : 'contacts.flash.invited', params: { email: result.email } };
    res.redirect(303, `/clientes/${customer.id}/contactos`);
  });

  // One contact: change the role or deactivate.
  router.post('/clientes/:customerId/contactos/:linkId', guard, async (req, res) => {
    const { db, clock, config } = deps(req);
    const customer = await loadCustomer(req);
    const linkId = positiveId(req.params.linkId);
    const { action, role } = formFields(req, ['action', 'role'] as const);
    if (action !== 'role' && action !== 'deactivate') throw new DomainError('invalid_input');
    const actor = actorOf(req);
    const now = clock.now();
    const result = await db.knex.transaction((trx) => action === 'role'
      ? changeContactRole(trx, customer, linkId, role, actor, now, config)
      : deactivateContact(trx, customer, linkId, actor, now, config));
    if (!result.ok) {
      if (result.reason === 'not_found') throw new DomainError('not_found');
      return contactsPage(req, res, customer, {}, {}, 422, { generalError: res.locals.t(`contacts.errors.change.${result.reason}`) });
    }
    deps(req).mailer?.kick();
    req.session.flash = action === 'role'
      ? { kind: 'success', key: 'contacts.flash.roleChanged', params: { name: result.name, role: res.locals.t(`contacts.roles.${role}`) } }
      : { kind: 'success', key: 'contacts.flash.deactivated', params: { name: result.name } };
    res.redirect(303, `/clientes/${customer.id}/contactos`);
  });

  return router;
}

/** For /ajustes: the customers whose contacts this user manages (their own as holder or representative). */
export async function customersWithContactsPage(req: Request): Promise<{ id: number; name: string }[]> {
  const access = await userAccess(req);
  const ids = [...new Set(access.links.filter((l) => l.status === 'active').map((l) => l.customerId))].filter((id) => access.to(id).manageContacts);
  return (await findCustomersByIds(deps(req).db.knex, ids)).map((c) => ({ id: Number(c.id), name: c.name }));
}
