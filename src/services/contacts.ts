import type { Knex } from 'knex';
import type { Config } from '../config';
import { translator, isLanguage, DEFAULT_LANGUAGE } from '../i18n';
import {
  addContactDecision, deactivationDecision, invitationActionDecision, invitationExpiry, invitationState,
  invitationStatusShown, isProtectedRole,
  linkStatusShown, roleChangeDecision, sameId,
  type AddRefusal, type ChangeRefusal, type ContactRole, type ContactStatus, type InvitationRole, type InvitationState,
} from '../domain/contacts';
import {
  contactsOfCustomer, findCustomerLinkForUpdate, insertContactLink, liveLink, revokeLink, updateLinkRole,
  type ContactRow,
} from '../data/links-repo';
import { findCustomersByIds } from '../data/customers-repo';
import {
  cancelInvitation, cancelRepresentativeInvitations, findCustomerInvitationForUpdate, findInvitationByHash,
  insertInvitation, markInvitationAccepted, pendingInvitationFor,
  pendingInvitations,
  type InvitationRow,
} from '../data/invitations-repo';
import { findUserById, findUserByLoginId, insertUser, updateUser } from '../data/users-repo';
import { audit } from '../data/audit-repo';
import { hashPassword } from '../adapters/passwords';
import { hashToken, newToken } from '../adapters/tokens';
import { queueMail } from '../adapters/mail/outbox';
import { overLimit, THROTTLES } from './throttle';
import type { AccountCtx } from './account-context';

export interface ContactActor {
  userId: number;
  loginId: string;
  firstName: string;
  lastName: string;
  ip: string;
}

export interface ContactCustomer { id: number; name: string }

export interface NewContact {
  nif: string;
  email: string;
  firstName: string;
  lastName: string;
  role: ContactRole;
}

function roleText(lang: string, role: ContactRole): string {
  return translator(isLanguage(lang) ? lang : DEFAULT_LANGUAGE)(`contacts.roles.${role}`);
}

const fullName = (a: { firstName: string; lastName: string }) => `${a.firstName} ${a.lastName}`.trim();

async function mailContact(
  trx: Knex, to: { id: number; email: string; first_name: string; language: string }, template: string,
  customer: ContactCustomer, actor: ContactActor, role: ContactRole | null, config: Config,
): Promise<void> {
  await queueMail(trx, {
    to: to.email, lang: to.language, template, userId: to.id, customerId: customer.id,
    params: {
      name: to.first_name, grantor: fullName(actor), company: customer.name,
      role: role ? roleText(to.language, role) : '',
    },
    ...(template === 'contact_deactivated' ? {} : { actionUrl: `${config.publicUrl}/` }),
  });
}

/** A fresh token replaces any pending invitation of the same person to the same customer. */
async function issueInvitation(
  trx: Knex, customer: ContactCustomer, c: NewContact, actor: ContactActor, lang: string, now: Date, config: Config,
): Promise<{ id: number; replaced: boolean }> {
  const pending = await pendingInvitationFor(trx, customer.id, c.nif);
  if (pending) await cancelInvitation(trx, pending.id, now);
  const { token, hash } = newToken();
  const id = await insertInvitation(
    trx,
    {
      customerId: customer.id, nif: c.nif, email: c.email, firstName: c.firstName, lastName: c.lastName, role: c.role,
      tokenHash: hash, expiresAt: invitationExpiry(now), invitedBy: actor.userId, now,
    },
  );
  // Nothing the inviter typed goes into the email (the names could carry any text): the
  // greeting is plain, and the rest comes from the grantor's account and the customer's record.
  await queueMail(trx, {
    to: c.email, lang, template: 'contact_invited', customerId: customer.id,
    params: { name: '', grantor: fullName(actor), company: customer.name, role: roleText(lang, c.role) },
    actionUrl: `${config.publicUrl}/registro/invitacion?token=${token}`,
  });
  return { id, replaced: pending !== undefined };
}

export type AddResult =
  | { kind: 'linked'; name: string }
  | { kind: 'invited'; email: string }
  | { kind: 'refused'; reason: AddRefusal | 'throttled' | 'unproven_user' };

/**
 * Someone who already has a user gets access at once (and an email saying who granted it, sent
 * to the address on their account, not the one typed); anyone else gets an invitation.
 * `lang` is the language of the invitation email: the granting user's, the only one known.
 */
