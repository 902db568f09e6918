import type { Knex } from 'knex';
import type { Config } from '../config';
import type { Access } from '../domain/access';
import { DomainError } from '../domain/errors';
import {
  canRevoke, transitionManager, validateAppointment, type AppointmentError, type AppointmentInput,
} from '../domain/external-managers';
import { findCustomerByTaxId } from '../data/customers-repo';
import { insertDocuments } from '../data/documents-repo';
import {
  countPending, insertRelation, liveRelationExists, lockRelation, lockRelationByRequest, managerRepresentatives,
  setRelationRequest, updateRelationStatus,
  listForCustomer, type ExternalManagerListItem, type ExternalManagerRow, type PersonToTell,
} from '../data/external-managers-repo';
import { findCustomer } from '../data/representative-repo';
import type { UseCaseContext } from './context';
import { insertLink } from '../data/links-repo';
import { audit } from '../data/audit-repo';
import { translator, isLanguage } from '../i18n';
import { changeRequestStatus, createRequest, type Actor } from './requests';
import { issueRepresentativeInvitation } from './contacts';
import { queueMail } from '../adapters/mail/outbox';
import type { AcceptedFile } from '../adapters/uploads';

/** A 'duplicate' is a live relation with the same gestoría (the unique index, said politely). */
export type AppointmentProblem = AppointmentError | { field: 'managerTaxId'; code: 'duplicate' };

export interface Client { id: number; taxId: string; name: string }

const UNIQUE_VIOLATION = '23505';

/** True for the live-relation unique index, which a concurrent duplicate can still hit. */
export function isDuplicateRelationError(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string; message?: string } | null;
  return e?.code === UNIQUE_VIOLATION && (
    e.constraint === 'external_managers_live_uq' || (e.message ?? '').includes('external_managers_live_uq')
  );
}

/** The problems with an appointment, checked against the data (run before the upload is accepted). */
export async function checkAppointment(db: Knex, client: Client, input: AppointmentInput):
  Promise<{ ok: true; value: AppointmentInput } | { ok: false; errors: AppointmentProblem[] }> {
  const check = validateAppointment(
    input, { clientTaxId: client.taxId, pendingAppointments: await countPending(db, client.id) },
  );
  if (!check.ok) return check;
  const existing = await findCustomerByTaxId(db, check.value.managerTaxId);
  if (existing && await liveRelationExists(db, client.id, existing.id)) {
    return { ok: false, errors: [{ field: 'managerTaxId', code: 'duplicate' }] };
  }
  return check;
}

/**
 * The client appoints a gestoría: the gestoría becomes a customer if it is not one (it need not
 * buy energy from us), the relation waits for review and a request carries the documents.
 */
export async function appointExternalManager(trx: Knex.Transaction, a: {
  client: Client; input: AppointmentInput; files: readonly AcceptedFile[];
  actor: Actor; access: Access; now: Date; config: Config;
}): Promise<{ relationId: number; requestId: number; reference: string }> {
  const { client, input, actor, now } = a;
  if (a.files.length === 0) throw new DomainError('invalid_input', 'An appointment needs documents');
  let manager = await findCustomerByTaxId(trx, input.managerTaxId);
  if (!manager) {
    const [row] = await trx('customers').insert({
      tax_id: input.managerTaxId, kind: 'company', name: input.managerName, representative_nif: input.representativeNif,
      email: input.representativeEmail, created_at: now,
    }).returning('id');
    manager = {
      id: (row as { id: number }).id, tax_id: input.managerTaxId, kind: 'company', name: input.managerName,
      representative_nif: input.representativeNif, email: input.representativeEmail, phone: null,
    };
    await audit(
      trx,
      {
        actorType: 'user', actorId: actor.userId, customerId: client.id, action: 'customer.created_as_manager',
        targetType: 'customer', targetId: manager.id, ip: actor.ip, at: now,
      },
    );
  }
  if (manager.id === client.id) throw new DomainError('invalid_input', 'A customer cannot manage itself');
  const relationId = await insertRelation(trx, {
    customerId: client.id, managerCustomerId: manager.id, requestedBy: actor.userId,
    representativeNif: input.representativeNif, representativeEmail: input.representativeEmail, now,
  });
  const request = await createRequest(trx, {
    type: 'external_manager', customerId: client.id, access: a.access,
    payload: {
      managerName: manager.name, managerTaxId: manager.tax_id, representativeNif: input.representativeNif,
      documents: a.files.length,
    },
  }, actor, now, a.config);
  await setRelationRequest(trx, relationId, request.id);
  const ids = await insertDocuments(trx, a.files.map((f) => ({
    customerId: client.id, requestId: request.id, uploadedBy: actor.userId, fileName: f.name, mimeType: f.mime,
    sizeBytes: f.size, sha256: f.sha256, content: f.content, createdAt: now,
  })));
  for (const [i, id] of ids.entries()) {
    const f = a.files[i]!;
    await audit(trx, {
      actorType: 'user', actorId: actor.userId, customerId: client.id, action: 'document.uploaded',
      targetType: 'document', targetId: id, ip: actor.ip, at: now,
      details: { requestId: request.id, reference: request.reference, mime: f.mime, size: f.size, sha256: f.sha256 },
    });
  }
  await audit(trx, {
    actorType: 'user', actorId: actor.userId, customerId: client.id, action: 'external_manager.requested',
    targetType: 'external_manager', targetId: relationId, ip: actor.ip, at: now,
    details: { managerCustomerId: manager.id, requestId: request.id },
  });
  return { relationId, requestId: request.id, reference: request.reference };
}

