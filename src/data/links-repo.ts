import type { Knex } from 'knex';
import type { LinkRole, LinkStatus, ManagerRelation, UserLink } from '../domain/access';

export async function linksForUser(db: Knex, userId: number): Promise<UserLink[]> {
  const rows = await db('customer_links').where({ user_id: userId }).whereNot('status', 'revoked').select('customer_id', 'role', 'status');
  return rows.map((r: { customer_id: number; role: LinkRole; status: LinkStatus }) => ({ customerId: r.customer_id, role: r.role, status: r.status }));
}

/** Active relations in which one of the given customers is the external manager. */
export async function relationsManagedBy(db: Knex, managerCustomerIds: number[]): Promise<ManagerRelation[]> {
  if (managerCustomerIds.length === 0) return [];
  const rows = await db('external_managers').whereIn('manager_customer_id', managerCustomerIds).where('status', 'active')
    .select('customer_id', 'manager_customer_id', 'status');
  return rows.map((r: { customer_id: number; manager_customer_id: number; status: ManagerRelation['status'] }) => ({
    customerId: r.customer_id, managerCustomerId: r.manager_customer_id, status: r.status,
  }));
}

export async function insertLink(db: Knex, l: { userId: number; customerId: number; role: LinkRole; grantedBy: number | null; now: Date }): Promise<void> {
  await db('customer_links').insert({ user_id: l.userId, customer_id: l.customerId, role: l.role, status: 'active', granted_by: l.grantedBy, granted_at: l.now });
}