async function addContactTx(
  trx: Knex.Transaction, customer: ContactCustomer, c: NewContact, actor: ContactActor, lang: string, now: Date,
  config: Config,
): Promise<AddResult> {
  const existing = await findUserByLoginId(trx, c.nif);
  const link = existing ? await liveLink(trx, existing.id, customer.id) : undefined;
  const pending = await pendingInvitationFor(trx, customer.id, c.nif);
  const decision = addContactDecision(
    {
      actorLoginId: actor.loginId, nif: c.nif, existingLink: link ?? null, pendingInvitationRole: pending?.role ?? null,
    },
  );
  if (!decision.ok) return { kind: 'refused', reason: decision.reason };
  // A user created from someone else's invitation has proved only the mailbox that inviter
  // typed: it gets another customer's data only when this inviter names that same mailbox.
  if (existing && !existing.identity_proven && existing.email.toLowerCase() !== c.email.toLowerCase()) {
    await audit(
      trx,
      {
        actorType: 'user', actorId: actor.userId, customerId: customer.id, action: 'contact.refused_unproven',
        targetType: 'user', targetId: existing.id, ip: actor.ip, at: now,
      },
    );
    return { kind: 'refused', reason: 'unproven_user' };
  }

  if (existing) {
    const linkId = await insertContactLink(
      trx, { userId: existing.id, customerId: customer.id, role: c.role, grantedBy: actor.userId, now },
    );
    if (pending) await cancelInvitation(trx, pending.id, now);
    await audit(
      trx,
      {
        actorType: 'user', actorId: actor.userId, customerId: customer.id, action: 'contact.added',
        targetType: 'customer_link', targetId: linkId, ip: actor.ip, at: now,
        details: { userId: existing.id, role: c.role },
      },
    );
    await mailContact(trx, existing, 'contact_added', customer, actor, c.role, config);
    return { kind: 'linked', name: `${existing.first_name} ${existing.last_name}` };
  }
  const inv = await issueInvitation(trx, customer, c, actor, lang, now, config);
  await audit(
    trx,
    {
      actorType: 'user', actorId: actor.userId, customerId: customer.id, action: 'contact.invited',
      targetType: 'contact_invitation', targetId: inv.id, ip: actor.ip, at: now,
      details: { role: c.role, replaced: inv.replaced },
    },
  );
  return { kind: 'invited', email: c.email };
}

export type ChangeResult = { ok: true; name: string } | { ok: false; reason: ChangeRefusal | 'not_found' };

/** Takes effect on the contact's next request: access is loaded from the links on every request. */
async function changeContactRoleTx(
  trx: Knex.Transaction, customer: ContactCustomer, linkId: number, role: unknown, actor: ContactActor, now: Date,
  config: Config,
): Promise<ChangeResult> {
  const link = await findCustomerLinkForUpdate(trx, customer.id, linkId);
  if (!link) return { ok: false, reason: 'not_found' };
  const decision = roleChangeDecision(
    { role: link.role, status: link.status, userId: link.user_id }, role, actor.userId,
  );
  if (!decision.ok) return decision;
  const newRole = role as ContactRole;
  await updateLinkRole(trx, link.id, newRole);
  await audit(
    trx,
    {
      actorType: 'user', actorId: actor.userId, customerId: customer.id, action: 'contact.role_changed',
      targetType: 'customer_link', targetId: link.id, ip: actor.ip, at: now,
      details: { userId: link.user_id, from: link.role, to: newRole },
    },
  );
  const user = (await findUserById(trx, link.user_id))!;
  await mailContact(trx, user, 'contact_role_changed', customer, actor, newRole, config);
  return { ok: true, name: `${user.first_name} ${user.last_name}` };
}