interface Names { client: string; manager: string; managerTaxId: string }

async function namesOf(trx: Knex, rel: ExternalManagerRow): Promise<Names> {
  const rows = await trx('customers').whereIn('id', [rel.customer_id, rel.manager_customer_id]).select(
    'id', 'name', 'tax_id',
  );
  const byId = new Map(rows.map((r: { id: number; name: string; tax_id: string }) => [Number(r.id), r]));
  return {
    client: byId.get(Number(rel.customer_id))?.name ?? '',
    manager: byId.get(Number(rel.manager_customer_id))?.name ?? '',
    managerTaxId: byId.get(Number(rel.manager_customer_id))?.tax_id ?? '',
  };
}

async function tell(
  trx: Knex, people: readonly PersonToTell[], template: string, params: Record<string, string>, customerId: number,
  actionUrl?: string,
): Promise<void> {
  const seen = new Set<string>();
  for (const p of people) {
    const key = p.email.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    await queueMail(
      trx,
      {
        to: p.email, lang: p.language, template, userId: p.userId, customerId, params: { ...params, name: p.firstName },
        ...(actionUrl ? { actionUrl } : {}),
      },
    );
  }
}

async function requester(trx: Knex, rel: ExternalManagerRow): Promise<{ language: 'es' | 'ca' }> {
  const u = rel.requested_by ? await trx('users').where({ id: rel.requested_by }).first('language') : undefined;
  return { language: isLanguage(u?.language) ? u.language : 'es' };
}

/**
 * On approval the gestoría's registered representative (its representative NIF on file) is
 * linked to it when nobody is yet: the documents the reviewer accepted name that person, and a
 * gestoría created by an appointment has no contracts to register with.
 */
async function linkRepresentativeIfNone(
  trx: Knex.Transaction, managerCustomerId: number, staffId: number | null, now: Date,
): Promise<void> {
  const linked = await trx('customer_links').where(
    { customer_id: managerCustomerId, role: 'representative' },
  ).whereNot('status', 'revoked').first('id');
  if (linked) return;
  const user = await trx('users as u').join('customers as c', 'c.representative_nif', 'u.login_id')
    .where('c.id', managerCustomerId).where('u.status', 'active').first('u.id');
  if (!user) return;
  const any = await trx('customer_links').where({ customer_id: managerCustomerId, user_id: user.id }).whereNot(
    'status', 'revoked',
  ).first('id');
  if (any) return;
  await insertLink(
    trx, { userId: user.id, customerId: managerCustomerId, role: 'representative', grantedBy: null, now },
  );
  await audit(
    trx,
    {
      actorType: 'staff', actorId: staffId, customerId: managerCustomerId,
      action: 'link.representative_from_manager_approval', targetType: 'user', targetId: user.id, at: now,
    },
  );
}

/**
 * The NIF the invitation is for: the gestoría's representative on file, which acceptance checks.
 * A gestoría on file without one takes the NIF of the documents the reviewer just accepted.
 */
async function representativeNifOnFile(
  trx: Knex.Transaction, rel: ExternalManagerRow, staffId: number | null, now: Date,
): Promise<string | null> {
  const c = await trx('customers').where({ id: rel.manager_customer_id }).first('representative_nif');
  if (c?.representative_nif) return c.representative_nif as string;
  if (!rel.representative_nif) return null;
  await trx('customers').where({ id: rel.manager_customer_id }).update({ representative_nif: rel.representative_nif });
  await audit(trx, {
    actorType: 'staff', actorId: staffId, customerId: rel.manager_customer_id,
    action: 'representative.set_from_manager_approval', targetType: 'customer', targetId: rel.manager_customer_id,
    at: now,
    details: { nif: rel.representative_nif },
  });
  return rel.representative_nif;
}

