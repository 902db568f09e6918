import type { Knex } from 'knex';
import type { RequestStatus, RequestType } from '../domain/requests';

export interface RequestRow {
  id: number; reference: string; type: RequestType; customer_id: number; contract_id: number | null;
  created_by: number | null; via_manager_customer_id: number | null; payload: Record<string, unknown>;
  status: RequestStatus; assigned_staff_id: number | null;
  created_at: Date; updated_at: Date;
  /** A complaint's answer (issue 14); absent from the rows of older queries. */
  outcome?: 'favourable' | 'partial' | 'unfavourable' | null;
}

export interface RequestListRow extends RequestRow {
  customer_name: string; cups: string | null; street: string | null; sp_number: string | null;
}

export async function nextReferenceNumber(db: Knex): Promise<number> {
  const r = await db.raw("select nextval('request_number_seq')::int as n");
  return (r.rows[0] as { n: number }).n;
}

export async function insertRequest(
  db: Knex, r: Omit<RequestRow, 'id' | 'assigned_staff_id' | 'updated_at'>,
): Promise<number> {
  const [row] = await db('requests').insert(
    { ...r, payload: JSON.stringify(r.payload), updated_at: r.created_at },
  ).returning('id');
  return row.id;
}

export async function insertEvent(
  db: Knex,
  e: {
    requestId: number; at: Date; kind: 'created' | 'status' | 'note'; status?: RequestStatus | null;
    note?: string | null; actorType: 'user' | 'staff' | 'system'; actorId?: number | null;
  },
): Promise<void> {
  await db('request_events').insert(
    {
      request_id: e.requestId, at: e.at, kind: e.kind, status: e.status ?? null, note: e.note ?? null,
      actor_type: e.actorType, actor_id: e.actorId ?? null,
    },
  );
}

/** One request as its page shows it: with what it did once handled and the supply's distributor. */
export interface RequestDetailRow extends RequestListRow {
  distributor: string | null;
  effective_date: string | null;
  sent_to_distributor_on: string | null;
  resolution: string | null;
  outcome: 'favourable' | 'partial' | 'unfavourable' | null;
}

export async function findRequest(db: Knex, id: number): Promise<RequestDetailRow | undefined> {
  return db('requests as r').join('customers as cu', 'cu.id', 'r.customer_id')
    .leftJoin('contracts as c', 'c.id', 'r.contract_id').leftJoin('supply_points as sp', 'sp.id', 'c.supply_point_id')
    .where('r.id', id)
    .first('r.*', 'cu.name as customer_name', 'sp.cups', 'sp.street', 'sp.number as sp_number', 'sp.distributor');
}

export async function lockRequest(trx: Knex.Transaction, id: number): Promise<RequestRow | undefined> {
  return trx('requests').where({ id }).forUpdate().first();
}

export async function updateRequestStatus(db: Knex, id: number, status: RequestStatus, now: Date): Promise<void> {
  await db('requests').where({ id }).update({ status, updated_at: now });
}

export async function requestEvents(
  db: Knex, id: number,
): Promise<{ at: Date; kind: string; status: RequestStatus | null; note: string | null; actor_type: string }[]> {
  return db('request_events').where({ request_id: id }).orderBy([{ column: 'at' }, { column: 'id' }]).select(
    'at', 'kind', 'status', 'note', 'actor_type',
  );
}

export interface RequestFilter {
  customerIds: number[]; type?: RequestType; status?: RequestStatus; contractId?: number; limit: number; offset: number;
}

export async function listRequests(db: Knex, f: RequestFilter): Promise<{ rows: RequestListRow[]; total: number }> {
  if (f.customerIds.length === 0) return { rows: [], total: 0 };
  const q = db('requests as r').whereIn('r.customer_id', f.customerIds);
  if (f.type) q.where('r.type', f.type);
  if (f.status) q.where('r.status', f.status);
  if (f.contractId) q.where('r.contract_id', f.contractId);
  const [rows, count] = await Promise.all([
    q.clone().join('customers as cu', 'cu.id', 'r.customer_id')
      .leftJoin('contracts as c', 'c.id', 'r.contract_id').leftJoin('supply_points as sp', 'sp.id', 'c.supply_point_id')
      .orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(f.limit).offset(f.offset)
      .select('r.*', 'cu.name as customer_name', 'sp.cups', 'sp.street', 'sp.number as sp_number'),
    q.clone().count<{ count: number }[]>('* as count').first(),
  ]);
  return { rows, total: Number(count?.count ?? 0) };
}

/** The customer a request belongs to (for the access guard). */
export async function requestCustomer(db: Knex, id: number): Promise<number | undefined> {
  const row = await db('requests').where({ id }).first('customer_id');
  return row?.customer_id;
}

/** Adds keys to a request's payload (what a request that follows another record learned since). */
export async function mergeRequestPayload(
  db: Knex, id: number, patch: Record<string, unknown>, now: Date,
): Promise<void> {
  await db('requests').where({ id }).update(
    { payload: db.raw('payload || ?::jsonb', [JSON.stringify(patch)]), updated_at: now },
  );
}