async function deactivateContactTx(
  trx: Knex.Transaction, customer: ContactCustomer, linkId: number, actor: ContactActor, now: Date, config: Config,
): Promise<ChangeResult> {
  const link = await findCustomerLinkForUpdate(trx, customer.id, linkId);
  if (!link) return { ok: false, reason: 'not_found' };
  const decision = deactivationDecision({ role: link.role, status: link.status, userId: link.user_id }, actor.userId);
  if (!decision.ok) return decision;
  await revokeLink(trx, link.id, now);
  await audit(
    trx,
    {
      actorType: 'user', actorId: actor.userId, customerId: customer.id, action: 'contact.deactivated',
      targetType: 'customer_link', targetId: link.id, ip: actor.ip, at: now,
      details: { userId: link.user_id, role: link.role },
    },
  );
  const user = (await findUserById(trx, link.user_id))!;
  await mailContact(trx, user, 'contact_deactivated', customer, actor, null, config);
  return { ok: true, name: `${user.first_name} ${user.last_name}` };
}

export type InvitationActionResult =
  | { ok: true; email: string }
  | { ok: false; reason: 'not_found' | 'not_pending' | 'protected' | 'throttled' };

/** Cancel, or send again with a new link and a new week (the old link stops working). */
async function actOnInvitationTx(
  trx: Knex.Transaction, customer: ContactCustomer, invitationId: number, action: 'cancel' | 'resend',
  actor: ContactActor, lang: string, now: Date, config: Config,
): Promise<InvitationActionResult> {
  const inv = await findCustomerInvitationForUpdate(trx, customer.id, invitationId);
  if (!inv) return { ok: false, reason: 'not_found' };
  if (inv.status !== 'pending') return { ok: false, reason: 'not_pending' };
  const allowed = invitationActionDecision(inv.role);
  if (!allowed.ok) return allowed;
  if (action === 'cancel') {
    await cancelInvitation(trx, inv.id, now);
    await audit(
      trx,
      {
        actorType: 'user', actorId: actor.userId, customerId: customer.id, action: 'contact.invitation_cancelled',
        targetType: 'contact_invitation', targetId: inv.id, ip: actor.ip, at: now,
      },
    );
  } else {
    const next = await issueInvitation(
      trx, customer,
      {
        nif: inv.nif, email: inv.email, firstName: inv.first_name, lastName: inv.last_name,
        role: inv.role as ContactRole,
      },
      actor, lang, now, config,
    );
    await audit(
      trx,
      {
        actorType: 'user', actorId: actor.userId, customerId: customer.id, action: 'contact.invited',
        targetType: 'contact_invitation', targetId: next.id, ip: actor.ip, at: now,
        details: { role: inv.role, replaced: true },
      },
    );
  }
  return { ok: true, email: inv.email };
}

export interface RepresentativeInvitee {
  customerId: number;
  nif: string;
  email: string;
  /** What the request gave: a full name goes in firstName with lastName empty, or nothing at all. */
  firstName: string;
  lastName: string;
}

/**
 * An administrator's approval names a representative who has no user: the approval email
 * carries this link (the caller sends it) instead of pointing to the business registration,
 * which needs contract data a gestoría that buys no energy from us does not have. Any earlier
 * representative invitation of the customer, or pending one of the same person, is replaced.
 */
export async function issueRepresentativeInvitation(
  trx: Knex, r: RepresentativeInvitee, staff: { id: number | null }, now: Date, config: Config,
): Promise<{ id: number; url: string }> {
  await cancelRepresentativeInvitations(trx, r.customerId, now);
  const pending = await pendingInvitationFor(trx, r.customerId, r.nif);
  if (pending) await cancelInvitation(trx, pending.id, now);
  const { token, hash } = newToken();
  const role: InvitationRole = 'representative';
  const id = await insertInvitation(trx, {
    customerId: r.customerId, nif: r.nif, email: r.email, firstName: r.firstName, lastName: r.lastName, role,
    tokenHash: hash, expiresAt: invitationExpiry(now, role), invitedBy: null, now,
  });
  await audit(
    trx,
    {
      actorType: 'staff', actorId: staff.id, customerId: r.customerId, action: 'representative.invited',
      targetType: 'contact_invitation', targetId: id, at: now, details: { replaced: pending !== undefined },
    },
  );
  return { id, url: `${config.publicUrl}/registro/invitacion?token=${token}` };
}

export interface OpenInvitation {
  state: InvitationState;
  /** Known also for a used or expired invitation, so the page can say whom to ask. */
  role?: InvitationRole;
  invitation?: InvitationRow;
  customerName?: string;
  grantorName?: string;
  /** A user with the invited NIF exists already: accepting only links them. */
  userExists?: boolean;
}

