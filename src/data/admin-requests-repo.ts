import type { Knex } from 'knex';
import {
  nextDay, OPEN_STATUSES, REVIEW_TYPES, startOfDayInSpain, type AdminRequestFilter,
} from '../domain/admin-requests';
import type { RequestStatus, RequestType } from '../domain/requests';

/** All customers' requests as the admin section lists, filters and assigns them. */

export interface AdminRequestRow {
  id: number;
  reference: string;
  type: RequestType;
  status: RequestStatus;
  customer_id: number;
  customer_name: string;
  customer_tax_id: string;
  created_at: Date;
  updated_at: Date;
  assigned_staff_id: number | null;
  assigned_first_name: string | null;
  assigned_last_name: string | null;
  creator_login_id: string | null;
  creator_first_name: string | null;
  creator_last_name: string | null;
}

function base(db: Knex): Knex.QueryBuilder {
  return db('requests as r').join('customers as cu', 'cu.id', 'r.customer_id');
}

const LIST_COLUMNS = [
  'r.id', 'r.reference', 'r.type', 'r.status', 'r.customer_id', 'cu.name as customer_name',
  'cu.tax_id as customer_tax_id', 'r.created_at', 'r.updated_at',
  'r.assigned_staff_id', 'st.first_name as assigned_first_name', 'st.last_name as assigned_last_name',
  'u.login_id as creator_login_id', 'u.first_name as creator_first_name', 'u.last_name as creator_last_name',
];

function withNames(q: Knex.QueryBuilder): Knex.QueryBuilder {
  return q.leftJoin('staff as st', 'st.id', 'r.assigned_staff_id').leftJoin('users as u', 'u.id', 'r.created_by');
}

/** Pending decisions, oldest first: the order a supervisor should work through them. */
export async function reviewQueue(
  db: Knex, limit: number, offset: number,
): Promise<{ rows: (AdminRequestRow & { documents: number })[]; total: number }> {
  const q = base(db).whereIn('r.type', REVIEW_TYPES).whereIn('r.status', OPEN_STATUSES);
  const docs = db('documents').where('request_id', db.ref('r.id')).count('*').as('documents');
  const [rows, count] = await Promise.all([
    withNames(q.clone()).orderBy('r.created_at').orderBy('r.id').limit(limit).offset(offset).select(
      ...LIST_COLUMNS, docs,
    ),
    q.clone().count<{ count: string }[]>('* as count').first(),
  ]);
  return {
    rows: rows.map((r: AdminRequestRow & { documents: string | number }) => ({ ...r, documents: Number(r.documents) })),
    total: Number(count?.count ?? 0),
  };
}

/** The filtered list, newest first. `me` resolves "assigned to me". */
export async function searchRequests(
  db: Knex, f: AdminRequestFilter, me: number, limit: number,
): Promise<{ rows: AdminRequestRow[]; total: number }> {
  const q = base(db);
  if (f.type) q.where('r.type', f.type);
  if (f.status) q.where('r.status', f.status);
  if (f.q) {
    const term = f.q;
    // a tax id matches exactly; a reference may be typed in part and without dashes (G2026000123, 000123)
    q.where((w) => w.where('cu.tax_id', term).orWhereRaw("replace(r.reference, '-', '') ilike ?", [`%${term.replace(/[\\%_]/g, '\\$&')}%`]));
  }
  if (f.assigned?.kind === 'me') q.where('r.assigned_staff_id', me);
  else if (f.assigned?.kind === 'none') q.whereNull('r.assigned_staff_id');
  else if (f.assigned?.kind === 'staff') q.where('r.assigned_staff_id', f.assigned.staffId);
  if (f.from) q.where('r.created_at', '>=', startOfDayInSpain(f.from));
  if (f.to) q.where('r.created_at', '<', startOfDayInSpain(nextDay(f.to)));
  const [rows, count] = await Promise.all([
    withNames(q.clone()).orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(limit).offset(
      (f.page - 1) * limit,
    ).select(...LIST_COLUMNS),
    q.clone().count<{ count: string }[]>('* as count').first(),
  ]);
  return { rows, total: Number(count?.count ?? 0) };
}

export interface AdminRequestDetail extends AdminRequestRow {
  payload: Record<string, unknown>;
  contract_id: number | null;
  via_manager_customer_id: number | null;
  customer_kind: 'individual' | 'company' | 'community';
  representative_nif: string | null;
  creator_email: string | null;
  cups: string | null;
  street: string | null;
  sp_number: string | null;
}

