import type { LinkRole, LinkStatus } from './access';
import { classifyTaxId, normalizeId } from './ids';
import { DEFAULT_UPLOAD_POLICY, type UploadPolicy } from './documents';

/**
 * Change of a company's representative (DESIGN.md §4 rule 20, seeds 001/002): who may ask,
 * what the form must say, and what approval does to the customer's links. Pure.
 */

/** The documents that name the representative (seed 002). */
export const REPRESENTATIVE_DOCUMENT_TYPES = ['escritura_constitucion', 'poder_notarial'] as const;
export type RepresentativeDocumentType = (typeof REPRESENTATIVE_DOCUMENT_TYPES)[number];

/** What happens to the representative being replaced: the roles swap, or they leave. */
export const PREVIOUS_OUTCOMES = ['authorized_full', 'revoke'] as const;
export type PreviousOutcome = (typeof PREVIOUS_OUTCOMES)[number];

export const MIN_DOCUMENTS = 1;
export const MAX_DOCUMENTS = 5;

/** Up to 5 documents (issue 6 item 6): escritura de constitución, poder notarial… */
export const REPRESENTATIVE_POLICY: UploadPolicy = { ...DEFAULT_UPLOAD_POLICY, maxFiles: MAX_DOCUMENTS };

/** Individuals are their own holders: only companies and communities have a representative. */
export function hasRepresentative(kind: 'individual' | 'company' | 'community'): boolean {
  return kind !== 'individual';
}

export function isDocumentType(v: unknown): v is RepresentativeDocumentType {
  return typeof v === 'string' && (REPRESENTATIVE_DOCUMENT_TYPES as readonly string[]).includes(v);
}

/** A representative is a natural person with a Spanish NIF or NIE (never a CIF or a passport). */
export function representativeNif(raw: string): string | null {
  const id = classifyTaxId(normalizeId(raw));
  return id && (id.kind === 'nif' || id.kind === 'nie') ? id.value : null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An active contact of the customer who could become its representative. */
export interface Candidate {
  linkId: number;
  userId: number;
  loginId: string;
  name: string;
  email: string;
}

export interface RepresentativeChangeForm {
  /** `contact:<linkId>` or `new`. */
  choice: string;
  nif: string;
  name: string;
  email: string;
  documentType: string;
  previous: string;
}

export interface ProposedRepresentative {
  nif: string;
  name: string;
  email: string;
  /** The chosen contact's user; a new person's user is looked up at approval time. */
  userId: number | null;
  documentType: RepresentativeDocumentType;
  previous: PreviousOutcome;
}

export type ChangeField = 'choice' | 'nif' | 'name' | 'email' | 'documentType' | 'previous';
export type ChangeErrorCode = 'required' | 'nif' | 'same_as_current' | 'unknown_contact' | 'email' | 'name';

export type ChangeValidation =
  | { ok: true; value: ProposedRepresentative }
  | { ok: false; errors: { field: ChangeField; code: ChangeErrorCode }[] };

export function validateRepresentativeChange(
  form: RepresentativeChangeForm, ctx: { contacts: readonly Candidate[]; currentNif: string | null },
): ChangeValidation {
  const errors: { field: ChangeField; code: ChangeErrorCode }[] = [];
  let proposed: Omit<ProposedRepresentative, 'documentType' | 'previous'> | null = null;
  const contactMatch = /^contact:(\d+)$/.exec(form.choice);
  if (contactMatch) {
    const c = ctx.contacts.find((x) => x.linkId === Number(contactMatch[1]));
    if (!c) errors.push({ field: 'choice', code: 'unknown_contact' });
    else proposed = { nif: c.loginId, name: c.name, email: c.email, userId: c.userId };
  } else if (form.choice === 'new') {
    const nif = representativeNif(form.nif);
    const name = form.name.replace(/\s+/g, ' ').trim();
    const email = form.email.trim();
    if (!form.nif.trim()) errors.push({ field: 'nif', code: 'required' });
    else if (!nif) errors.push({ field: 'nif', code: 'nif' });
    if (!name) errors.push({ field: 'name', code: 'required' });
    else if (name.length < 3 || name.length > 200) errors.push({ field: 'name', code: 'name' });
    if (!email) errors.push({ field: 'email', code: 'required' });
    else if (email.length > 254 || !EMAIL.test(email)) errors.push({ field: 'email', code: 'email' });
    if (nif && name && email) proposed = { nif, name, email, userId: null };
  } else {
    errors.push({ field: 'choice', code: 'required' });
  }
  if (proposed && ctx.currentNif && proposed.nif === normalizeId(ctx.currentNif)) {
    errors.push({ field: contactMatch ? 'choice' : 'nif', code: 'same_as_current' });
  }
  if (!isDocumentType(form.documentType)) errors.push({ field: 'documentType', code: 'required' });
  const previous = (PREVIOUS_OUTCOMES as readonly string[]).includes(form.previous) ? (
    form.previous as PreviousOutcome
  ) : null;
  if (!previous) errors.push({ field: 'previous', code: 'required' });
  if (errors.length || !proposed || !previous) return { ok: false, errors };
  return { ok: true, value: { ...proposed, documentType: form.documentType as RepresentativeDocumentType, previous } };
}

/** A live (not revoked) link of the customer, as approval sees it. */
export interface CustomerLink {
  linkId: number;
  userId: number;
  role: LinkRole;
  status: LinkStatus;
}

export type LinkChange =
  | { kind: 'set_role'; linkId: number; userId: number; role: LinkRole }
  | { kind: 'insert'; userId: number; role: LinkRole }
  | { kind: 'revoke'; linkId: number; userId: number };

/**
 * What approval does to the links: the new person's user (if registered) becomes the
 * representative — upgrading a contact link, or activating an invitation — and whoever held
 * the representative role becomes a total contact or loses access, as the request says.
 */
export function planRepresentativeApproval(
  input: { links: readonly CustomerLink[]; newUserId: number | null; previous: PreviousOutcome },
): LinkChange[] {
  const changes: LinkChange[] = [];
  for (const l of input.links) {
    if (l.status === 'revoked') continue;
    if (l.userId === input.newUserId) {
      if (l.role !== 'representative' || l.status !== 'active') {
        changes.push({ kind: 'set_role', linkId: l.linkId, userId: l.userId, role: 'representative' });
      }
    } else if (l.role === 'representative') {
      changes.push(
        input.previous === 'revoke' ? { kind: 'revoke', linkId: l.linkId, userId: l.userId } : {
          kind: 'set_role', linkId: l.linkId, userId: l.userId, role: 'authorized_full',
        },
      );
    }
  }
  if (input.newUserId !== null && !input.links.some((l) => l.status !== 'revoked' && l.userId === input.newUserId)) {
    changes.push({ kind: 'insert', userId: input.newUserId, role: 'representative' });
  }
  return changes;
}

/** A user account can take the representative role unless it was disabled (e.g. an old CIF login). */
export function canBecomeRepresentative(user: { status: string } | undefined): boolean {
  return !!user && user.status !== 'disabled';
}