/** Read-only, for the page the emailed link opens. */
export async function openInvitation(ctx: AccountCtx, token: unknown): Promise<OpenInvitation> {
  const { db, now } = ctx;
  if (typeof token !== 'string' || token.length < 20 || token.length > 100) return { state: 'unknown' };
  const inv = await findInvitationByHash(db, hashToken(token));
  const state = invitationState(inv ? { status: inv.status, expiresAt: inv.expires_at } : null, now);
  if (state !== 'valid' || !inv) return inv ? { state, role: inv.role } : { state };
  const customer = await db('customers').where({ id: inv.customer_id }).first('name');
  const grantor = inv.invited_by ? await findUserById(db, inv.invited_by) : undefined;
  const user = await findUserByLoginId(db, inv.nif);
  return {
    state, role: inv.role, invitation: inv, customerName: customer?.name ?? '',
    grantorName: grantor ? `${grantor.first_name} ${grantor.last_name}` : '', userExists: user !== undefined,
  };
}

export interface InvitedAccount {
  nif: string;
  firstName: string;
  lastName: string;
  password: string;
  language: 'es' | 'ca';
  ip: string;
}

export type AcceptResult =
  | { kind: 'created'; userId: number; customerName: string }
  | { kind: 'linked_existing'; userId: number; customerName: string }
  | { kind: 'nif_mismatch' }
  | { kind: 'invalid'; state: InvitationState };

/**
 * Single use: the invitation row is locked and marked accepted in the same transaction. The
 * account is created active because following the emailed link proved the address, but with
 * an unproven identity: it reaches only the customers it is invited to, and a registration
 * with contract data never attaches anything else to it (see services/registration). A person
 * who registered meanwhile by other means is only linked (their password is not touched).
 */
async function acceptInvitationTx(
  trx: Knex.Transaction, token: unknown, a: InvitedAccount | null, now: Date, config: Config,
): Promise<AcceptResult> {
  if (typeof token !== 'string' || token.length < 20 || token.length > 100) {
    return { kind: 'invalid', state: 'unknown' };
  }
  const inv = await findInvitationByHash(trx, hashToken(token), true);
  const state = invitationState(inv ? { status: inv.status, expiresAt: inv.expires_at } : null, now);
  if (state !== 'valid' || !inv) return { kind: 'invalid', state };
  const customer = await trx('customers').where({ id: inv.customer_id }).forUpdate().first(
    'name', 'representative_nif',
  );
  const customerName: string = customer?.name ?? '';
  // a later change of representative voids it even if nobody cancelled the row
  if (inv.role === 'representative' && !sameId(customer?.representative_nif ?? '', inv.nif)) {
    return { kind: 'invalid', state: 'cancelled' };
  }

  const existing = await findUserByLoginId(trx, inv.nif);
  let userId: number;
  let kind: 'created' | 'linked_existing';
  if (existing) {
    userId = existing.id;
    kind = 'linked_existing';
  } else {
    if (!a) return { kind: 'invalid', state: 'unknown' };
    if (!sameId(a.nif, inv.nif)) return { kind: 'nif_mismatch' };
    userId = await insertUser(trx, {
      loginId: inv.nif, firstName: a.firstName, lastName: a.lastName, email: inv.email,
      passwordHash: await hashPassword(a.password, config.argon2), status: 'active', language: a.language, now,
      // following the link proved the mailbox the inviter typed, not who holds the NIF
      identityProven: false,
    });
    await updateUser(trx, userId, { email_verified_at: now }, now);
    kind = 'created';
  }
  // whoever registered meanwhile may already hold a live link; one live link per person
  const live = await liveLink(trx, userId, inv.customer_id);
  const linkId = live ? live.id : await insertContactLink(
    trx, { userId, customerId: inv.customer_id, role: inv.role, grantedBy: inv.invited_by, now },
  );
  // a contact who is now the representative on file takes the role the documents gave them
  if (live && inv.role === 'representative' && live.role !== 'representative' && live.role !== 'holder') {
    await updateLinkRole(trx, live.id, 'representative');
  }
  await markInvitationAccepted(trx, inv.id, userId, now);
  await audit(trx, {
    actorType: 'user', actorId: userId, customerId: inv.customer_id, action: 'contact.invitation_accepted',
    targetType: 'contact_invitation', targetId: inv.id,
    ip: a?.ip ?? null, at: now, details: {
      linkId, role: inv.role, newUser: kind === 'created', alreadyLinked: live !== undefined,
    },
  });
  return { kind, userId, customerName };
}

