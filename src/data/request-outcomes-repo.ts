import type { Knex } from 'knex';
import { OPEN_STATUSES } from '../domain/admin-requests';
import type { RequestType } from '../domain/requests';

/** What a request did once handled: effective day, distributor dates, complaint resolution. */
export interface RequestOutcome {
  effective_date: string | null;
  sent_to_distributor_on: string | null;
  resolution: string | null;
  outcome: 'favourable' | 'partial' | 'unfavourable' | null;
}

export async function setRequestOutcome(db: Knex, id: number, fields: Partial<RequestOutcome>): Promise<void> {
  await db('requests').where({ id }).update(fields);
}

/** The day a completed request took effect, unless one was already recorded (a power change's). */
export async function markApplied(db: Knex, id: number, day: string): Promise<void> {
  await db('requests').where({ id }).whereNull('effective_date').update({ effective_date: day });
}

export async function requestOutcome(db: Knex, id: number): Promise<RequestOutcome | undefined> {
  return db('requests').where({ id }).first('effective_date', 'sent_to_distributor_on', 'resolution', 'outcome');
}

/** The open request of a type for a contract, if any (the caller holds the contract's lock). */
export async function openRequestFor(
  db: Knex, contractId: number, type: RequestType,
): Promise<{ id: number; reference: string } | undefined> {
  return db('requests').where({ contract_id: contractId, type }).whereIn('status', OPEN_STATUSES)
    .orderBy('created_at').orderBy('id').first('id', 'reference');
}

/** Serialises the creation of requests on one contract, so two submissions cannot both pass the check. */
export async function lockContract(trx: Knex, contractId: number): Promise<boolean> {
  return !!(await trx('contracts').where({ id: contractId }).forUpdate().first('id'));
}

/** The language and contact of the person who made a request (their notes are written for them). */
export async function requestCreator(
  db: Knex, userId: number | null,
): Promise<{ id: number; email: string; first_name: string; language: string } | undefined> {
  if (!userId) return undefined;
  return db('users').where({ id: userId }).first('id', 'email', 'first_name', 'language');
}
