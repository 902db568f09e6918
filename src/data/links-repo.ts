import type { Knex } from 'knex';
import { queryRows, statement } from './direct-query';
import type { LinkRole, LinkStatus, ManagerRelation, UserLink } from '../domain/access';

/**
 * SQL for "the customer in `column` (a column name written in code) manages others": the
 * first active relation in the order of their index, not EXISTS. With few gestorías
 * PostgreSQL expects thousands of relations for any customer, so EXISTS read the whole table
 * to find none for each customer that manages nobody (every household, on every page).
 */
export function managesAnyoneSql(column: string): string {
  return `((select true from external_managers em where em.manager_customer_id = ${column} and em.status = 'active'
    order by em.manager_customer_id, em.customer_id limit 1) is not null)`;
}

export async function linksForUser(db: Knex, userId: number): Promise<UserLink[]> {
  const rows = await db('customer_links').where({ user_id: userId }).whereNot('status', 'revoked').select('customer_id', 'role', 'status');
  return rows.map((r: { customer_id: number; role: LinkRole; status: LinkStatus }) => ({ customerId: r.customer_id, role: r.role, status: r.status }));
}

/**
 * Active relations in which one of the given customers is the external manager (only those
 * managing one of `ofCustomerIds`, when given).
 */
const RELATIONS = 'select customer_id, manager_customer_id, status from external_managers ' +
  "where manager_customer_id = any($1::bigint[]) and status = 'active'";
const RELATIONS_OF_ALL = statement(RELATIONS);
const RELATIONS_OF_SOME = statement(`${RELATIONS} and customer_id = any($2::bigint[])`);

export async function relationsManagedBy(db: Knex, managerCustomerIds: number[], ofCustomerIds?: number[]): Promise<ManagerRelation[]> {
  if (managerCustomerIds.length === 0 || ofCustomerIds?.length === 0) return [];
  const rows = await queryRows<{ customer_id: number; manager_customer_id: number; status: ManagerRelation['status'] }>(
    db, ofCustomerIds ? RELATIONS_OF_SOME : RELATIONS_OF_ALL,
    ofCustomerIds ? [managerCustomerIds, ofCustomerIds] : [managerCustomerIds],
  );
  return rows.map((r) => ({ customerId: r.customer_id, managerCustomerId: r.manager_customer_id, status: r.status }));
}

export async function insertLink(db: Knex, l: { userId: number; customerId: number; role: LinkRole; grantedBy: number | null; now: Date }): Promise<void> {
  await db('customer_links').insert({ user_id: l.userId, customer_id: l.customerId, role: l.role, status: 'active', granted_by: l.grantedBy, granted_at: l.now });
}

export interface ContactRow {
  link_id: number;
  user_id: number;
  role: LinkRole;
  status: LinkStatus;
  granted_at: Date;
  revoked_at: Date | null;
  login_id: string;
  first_name: string;
  last_name: string;
  email: string;
}

/**
 * Everyone linked to a customer, one row per person: the live link, or the latest revoked one
 * for those deactivated (re-adding someone creates a new link and keeps the old as history).
 */
export async function contactsOfCustomer(db: Knex, customerId: number): Promise<ContactRow[]> {
  const rows = await db.raw(`
    SELECT * FROM (
      SELECT DISTINCT ON (l.user_id) l.id AS link_id, l.user_id, l.role, l.status, l.granted_at, l.revoked_at,
             u.login_id, u.first_name, u.last_name, u.email
        FROM customer_links l JOIN users u ON u.id = l.user_id
       WHERE l.customer_id = ?
       ORDER BY l.user_id, (l.status <> 'revoked') DESC, l.granted_at DESC, l.id DESC
    ) c
    ORDER BY (c.role IN ('holder', 'representative')) DESC, (c.status = 'revoked'), lower(c.first_name), lower(c.last_name), c.link_id`, [customerId]);
  return (rows.rows as ContactRow[]).map((r) => ({ ...r, link_id: Number(r.link_id), user_id: Number(r.user_id) }));
}

export interface LinkRow { id: number; user_id: number; customer_id: number; role: LinkRole; status: LinkStatus }

/** The link, only if it belongs to that customer; locked so two concurrent changes serialise. */
export async function findCustomerLinkForUpdate(trx: Knex.Transaction, customerId: number, linkId: number): Promise<LinkRow | undefined> {
  const row = await trx('customer_links').where({ id: linkId, customer_id: customerId }).forUpdate().first('id', 'user_id', 'customer_id', 'role', 'status');
  return row ? { ...row, id: Number(row.id), user_id: Number(row.user_id), customer_id: Number(row.customer_id) } : undefined;
}

export async function liveLink(db: Knex, userId: number, customerId: number): Promise<LinkRow | undefined> {
  const row = await db('customer_links').where({ user_id: userId, customer_id: customerId }).whereNot('status', 'revoked').first('id', 'user_id', 'customer_id', 'role', 'status');
  return row ? { ...row, id: Number(row.id), user_id: Number(row.user_id), customer_id: Number(row.customer_id) } : undefined;
}

export async function insertContactLink(db: Knex, l: { userId: number; customerId: number; role: LinkRole; grantedBy: number | null; now: Date }): Promise<number> {
  const [row] = await db('customer_links').insert({ user_id: l.userId, customer_id: l.customerId, role: l.role, status: 'active', granted_by: l.grantedBy, granted_at: l.now }).returning('id');
  return Number(row.id);
}

export async function updateLinkRole(db: Knex, linkId: number, role: LinkRole): Promise<void> {
  await db('customer_links').where({ id: linkId }).update({ role });
}

export async function revokeLink(db: Knex, linkId: number, now: Date): Promise<void> {
  await db('customer_links').where({ id: linkId }).update({ status: 'revoked', revoked_at: now });
}