/** The customer whose contacts are managed; the guard has checked the user may manage them. */
export async function contactCustomer(ctx: AccountCtx, customerId: number): Promise<ContactCustomer | undefined> {
  const [c] = await findCustomersByIds(ctx.db, [customerId]);
  return c ? { id: Number(c.id), name: c.name } : undefined;
}

export interface ContactsView {
  contacts: (ContactRow & { shown: ContactStatus; locked: boolean; sinceAt: Date })[];
  invitations: (InvitationRow & { shown: ContactStatus; sinceAt: Date; untilAt: Date })[];
}

/** The contacts page: live and past links, and invitations still worth showing. */
export async function contactsView(ctx: AccountCtx, customerId: number, viewerId: number): Promise<ContactsView> {
  const contacts = (await contactsOfCustomer(ctx.db, customerId)).map((c) => ({
    ...c, shown: linkStatusShown(c.status), locked: isProtectedRole(c.role) || c.user_id === viewerId,
    sinceAt: c.status === 'revoked' && c.revoked_at ? c.revoked_at : c.granted_at,
  }));
  const invitations = (await pendingInvitations(ctx.db, customerId))
    .map(
      (i) => (
        {
          ...i, shown: invitationStatusShown({ status: i.status, expiresAt: i.expires_at }, ctx.now),
          sinceAt: i.created_at, untilAt: i.expires_at,
        }
      ),
    )
    .filter((i): i is typeof i & { shown: ContactStatus } => i.shown !== null);
  return { contacts, invitations };
}

/** One contact of the customer, for the deactivation confirmation page. */
export async function contactOf(ctx: AccountCtx, customerId: number, linkId: number): Promise<ContactRow | undefined> {
  return (await contactsOfCustomer(ctx.db, customerId)).find((c) => Number(c.link_id) === linkId);
}

/**
 * Invitations are limited per inviter and per invited NIF, whoever invites it, so the form
 * cannot be used to send mail in bulk or to flood one person.
 */
export async function addContact(
  ctx: AccountCtx, customer: ContactCustomer, c: NewContact, actor: ContactActor, lang: string,
): Promise<AddResult> {
  const byInviter = await overLimit(ctx.db, THROTTLES.inviteByInviter, String(actor.userId), ctx.now);
  const toTarget = await overLimit(ctx.db, THROTTLES.inviteToTarget, c.nif, ctx.now);
  if (byInviter || toTarget) return { kind: 'refused', reason: 'throttled' };
  return ctx.db.transaction((trx) => addContactTx(trx, customer, c, actor, lang, ctx.now, ctx.config));
}

export function changeContactRole(
  ctx: AccountCtx, customer: ContactCustomer, linkId: number, role: unknown, actor: ContactActor,
): Promise<ChangeResult> {
  return ctx.db.transaction((trx) => changeContactRoleTx(trx, customer, linkId, role, actor, ctx.now, ctx.config));
}

export function deactivateContact(
  ctx: AccountCtx, customer: ContactCustomer, linkId: number, actor: ContactActor,
): Promise<ChangeResult> {
  return ctx.db.transaction((trx) => deactivateContactTx(trx, customer, linkId, actor, ctx.now, ctx.config));
}

/** A resend is an invitation like any other and counts against the same limits. */
export async function actOnInvitation(
  ctx: AccountCtx, customer: ContactCustomer, invitationId: number, action: 'cancel' | 'resend', actor: ContactActor,
  lang: string,
): Promise<InvitationActionResult> {
  if (action === 'resend' && (await overLimit(ctx.db, THROTTLES.inviteByInviter, String(actor.userId), ctx.now))) {
    return { ok: false, reason: 'throttled' };
  }
  return ctx.db.transaction(
    (trx) => actOnInvitationTx(trx, customer, invitationId, action, actor, lang, ctx.now, ctx.config),
  );
}

export function acceptInvitation(ctx: AccountCtx, token: unknown, a: InvitedAccount | null): Promise<AcceptResult> {
  return ctx.db.transaction((trx) => acceptInvitationTx(trx, token, a, ctx.now, ctx.config));
}
