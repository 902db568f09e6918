import type { Knex } from 'knex';
import type { ActorType, AuditCursor } from '../domain/audit-filter';

/** A filter with names already resolved to ids (see services/audit-viewer.ts). */
export interface AuditQuery {
  actorType?: ActorType;
  actorId?: number;
  customerId?: number;
  actionPrefix?: string;
  from?: Date;
  until?: Date;
  before?: AuditCursor;
}

export interface AuditRow {
  id: number;
  at: Date;
  /** `at` with its microseconds, the exact key of the page cursor. */
  at_key: string;
  actor_type: ActorType;
  actor_id: number | null;
  customer_id: number | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: unknown;
  user_login: string | null;
  staff_login: string | null;
  customer_name: string | null;
  customer_tax_id: string | null;
}

const AT_KEY = `to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Newest first, keyset-paged on (at, id), one query with the names of actors and customers. */
export async function searchAudit(db: Knex, q: AuditQuery, limit: number): Promise<AuditRow[]> {
  const query = db('audit_log as a')
    .leftJoin('users as u', function () {
      this.on('u.id', '=', 'a.actor_id').andOn('a.actor_type', '=', db.raw("'user'"));
    })
    .leftJoin('staff as s', function () {
      this.on('s.id', '=', 'a.actor_id').andOn('a.actor_type', '=', db.raw("'staff'"));
    })
    .leftJoin('customers as c', 'c.id', 'a.customer_id')
    .select(
      'a.*', db.raw(`${AT_KEY} as at_key`), 'u.login_id as user_login', 's.staff_id as staff_login',
      'c.name as customer_name', 'c.tax_id as customer_tax_id',
    )
    .orderBy([{ column: 'a.at', order: 'desc' }, { column: 'a.id', order: 'desc' }])
    .limit(limit);
  if (q.actorType) query.where('a.actor_type', q.actorType);
  if (q.actorId !== undefined) query.where('a.actor_id', q.actorId);
  if (q.customerId !== undefined) query.where('a.customer_id', q.customerId);
  if (q.actionPrefix) query.whereRaw('a.action LIKE ?', [`${q.actionPrefix.replace(/[\\%_]/g, (m) => `\\${m}`)}%`]);
  if (q.from) query.where('a.at', '>=', q.from);
  if (q.until) query.where('a.at', '<', q.until);
  if (q.before) query.whereRaw('(a.at, a.id) < (?::timestamptz, ?)', [q.before.at, q.before.id]);
  return query;
}

export async function staffIdByLogin(db: Knex, login: string): Promise<number | undefined> {
  const row = await db('staff').whereRaw('lower(staff_id) = ?', [login.toLowerCase()]).first('id');
  return row?.id;
}

export async function userIdByLogin(db: Knex, login: string): Promise<number | undefined> {
  const row = await db('users').where('login_id', login).first('id');
  return row?.id;
}

export async function customerIdByTaxId(db: Knex, taxId: string): Promise<number | undefined> {
  const row = await db('customers').where('tax_id', taxId).first('id');
  return row?.id;
}
