import type { Knex } from 'knex';
import type { Config } from '../config';
import type { Access } from '../domain/access';
import { DomainError } from '../domain/errors';
import {
  canBecomeRepresentative, hasRepresentative, planRepresentativeApproval, validateRepresentativeChange, type Candidate,
  type LinkChange, type PreviousOutcome,
  type ProposedRepresentative, type RepresentativeChangeForm, type RepresentativeDocumentType,
} from '../domain/representative-change';
import { normalizeId } from '../domain/ids';
import { findCustomerByTaxId, type CustomerRow } from '../data/customers-repo';
import type { UseCaseContext } from './context';
import { insertDocuments } from '../data/documents-repo';
import { findRequest, lockRequest } from '../data/requests-repo';
import { findUserByLoginId } from '../data/users-repo';
import { audit } from '../data/audit-repo';
import {
  addLink, findCustomer, liveLinksOfCustomer, lockCustomer, openRequestOfType, revokeLink, setLinkRole,
  setRepresentativeNif, type CustomerLinkRow,
} from '../data/representative-repo';
import { changeRequestStatus, createRequest, type Actor } from './requests';
import { queueMail } from '../adapters/mail/outbox';
import { issueRepresentativeInvitation } from './contacts';
import { cancelRepresentativeInvitations } from '../data/invitations-repo';
import type { AcceptedFile } from '../adapters/uploads';
import { isLanguage, translator } from '../i18n';

export interface Staff { id: number | null }

/** No entitlement on the customer: a person claiming to be its representative (seed 002). */
export const NO_ACCESS: Access = { read: false, act: false, manageContacts: false, via: null };

/** Keeps the accepted files of a request and leaves an audit row for each. */
export async function attachDocuments(
  trx: Knex, customerId: number, request: { id: number; reference: string }, files: readonly AcceptedFile[],
  actor: Actor, now: Date,
): Promise<void> {
  const ids = await insertDocuments(trx, files.map((f) => ({
    customerId, requestId: request.id, uploadedBy: actor.userId, fileName: f.name, mimeType: f.mime, sizeBytes: f.size,
    sha256: f.sha256, content: f.content, createdAt: now,
  })));
  for (const [i, id] of ids.entries()) {
    const f = files[i]!;
    await audit(trx, {
      actorType: 'user', actorId: actor.userId, customerId, action: 'document.uploaded', targetType: 'document',
      targetId: id, ip: actor.ip, at: now,
      details: { requestId: request.id, reference: request.reference, mime: f.mime, size: f.size, sha256: f.sha256 },
    });
  }
}

export type SubmitResult =
  | { ok: true; id: number; reference: string }
  | { ok: false; reason: 'open_exists'; reference: string };

/**
 * A representative change waiting for an administrator, with its documents. One open change per
 * customer: the customer row is locked so that two submissions cannot both pass the check.
 * `generic` requests (from someone not on file) send no request email: the caller answers the
 * same whatever the CIF.
 */
export async function submitRepresentativeChange(trx: Knex.Transaction, input: {
  customerId: number; proposal: ProposedRepresentative; files: readonly AcceptedFile[];
  access: Access; generic: boolean;
}, actor: Actor, now: Date, config: Config): Promise<SubmitResult> {
  const customer = await lockCustomer(trx, input.customerId);
  if (!customer) throw new DomainError('not_found');
  const open = await openRequestOfType(trx, customer.id, 'representative_change');
  if (open) return { ok: false, reason: 'open_exists', reference: open.reference };
  const p = input.proposal;
  const r = await createRequest(trx, {
    type: 'representative_change', customerId: customer.id, access: input.access, notifyCreator: !input.generic,
    payload: {
      newRepresentativeNif: p.nif, newRepresentativeName: p.name, newRepresentativeEmail: p.email,
      documentType: p.documentType,
      previousRepresentative: p.previous, previousRepresentativeNif: customer.representative_nif ?? '',
      documents: input.files.length,
      origin: input.generic ? 'claim' : 'representative',
    },
  }, actor, now, config);
  await attachDocuments(trx, customer.id, r, input.files, actor, now);
  return { ok: true, ...r };
}

interface RepresentativePayload {
  newRepresentativeNif: string; newRepresentativeName: string; newRepresentativeEmail: string;
  previousRepresentative: PreviousOutcome;
}

async function openRequestOf(
  trx: Knex.Transaction, requestId: number, type: 'representative_change' | 'cif_migration',
) {
  const r = await lockRequest(trx, requestId);
  if (!r || r.type !== type) throw new DomainError('not_found');
  return r;
}

function lang(v: unknown): 'es' | 'ca' {
  return isLanguage(v) ? v : 'es';
}

