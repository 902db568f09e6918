import type { Knex } from 'knex';
import type { LinkRole, LinkStatus } from '../domain/access';
import type { CustomerRow } from './customers-repo';

/** Links and customers as the representative change and the CIF migration read and change them. */

export interface CustomerLinkRow {
  link_id: number;
  user_id: number;
  role: LinkRole;
  status: LinkStatus;
  login_id: string;
  first_name: string;
  last_name: string;
  email: string;
  language: 'es' | 'ca';
  user_status: string;
}

/** The customer's live (not revoked) links with their users, representative first. */
export async function liveLinksOfCustomer(db: Knex, customerId: number): Promise<CustomerLinkRow[]> {
  return db('customer_links as l').join('users as u', 'u.id', 'l.user_id')
    .where('l.customer_id', customerId).whereNot('l.status', 'revoked')
    .orderByRaw(
      "case l.role when 'representative' then 0 when 'holder' then 1 when 'authorized_full' then 2 else 3 end",
    )
    .orderBy('u.first_name').orderBy('l.id')
    .select(
      'l.id as link_id', 'l.user_id', 'l.role', 'l.status', 'u.login_id', 'u.first_name', 'u.last_name', 'u.email',
      'u.language', 'u.status as user_status',
    );
}

export async function liveLinksOfUser(
  db: Knex, userId: number,
): Promise<{ link_id: number; customer_id: number; role: LinkRole; status: LinkStatus }[]> {
  return db('customer_links').where({ user_id: userId }).whereNot('status', 'revoked')
    .orderBy('id').select('id as link_id', 'customer_id', 'role', 'status');
}

export async function findCustomer(db: Knex, id: number): Promise<CustomerRow | undefined> {
  return db('customers').where({ id }).first();
}

/** Serialises requests and approvals on one customer (one open change at a time). */
export async function lockCustomer(trx: Knex.Transaction, id: number): Promise<CustomerRow | undefined> {
  return trx('customers').where({ id }).forUpdate().first();
}

export async function customersByIds(db: Knex, ids: number[]): Promise<CustomerRow[]> {
  if (ids.length === 0) return [];
  return db('customers').whereIn('id', ids);
}

export async function setRepresentativeNif(db: Knex, customerId: number, nif: string): Promise<void> {
  await db('customers').where({ id: customerId }).update({ representative_nif: nif });
}

/** A request of the type still waiting for a decision (recibida or en trámite). */
export async function openRequestOfType(
  db: Knex, customerId: number, type: string,
): Promise<{ id: number; reference: string } | undefined> {
  return db('requests').where({ customer_id: customerId, type }).whereIn('status', ['recibida', 'en_tramite']).first(
    'id', 'reference',
  );
}

export async function setLinkRole(
  db: Knex, linkId: number, role: LinkRole, grantedBy: number | null, now: Date,
): Promise<void> {
  await db('customer_links').where({ id: linkId }).update(
    { role, status: 'active', granted_by: grantedBy, granted_at: now, revoked_at: null },
  );
}

export async function revokeLink(db: Knex, linkId: number, now: Date): Promise<void> {
  await db('customer_links').where({ id: linkId }).update({ status: 'revoked', revoked_at: now });
}

export async function addLink(
  db: Knex, l: { userId: number; customerId: number; role: LinkRole; grantedBy: number | null; now: Date },
): Promise<number> {
  const [row] = await db('customer_links').insert(
    {
      user_id: l.userId, customer_id: l.customerId, role: l.role, status: 'active', granted_by: l.grantedBy,
      granted_at: l.now,
    },
  ).returning('id');
  return row.id;
}