async function decidable(trx: Knex.Transaction, requestId: number): Promise<ExternalManagerRow> {
  const rel = await lockRelationByRequest(trx, requestId);
  if (!rel) throw new DomainError('not_found', `No external manager for request ${requestId}`);
  return rel;
}

/** Admin approval: the gestoría may act for the client from its next request on. */
export async function approveExternalManager(
  trx: Knex.Transaction, requestId: number, staff: { id: number | null }, note: string | null, now: Date,
  config: Config,
): Promise<void> {
  const rel = await decidable(trx, requestId);
  transitionManager(rel.status, 'active');
  await updateRelationStatus(trx, rel.id, 'active', now);
  const names = await namesOf(trx, rel);
  const lang = (await requester(trx, rel)).language;
  const customerNote = note?.trim() || translator(lang)('externalManagers.notes.approved', { manager: names.manager });
  await changeRequestStatus(trx, requestId, 'completada', { type: 'staff', id: staff.id }, customerNote, now, config);
  await linkRepresentativeIfNone(trx, rel.manager_customer_id, staff.id, now);
  await audit(trx, {
    actorType: 'staff', actorId: staff.id, customerId: rel.customer_id, action: 'external_manager.approved',
    targetType: 'external_manager', targetId: rel.id, at: now,
    details: { managerCustomerId: rel.manager_customer_id, requestId },
  });
  const reps = await managerRepresentatives(trx, rel.manager_customer_id);
  const params = { client: names.client, manager: names.manager, nif: rel.representative_nif ?? '' };
  if (reps.length) {
    await tell(trx, reps, 'external_manager_active', params, rel.manager_customer_id, `${config.publicUrl}/`);
  } else if (rel.representative_email) {
    // nobody registered yet, and a gestoría has no contract data for the business registration:
    // the email carries an invitation for the representative's NIF
    const nif = await representativeNifOnFile(trx, rel, staff.id, now);
    if (!nif) return;
    const inv = await issueRepresentativeInvitation(
      trx, { customerId: rel.manager_customer_id, nif, email: rel.representative_email, firstName: '', lastName: '' },
      staff, now, config,
    );
    await tell(
      trx, [{ userId: null, email: rel.representative_email, firstName: names.manager, language: lang }],
      'external_manager_active_register', { ...params, nif }, rel.manager_customer_id, inv.url,
    );
  }
}

/** Admin rejection, with the reason the client reads in the request. */
export async function rejectExternalManager(
  trx: Knex.Transaction, requestId: number, staff: { id: number | null }, reason: string, now: Date, config: Config,
): Promise<void> {
  if (!reason.trim()) throw new DomainError('invalid_input', 'A rejection needs a reason the customer can read');
  const rel = await decidable(trx, requestId);
  transitionManager(rel.status, 'rejected');
  await updateRelationStatus(trx, rel.id, 'rejected', now);
  await changeRequestStatus(trx, requestId, 'rechazada', { type: 'staff', id: staff.id }, reason.trim(), now, config);
  await audit(trx, {
    actorType: 'staff', actorId: staff.id, customerId: rel.customer_id, action: 'external_manager.rejected',
    targetType: 'external_manager', targetId: rel.id, at: now,
    details: { managerCustomerId: rel.manager_customer_id, requestId },
  });
  // the gestoría learns the outcome; the reason concerns the client's documents and stays with the client
  const names = await namesOf(trx, rel);
  await tell(
    trx, await managerRepresentatives(trx, rel.manager_customer_id), 'external_manager_rejected',
    { client: names.client, manager: names.manager }, rel.manager_customer_id,
  );
}

/**
 * The client ends an active relation or withdraws a pending one, at once: access is loaded on
 * every request, so the gestoría's users lose it on their next one.
 */