async function applyLinkChange(
  trx: Knex.Transaction, customerId: number, c: LinkChange, staff: Staff, reference: string, now: Date,
): Promise<void> {
  if (c.kind === 'insert') await addLink(trx, { userId: c.userId, customerId, role: c.role, grantedBy: null, now });
  else if (c.kind === 'set_role') await setLinkRole(trx, c.linkId, c.role, null, now);
  else await revokeLink(trx, c.linkId, now);
  await audit(trx, {
    actorType: 'staff', actorId: staff.id, customerId,
    action: c.kind === 'revoke' ? 'link.revoked' : c.kind === 'insert' ? 'link.granted' : 'link.role_changed',
    targetType: 'user', targetId: c.userId, at: now, details: {
      reference, ...(c.kind === 'revoke' ? {} : { role: c.role }),
    },
  });
}

/**
 * An administrator approves: the representative on file becomes the new NIF, the new person's
 * user (if registered) gets the representative link and the previous representative becomes
 * a total contact (roles swap) or loses access. A new person without a user gets an invitation
 * in the approval email (the business registration, which matches the NIF on file, also works,
 * but needs contract data the new representative may not have). Both are told by email.
 */
export async function approveRepresentativeChange(
  trx: Knex.Transaction, requestId: number, staff: Staff, note: string | null, now: Date, config: Config,
): Promise<void> {
  const req = await openRequestOf(trx, requestId, 'representative_change');
  await changeRequestStatus(trx, requestId, 'completada', { type: 'staff', id: staff.id }, note, now, config);
  const p = req.payload as unknown as RepresentativePayload;
  const customer = await lockCustomer(trx, req.customer_id);
  if (!customer) throw new DomainError('not_found');
  const newUser = await findUserByLoginId(trx, p.newRepresentativeNif);
  const usable = canBecomeRepresentative(newUser) ? newUser! : undefined;
  const links = await liveLinksOfCustomer(trx, customer.id);
  const changes = planRepresentativeApproval({
    links: links.map((l) => ({ linkId: l.link_id, userId: l.user_id, role: l.role, status: l.status })),
    newUserId: usable?.id ?? null, previous: p.previousRepresentative,
  });
  const full = await findRequest(trx, requestId);
  const reference = full?.reference ?? '';
  for (const c of changes) await applyLinkChange(trx, customer.id, c, staff, reference, now);
  await setRepresentativeNif(trx, customer.id, p.newRepresentativeNif);
  await audit(trx, {
    actorType: 'staff', actorId: staff.id, customerId: customer.id, action: 'representative.changed',
    targetType: 'request', targetId: requestId, at: now,
    details: {
      reference, from: customer.representative_nif, to: p.newRepresentativeNif, previous: p.previousRepresentative,
      newUserId: usable?.id ?? null,
    },
  });

  // the new representative
  if (usable) {
    await cancelRepresentativeInvitations(trx, customer.id, now);
    await queueMail(trx, {
      to: usable.email, lang: usable.language, template: 'representative_appointed', userId: usable.id,
      customerId: customer.id,
      params: { name: usable.first_name, company: customer.name },
      actionUrl: `${config.publicUrl}/clientes/${customer.id}/contactos`,
    });
  } else {
    // the request has one name field: it is kept whole, and the registration asks for the parts
    const inv = await issueRepresentativeInvitation(trx, {
      customerId: customer.id, nif: p.newRepresentativeNif, email: p.newRepresentativeEmail, firstName: (
        p.newRepresentativeName ?? ''
      ).slice(0, 100), lastName: '',
    }, staff, now, config);
    await queueMail(trx, {
      to: p.newRepresentativeEmail, lang: 'es', template: 'representative_appointed_register', customerId: customer.id,
      params: { name: p.newRepresentativeName, company: customer.name, nif: p.newRepresentativeNif },
      actionUrl: inv.url,
    });
  }
  // whoever held the role until now
  for (const c of changes) {
    const previous = links.find((l) => l.user_id === c.userId && l.role === 'representative');
    if (!previous || c.userId === usable?.id) continue;
    const t = translator(lang(previous.language));
    await queueMail(trx, {
      to: previous.email, lang: previous.language,
      template: c.kind === 'revoke' ? 'representative_replaced_revoked' : 'representative_replaced',
      userId: previous.user_id, customerId: customer.id,
      params: {
        name: previous.first_name, company: customer.name, newName: p.newRepresentativeName,
        role: t('representative.roles.authorized_full'),
      }, actionUrl: `${config.publicUrl}/`,
    });
  }
}

/** An administrator refuses, with a reason the person who asked reads (in the email and the request). */
export async function rejectRepresentativeChange(
  trx: Knex.Transaction, requestId: number, staff: Staff, reason: string, now: Date, config: Config,
): Promise<void> {
  const req = await openRequestOf(trx, requestId, 'representative_change');
  await changeRequestStatus(trx, requestId, 'rechazada', { type: 'staff', id: staff.id }, reason, now, config);
  await audit(
    trx,
    {
      actorType: 'staff', actorId: staff.id, customerId: req.customer_id, action: 'representative.change_rejected',
      targetType: 'request', targetId: requestId, at: now,
    },
  );
}

