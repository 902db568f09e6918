import type { Knex } from 'knex';
import type { ManagerStatus } from '../domain/external-managers';

export interface ExternalManagerRow {
  id: number;
  customer_id: number;
  manager_customer_id: number;
  status: ManagerStatus;
  request_id: number | null;
  requested_by: number | null;
  representative_nif: string | null;
  representative_email: string | null;
  created_at: Date;
  decided_at: Date | null;
  revoked_at: Date | null;
}

/** A relation as the client's page lists it: the gestoría's name and CIF, the request's reference. */
export interface ExternalManagerListItem extends ExternalManagerRow {
  manager_name: string;
  manager_tax_id: string;
  reference: string | null;
}

const COLUMNS = ['em.id', 'em.customer_id', 'em.manager_customer_id', 'em.status', 'em.request_id', 'em.requested_by',
  'em.representative_nif', 'em.representative_email', 'em.created_at', 'em.decided_at', 'em.revoked_at'];

/** Live relations first, then the history, newest first; one query. */
export async function listForCustomer(db: Knex, customerId: number): Promise<ExternalManagerListItem[]> {
  return db('external_managers as em')
    .join('customers as m', 'm.id', 'em.manager_customer_id')
    .leftJoin('requests as r', 'r.id', 'em.request_id')
    .where('em.customer_id', customerId)
    .orderByRaw("CASE em.status WHEN 'active' THEN 0 WHEN 'pending_review' THEN 1 ELSE 2 END")
    .orderBy('em.created_at', 'desc').orderBy('em.id', 'desc')
    .limit(200)
    .select(...COLUMNS, 'm.name as manager_name', 'm.tax_id as manager_tax_id', 'r.reference');
}

export async function countPending(db: Knex, customerId: number): Promise<number> {
  const row = await db('external_managers').where({ customer_id: customerId, status: 'pending_review' }).count<{
    n: string,
  }[]>('* as n').first();
  return Number(row?.n ?? 0);
}

export async function liveRelationExists(db: Knex, customerId: number, managerCustomerId: number): Promise<boolean> {
  const row = await db('external_managers').where({ customer_id: customerId, manager_customer_id: managerCustomerId })
    .whereIn('status', ['pending_review', 'active']).first('id');
  return row !== undefined;
}

/** Locked for the decision, so two reviewers (or a review and a revocation) never both apply. */
export async function lockRelation(trx: Knex.Transaction, id: number): Promise<ExternalManagerRow | undefined> {
  return trx('external_managers as em').where('em.id', id).forUpdate().first(...COLUMNS);
}

export async function lockRelationByRequest(
  trx: Knex.Transaction, requestId: number,
): Promise<ExternalManagerRow | undefined> {
  return trx('external_managers as em').where('em.request_id', requestId).forUpdate().first(...COLUMNS);
}

export async function insertRelation(db: Knex, r: {
  customerId: number; managerCustomerId: number; requestedBy: number;
  representativeNif: string; representativeEmail: string; now: Date;
}): Promise<number> {
  const [row] = await db('external_managers').insert({
    customer_id: r.customerId, manager_customer_id: r.managerCustomerId, status: 'pending_review',
    requested_by: r.requestedBy,
    representative_nif: r.representativeNif, representative_email: r.representativeEmail, created_at: r.now,
  }).returning('id');
  return (row as { id: number }).id;
}

export async function setRelationRequest(db: Knex, id: number, requestId: number): Promise<void> {
  await db('external_managers').where({ id }).update({ request_id: requestId });
}

export async function updateRelationStatus(
  db: Knex, id: number, status: ManagerStatus, now: Date, by: number | null = null,
): Promise<void> {
  const changes: Record<string, unknown> = { status };
  if (status === 'revoked') Object.assign(changes, { revoked_at: now, revoked_by: by });
  else changes.decided_at = now;
  await db('external_managers').where({ id }).update(changes);
}

export interface PersonToTell { userId: number | null; email: string; firstName: string; language: 'es' | 'ca' }

/** The gestoría's registered representatives (active users linked to it as representative); empty when nobody is. */
export async function managerRepresentatives(db: Knex, managerCustomerId: number): Promise<PersonToTell[]> {
  const rows = await db('users as u').join('customer_links as l', 'l.user_id', 'u.id')
    .where(
      { 'l.customer_id': managerCustomerId, 'l.role': 'representative', 'l.status': 'active', 'u.status': 'active' },
    )
    .select('u.id', 'u.email', 'u.first_name', 'u.language');
  return rows.map(
    (r: { id: number; email: string; first_name: string; language: 'es' | 'ca' }) => (
      { userId: r.id, email: r.email, firstName: r.first_name, language: r.language }
    ),
  );
}