export async function revokeExternalManager(
  trx: Knex.Transaction, r: { customerId: number; relationId: number; actor: Actor; now: Date; config: Config },
): Promise<{ managerName: string }> {
  const rel = await lockRelation(trx, r.relationId);
  // another customer's relation is as unknown as a missing one
  if (!rel || Number(rel.customer_id) !== r.customerId) throw new DomainError('not_found');
  if (!canRevoke(rel.status)) throw new DomainError('conflict', `Cannot revoke a relation in status ${rel.status}`);
  const wasPending = rel.status === 'pending_review';
  await updateRelationStatus(trx, rel.id, transitionManager(rel.status, 'revoked'), r.now, r.actor.userId);
  const names = await namesOf(trx, rel);
  if (wasPending && rel.request_id) {
    const req = await trx('requests').where({ id: rel.request_id }).first('status');
    if (req && (req.status === 'recibida' || req.status === 'en_tramite')) {
      await changeRequestStatus(
        trx, rel.request_id, 'rechazada', { type: 'system' },
        translator(r.actor.language)('externalManagers.notes.withdrawn'), r.now, r.config,
      );
    }
  }
  await audit(trx, {
    actorType: 'user', actorId: r.actor.userId, customerId: r.customerId, action: 'external_manager.revoked',
    targetType: 'external_manager', targetId: rel.id, ip: r.actor.ip, at: r.now,
    details: { managerCustomerId: rel.manager_customer_id, from: rel.status },
  });
  const params = { client: names.client, manager: names.manager };
  await tell(
    trx, [{ userId: r.actor.userId, email: r.actor.email, firstName: r.actor.firstName, language: r.actor.language }],
    'external_manager_revoked_client', params, r.customerId,
    `${r.config.publicUrl}/clientes/${r.customerId}/gestor-externo`,
  );
  if (!wasPending) {
    await tell(
      trx, await managerRepresentatives(trx, rel.manager_customer_id), 'external_manager_revoked_manager', params,
      rel.manager_customer_id,
    );
  }
  return { managerName: names.manager };
}

// ---------------------------------------------------------------------------------------------
// The client's use cases: the page, an appointment with documents, a revocation.

export interface ExternalManagersPage { client: Client; relations: ExternalManagerListItem[] }

export async function externalManagersPage(
  ctx: UseCaseContext, input: { customerId: number },
): Promise<ExternalManagersPage> {
  const row = await findCustomer(ctx.db, input.customerId);
  if (!row) throw new DomainError('not_found');
  const client = { id: row.id, taxId: row.tax_id, name: row.name };
  return { client, relations: await listForCustomer(ctx.db, client.id) };
}

export type AppointmentResult =
  | { kind: 'requested'; reference: string }
  | { kind: 'invalid'; page: ExternalManagersPage; problems: AppointmentProblem[] };

/**
 * The client appoints a gestoría. The caller has checked the files (`filesOk` false only reports
 * the form's own problems); a concurrent identical appointment that got there first is a
 * "duplicate" problem like the one found beforehand.
 */
export async function requestExternalManager(ctx: UseCaseContext, input: {
  customerId: number; access: Access; form: AppointmentInput; files: readonly AcceptedFile[]; filesOk: boolean;
}): Promise<AppointmentResult> {
  const page = await externalManagersPage(ctx, input);
  const check = await checkAppointment(ctx.db, page.client, input.form);
  if (!check.ok) return { kind: 'invalid', page, problems: check.errors };
  if (!input.filesOk) return { kind: 'invalid', page, problems: [] };
  try {
    const done = await ctx.db.transaction((trx) => appointExternalManager(trx, {
      client: page.client, input: check.value, files: input.files, actor: ctx.actor, access: input.access, now: ctx.now,
      config: ctx.config,
    }));
    ctx.mailer?.kick();
    return { kind: 'requested', reference: done.reference };
  } catch (err) {
    if (!isDuplicateRelationError(err)) throw err;
    return { kind: 'invalid', page, problems: [{ field: 'managerTaxId', code: 'duplicate' }] };
  }
}

export type RevocationResult =
  | { kind: 'already_ended'; managerName: string }
  | { kind: 'confirm'; client: Client; relation: ExternalManagerListItem }
  | { kind: 'revoked'; managerName: string };

/** Without `confirmed` the answer is the confirmation page (no JavaScript needed); with it, the revocation is done. */
export async function revokeExternalManagerStep(
  ctx: UseCaseContext, input: { customerId: number; relationId: number; confirmed: boolean },
): Promise<RevocationResult> {
  const page = await externalManagersPage(ctx, input);
  const relation = page.relations.find((r) => Number(r.id) === input.relationId);
  if (!relation) throw new DomainError('not_found');
  if (relation.status !== 'active' && relation.status !== 'pending_review') {
    return { kind: 'already_ended', managerName: relation.manager_name };
  }
  if (!input.confirmed) return { kind: 'confirm', client: page.client, relation };
  const done = await ctx.db.transaction(
    (trx) => revokeExternalManager(
      trx,
      { customerId: page.client.id, relationId: input.relationId, actor: ctx.actor, now: ctx.now, config: ctx.config },
    ),
  );
  ctx.mailer?.kick();
  return { kind: 'revoked', managerName: done.managerName };
}