// ---------------------------------------------------------------------------------------------
// The customer-facing use cases: the page, a change filed by whoever manages the contacts, and
// a claim by someone who is not on file yet (seed 002).

function candidatesOf(links: readonly CustomerLinkRow[]): Candidate[] {
  return links.filter(
    (l) => l.status === 'active' && l.role !== 'representative' && l.role !== 'holder' && l.user_status !== 'disabled',
  )
    .map(
      (l) => (
        {
          linkId: l.link_id, userId: l.user_id, loginId: l.login_id, name: `${l.first_name} ${l.last_name}`,
          email: l.email,
        }
      ),
    );
}

export interface RepresentativePage {
  customer: CustomerRow;
  /** Only companies and communities have a representative; individuals see why not. */
  applies: boolean;
  current: CustomerLinkRow[];
  candidates: Candidate[];
  open: Awaited<ReturnType<typeof openRequestOfType>>;
}

export async function representativePage(
  ctx: UseCaseContext, input: { customerId: number },
): Promise<RepresentativePage> {
  const customer = await findCustomer(ctx.db, input.customerId);
  if (!customer) throw new DomainError('not_found');
  if (!hasRepresentative(customer.kind)) {
    return { customer, applies: false, current: [], candidates: [], open: undefined };
  }
  const [links, open] = await Promise.all(
    [liveLinksOfCustomer(ctx.db, customer.id), openRequestOfType(ctx.db, customer.id, 'representative_change')],
  );
  return {
    customer, applies: true, current: links.filter((l) => l.role === 'representative'), candidates: candidatesOf(links),
    open,
  };
}

export type ChangeRequestResult =
  | { kind: 'created'; id: number; reference: string }
  | { kind: 'not_applicable'; page: RepresentativePage }
  | { kind: 'invalid'; page: RepresentativePage; errors: ChangeValidationError[] }
  | { kind: 'open_exists'; page: RepresentativePage; reference: string };

type ChangeValidationError = Extract<ReturnType<typeof validateRepresentativeChange>, { ok: false }>['errors'][number];

/**
 * A change of representative filed by whoever manages the customer's contacts, with its
 * documents (the caller has checked the files; `filesOk` false only reports the form's own errors).
 */
export async function requestRepresentativeChange(ctx: UseCaseContext, input: {
  customerId: number; access: Access; form: RepresentativeChangeForm; files: readonly AcceptedFile[]; filesOk: boolean;
}): Promise<ChangeRequestResult> {
  const page = await representativePage(ctx, input);
  if (!page.applies) return { kind: 'not_applicable', page };
  const check = validateRepresentativeChange(
    input.form, { contacts: page.candidates, currentNif: page.customer.representative_nif },
  );
  if (!check.ok) return { kind: 'invalid', page, errors: check.errors };
  if (!input.filesOk) return { kind: 'invalid', page, errors: [] };
  const result = await ctx.db.transaction((trx) => submitRepresentativeChange(trx, {
    customerId: page.customer.id, proposal: check.value, files: input.files, access: input.access, generic: false,
  }, ctx.actor, ctx.now, ctx.config));
  if (!result.ok) return { kind: 'open_exists', page, reference: result.reference };
  ctx.mailer?.kick();
  return { kind: 'created', id: result.id, reference: result.reference };
}

/**
 * Seed 002: "si aún no estás dado de alta como representante" — the logged-in person asks to
 * become the representative of a company by its CIF. The answer and the email are the same
 * whether or not a request was filed (unknown CIF, an individual, already the representative,
 * or one waiting), so the form tells nobody which CIFs are customers.
 */
export async function claimRepresentation(ctx: UseCaseContext, input: {
  cif: string;
  documentType: RepresentativeDocumentType;
  files: readonly AcceptedFile[];
  user: { loginId: string; firstName: string; lastName: string };
}): Promise<void> {
  const { actor, now, config } = ctx;
  await ctx.db.transaction(async (trx) => {
    const customer = await findCustomerByTaxId(trx, input.cif);
    const eligible = customer && hasRepresentative(customer.kind)
      && normalizeId(customer.representative_nif ?? '') !== input.user.loginId;
    const result = eligible ? await submitRepresentativeChange(trx, {
      customerId: customer.id, files: input.files, access: NO_ACCESS, generic: true,
      proposal: {
        nif: input.user.loginId, name: `${input.user.firstName} ${input.user.lastName}`, email: actor.email,
        userId: actor.userId,
        documentType: input.documentType, previous: 'authorized_full',
      },
    }, actor, now, config) : null;
    if (!result?.ok) {
      await audit(
        trx,
        {
          actorType: 'user', actorId: actor.userId, ...(customer ? { customerId: customer.id } : {}),
          action: 'representative.claim_not_filed', ip: actor.ip, at: now,
        },
      );
    }
    await queueMail(
      trx,
      {
        to: actor.email, lang: actor.language, template: 'representative_claim_received', userId: actor.userId,
        params: { name: actor.firstName, cif: input.cif },
      },
    );
  });
  ctx.mailer?.kick();
}
