/**
 * Authorised contacts (seed 001 "contactos autorizados", DESIGN.md §4 rules 18–19): who may be
 * added to a customer, which changes a link allows, and when an invitation is still usable.
 * Pure: the caller loads the links and the invitation, this decides.
 */
import type { LinkRole, LinkStatus } from './access';
import { classifyLoginId, normalizeId } from './ids';

/** The two roles a holder or representative hands out; the others come from proof of identity. */
export type ContactRole = 'authorized_full' | 'authorized_read';
export const CONTACT_ROLES: readonly ContactRole[] = ['authorized_full', 'authorized_read'];

export function isContactRole(v: unknown): v is ContactRole {
  return typeof v === 'string' && (CONTACT_ROLES as readonly string[]).includes(v);
}

/** Holder and representative links are changed by a verified request, never on this page. */
export function isProtectedRole(role: LinkRole): boolean {
  return role === 'holder' || role === 'representative';
}

export type ContactIdResult = { ok: true; value: string } | { ok: false; reason: 'required' | 'cif' | 'format' };

/**
 * A contact is a person who will log in with a NIF or NIE. A CIF is refused with its own
 * reason (a company is appointed as external manager, not as a contact); passports are refused
 * because they carry no check letter, so a typo would invite a stranger.
 */
export function parseContactId(raw: string): ContactIdResult {
  const id = classifyLoginId(raw);
  if (id.ok) return id.kind === 'passport' ? { ok: false, reason: 'format' } : { ok: true, value: id.value };
  if (id.reason === 'required') return { ok: false, reason: 'required' };
  return { ok: false, reason: id.reason === 'cif' ? 'cif' : 'format' };
}

export function sameId(a: string, b: string): boolean {
  const x = normalizeId(a);
  return x !== '' && x === normalizeId(b);
}

export type AddRefusal = 'self' | 'already_contact' | 'is_representative';

/**
 * Contacts get the two roles above; 'representative' invitations are issued by an
 * administrator approving a gestoría or a change of representative (the person has no user
 * and no contract data to register with), so nobody on the customer's side handles them.
 */
export type InvitationRole = ContactRole | 'representative';

export interface AddContactFacts {
  /** The login id of whoever adds the contact. */
  actorLoginId: string;
  /** The contact's NIF/NIE, already parsed. */
  nif: string;
  /** The live (not revoked) link that a user with that NIF already has on the customer, if any. */
  existingLink: { role: LinkRole; status: LinkStatus } | null;
  /** The role of a pending invitation of that NIF to the customer, if any. */
  pendingInvitationRole?: InvitationRole | null;
}

export type Decision<T extends string> = { ok: true } | { ok: false; reason: T };

export function addContactDecision(f: AddContactFacts): Decision<AddRefusal> {
  if (sameId(f.actorLoginId, f.nif)) return { ok: false, reason: 'self' };
  const link = f.existingLink;
  if (link && link.status !== 'revoked') {
    return { ok: false, reason: isProtectedRole(link.role) ? 'is_representative' : 'already_contact' };
  }
  // inviting them as a contact would replace the representative's invitation
  if (f.pendingInvitationRole === 'representative') return { ok: false, reason: 'is_representative' };
  return { ok: true };
}

export type ChangeRefusal = 'protected' | 'revoked' | 'unchanged' | 'invalid_role' | 'self';

export interface LinkFacts {
  role: LinkRole;
  status: LinkStatus;
  userId: number;
}

export function roleChangeDecision(link: LinkFacts, newRole: unknown, actorUserId: number): Decision<ChangeRefusal> {
  if (link.userId === actorUserId) return { ok: false, reason: 'self' };
  if (isProtectedRole(link.role)) return { ok: false, reason: 'protected' };
  if (link.status === 'revoked') return { ok: false, reason: 'revoked' };
  if (!isContactRole(newRole)) return { ok: false, reason: 'invalid_role' };
  if (newRole === link.role) return { ok: false, reason: 'unchanged' };
  return { ok: true };
}

export function deactivationDecision(
  link: LinkFacts, actorUserId: number,
): Decision<Exclude<ChangeRefusal, 'unchanged' | 'invalid_role'>> {
  if (link.userId === actorUserId) return { ok: false, reason: 'self' };
  if (isProtectedRole(link.role)) return { ok: false, reason: 'protected' };
  if (link.status === 'revoked') return { ok: false, reason: 'revoked' };
  return { ok: true };
}

// Long enough for someone away for a week; the holder can invite again at any time.
export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

// Nobody on the customer's side can send a representative's invitation again: a month.
export const REPRESENTATIVE_INVITATION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

export function invitationExpiry(now: Date, role: InvitationRole = 'authorized_read'): Date {
  return new Date(
    now.getTime() + (role === 'representative' ? REPRESENTATIVE_INVITATION_LIFETIME_MS : INVITATION_LIFETIME_MS),
  );
}

/** Cancel and resend are for the contacts the page's user invited, not for a representative. */
export function invitationActionDecision(role: InvitationRole): Decision<'protected'> {
  return role === 'representative' ? { ok: false, reason: 'protected' } : { ok: true };
}

export type InvitationStatus = 'pending' | 'accepted' | 'cancelled';
export type InvitationState = 'valid' | 'expired' | 'accepted' | 'cancelled' | 'unknown';

/** Valid up to and including `expiresAt`; "already used" wins over "expired", as for other links. */
export function invitationState(inv: { status: InvitationStatus; expiresAt: Date } | null, now: Date): InvitationState {
  if (inv === null) return 'unknown';
  if (inv.status === 'accepted') return 'accepted';
  if (inv.status === 'cancelled') return 'cancelled';
  return now.getTime() > inv.expiresAt.getTime() ? 'expired' : 'valid';
}

/** What the contacts list shows in its status column. */
export type ContactStatus = 'active' | 'invited' | 'expired' | 'deactivated';

export function linkStatusShown(status: LinkStatus): ContactStatus {
  return status === 'revoked' ? 'deactivated' : status === 'invited' ? 'invited' : 'active';
}

export function invitationStatusShown(
  inv: { status: InvitationStatus; expiresAt: Date }, now: Date,
): ContactStatus | null {
  const state = invitationState(inv, now);
  return state === 'valid' ? 'invited' : state === 'expired' ? 'expired' : null;
}