export async function findAdminRequest(db: Knex, id: number): Promise<AdminRequestDetail | undefined> {
  return withNames(base(db)).leftJoin('contracts as c', 'c.id', 'r.contract_id').leftJoin(
    'supply_points as sp', 'sp.id', 'c.supply_point_id',
  )
    .where('r.id', id)
    .first(
      ...LIST_COLUMNS, 'r.payload', 'r.contract_id', 'r.via_manager_customer_id',
      'cu.kind as customer_kind', 'cu.representative_nif',
      'u.email as creator_email', 'sp.cups', 'sp.street', 'sp.number as sp_number',
    );
}

export interface AdminTimelineEntry {
  at: Date;
  kind: 'created' | 'status' | 'note' | 'assigned';
  status: RequestStatus | null;
  note: string | null;
  actor_type: string;
  actor_name: string | null;
  /** Only staff see it (assignments are internal). */
  internal: boolean;
  assigned_name?: string | null;
}

/**
 * The customer's timeline with who did each step, plus the internal assignment history
 * (kept in the audit log, never shown to the customer).
 */
export async function adminTimeline(db: Knex, requestId: number): Promise<AdminTimelineEntry[]> {
  const [events, assignments] = await Promise.all([
    db('request_events as e')
      .leftJoin(
        'staff as st', (j) => j.on('st.id', '=', 'e.actor_id').andOn('e.actor_type', '=', db.raw('?', ['staff'])),
      )
      .leftJoin('users as u', (j) => j.on('u.id', '=', 'e.actor_id').andOn('e.actor_type', '=', db.raw('?', ['user'])))
      .where('e.request_id', requestId).orderBy([{ column: 'e.at' }, { column: 'e.id' }])
      .select(
        'e.at', 'e.kind', 'e.status', 'e.note', 'e.actor_type',
        db.raw("coalesce(st.first_name || ' ' || st.last_name, u.first_name || ' ' || u.last_name) as actor_name"),
      ),
    db('audit_log as a').leftJoin('staff as st', 'st.id', 'a.actor_id').leftJoin(
      'staff as tgt', 'tgt.id', db.raw("nullif(a.details->>'to', '')::bigint"),
    )
      .where({ 'a.action': 'request.assigned', 'a.target_type': 'request', 'a.target_id': String(requestId) }).orderBy(
        [{ column: 'a.at' }, { column: 'a.id' }],
      )
      .select(
        'a.at', db.raw("st.first_name || ' ' || st.last_name as actor_name"),
        db.raw("tgt.first_name || ' ' || tgt.last_name as assigned_name"),
      ),
  ]);
  const all: AdminTimelineEntry[] = [
    ...events.map((e: Omit<AdminTimelineEntry, 'internal'>) => ({ ...e, internal: false })),
    ...assignments.map((a: { at: Date; actor_name: string | null; assigned_name: string | null }) => ({
      at: a.at, kind: 'assigned' as const, status: null, note: null, actor_type: 'staff', actor_name: a.actor_name,
      assigned_name: a.assigned_name, internal: true,
    })),
  ];
  // stable: events keep their order, assignments fall in by time
  return all.map((e, i) => ({ e, i })).sort(
    (a, b) => new Date(a.e.at).getTime() - new Date(b.e.at).getTime() || a.i - b.i,
  ).map((x) => x.e);
}

export interface StaffOption { id: number; first_name: string; last_name: string; role: string }

/** Staff who can take a request (active accounts), for the assignment form and the filter. */
export async function assignableStaff(db: Knex): Promise<StaffOption[]> {
  return db('staff').where({ status: 'active' }).orderBy(['first_name', 'last_name', 'id']).select(
    'id', 'first_name', 'last_name', 'role',
  );
}

export async function isAssignableStaff(db: Knex, id: number): Promise<boolean> {
  return !!(await db('staff').where({ id, status: 'active' }).first('id'));
}

export async function lockRequestForAssignment(
  trx: Knex.Transaction, id: number,
): Promise<{ id: number; customer_id: number; assigned_staff_id: number | null } | undefined> {
  return trx('requests').where({ id }).forUpdate().first('id', 'customer_id', 'assigned_staff_id');
}

/** Internal: the customer's "last updated" does not move. */
export async function setAssignee(db: Knex, id: number, staffId: number | null): Promise<void> {
  await db('requests').where({ id }).update({ assigned_staff_id: staffId });
}
