import type { Knex } from 'knex';
import type { Config } from '../config';
import { formatReference, transition, type RequestStatus, type RequestType } from '../domain/requests';
import { DomainError } from '../domain/errors';
import type { Access } from '../domain/access';
import type { UserActor } from '../domain/actor';
import {
  findRequest, insertEvent, insertRequest, lockRequest, nextReferenceNumber, updateRequestStatus,
} from '../data/requests-repo';
import { audit } from '../data/audit-repo';
import { lockContract, markApplied, openRequestFor } from '../data/request-outcomes-repo';
import { todayInSpain } from '../domain/time';
import { DuplicateRequestError, oneOpenPerContract } from '../domain/open-requests';
import { queueMail } from '../adapters/mail/outbox';
import { translator, isLanguage } from '../i18n';

/** The customer-side user acting (the one actor shape lives in domain/actor). */
export type Actor = UserActor;

export interface NewRequest {
  type: RequestType;
  customerId: number;
  contractId?: number | null;
  payload: Record<string, unknown>;
  /** How the actor is entitled to act for the customer (from the access guard). */
  access: Access;
  status?: RequestStatus;
  /** Shown in the timeline when the request completes at once (e.g. a reading recorded). */
  completionNote?: string;
  /**
   * False when the caller sends its own, more generic email (answers that must not tell whether a CIF
   * is a customer).
   */
  notifyCreator?: boolean;
}

/**
 * Creates a gestión with its reference, first timeline event, audit row and the creator's
 * email, inside the caller's transaction (so the change it records commits with it).
 */
export async function createRequest(
  trx: Knex, r: NewRequest, actor: Actor, now: Date, config: Config,
): Promise<{ id: number; reference: string }> {
  await refuseDuplicate(trx, r);
  const reference = formatReference(now.getUTCFullYear(), await nextReferenceNumber(trx));
  const via = r.access.via?.kind === 'manager' ? r.access.via.managerCustomerId : null;
  const id = await insertRequest(trx, {
    reference, type: r.type, customer_id: r.customerId, contract_id: r.contractId ?? null, created_by: actor.userId,
    via_manager_customer_id: via, payload: r.payload, status: 'recibida', created_at: now,
  });
  await insertEvent(
    trx, { requestId: id, at: now, kind: 'created', status: 'recibida', actorType: 'user', actorId: actor.userId },
  );
  if (r.status && r.status !== 'recibida') {
    await updateRequestStatus(trx, id, transition('recibida', r.status, r.completionNote), now);
    await insertEvent(trx, {
      requestId: id, at: now, kind: 'status', status: r.status, note: r.completionNote ?? null, actorType: 'system',
    });
    // applied at once (IBAN, payment day, address, reading): the customer sees the day it took effect
    if (r.status === 'completada') await markApplied(trx, id, todayInSpain(now));
  }
  await audit(trx, {
    actorType: 'user', actorId: actor.userId, customerId: r.customerId, action: `request.${r.type}`,
    targetType: 'request', targetId: id, ip: actor.ip, at: now,
    details: { reference, ...(via ? { viaManager: via } : {}) },
  });
  if (r.notifyCreator !== false) await queueMail(trx, {
    to: actor.email, lang: actor.language, template: 'request_created', userId: actor.userId, customerId: r.customerId,
    params: {
      name: actor.firstName, reference, type: translator(actor.language)(`requests.types.${r.type}`),
      status: translator(actor.language)(`requests.status.${r.status ?? 'recibida'}`),
    }, actionUrl: `${config.publicUrl}/gestiones/${id}`,
  });
  return { id, reference };
}

/**
 * Moves a request through the state machine (admins, and automatic completions), with a note
 * the customer sees and an email to whoever created it.
 */
export async function changeRequestStatus(
  trx: Knex.Transaction, requestId: number, to: RequestStatus, by: { type: 'staff' | 'system'; id?: number | null },
  note: string | null, now: Date, config: Config,
): Promise<void> {
  const current = await lockRequest(trx, requestId);
  if (!current) throw new DomainError('not_found');
  const next = transition(current.status, to, note ?? undefined);
  await updateRequestStatus(trx, requestId, next, now);
  // a completion applies its change today unless the use case set another effective day first
  if (next === 'completada') await markApplied(trx, requestId, todayInSpain(now));
  await insertEvent(trx, {
    requestId, at: now, kind: 'status', status: next, note, actorType: by.type, actorId: by.id ?? null,
  });
  await audit(trx, {
    actorType: by.type, actorId: by.id ?? null, customerId: current.customer_id,
    action: 'request.status', targetType: 'request', targetId: requestId, at: now,
    details: { from: current.status, to: next },
  });
  const full = await findRequest(trx, requestId);
  const creator = current.created_by ? await trx('users').where({ id: current.created_by }).first(
    'id', 'email', 'first_name', 'language',
  ) : undefined;
  if (creator && full) {
    await queueMail(trx, {
      to: creator.email, lang: creator.language, template: 'request_status', userId: creator.id,
      customerId: current.customer_id,
      params: {
        name: creator.first_name, reference: full.reference,
        type: translator(isLanguage(creator.language) ? creator.language : 'es')(`requests.types.${full.type}`),
        status: translator(isLanguage(creator.language) ? creator.language : 'es')(`requests.status.${next}`),
        note: note ?? '',
      }, actionUrl: `${config.publicUrl}/gestiones/${requestId}`,
    });
  }
}

/**
 * One open request of a kind per contract: checked under the contract's lock, so two submissions
 * at once cannot both pass.
 */
async function refuseDuplicate(trx: Knex, r: NewRequest): Promise<void> {
  if (!r.contractId || !oneOpenPerContract(r.type)) return;
  await lockContract(trx, r.contractId);
  const open = await openRequestFor(trx, r.contractId, r.type);
  if (open) throw new DuplicateRequestError(r.type, { id: Number(open.id), reference: open.reference });
}
