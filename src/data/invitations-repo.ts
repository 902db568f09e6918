import type { Knex } from 'knex';
import type { InvitationRole, InvitationStatus } from '../domain/contacts';

export interface InvitationRow {
  id: number;
  customer_id: number;
  nif: string;
  email: string;
  first_name: string;
  last_name: string;
  role: InvitationRole;
  expires_at: Date;
  status: InvitationStatus;
  invited_by: number | null;
  created_at: Date;
}

const COLUMNS = [
  'id', 'customer_id', 'nif', 'email', 'first_name', 'last_name', 'role', 'expires_at', 'status', 'invited_by',
  'created_at',
];

function fromDb(r: InvitationRow): InvitationRow {
  return {
    ...r, id: Number(r.id), customer_id: Number(r.customer_id),
    invited_by: r.invited_by === null ? null : Number(r.invited_by), expires_at: new Date(r.expires_at),
    created_at: new Date(r.created_at),
  };
}

export interface NewInvitation {
  customerId: number; nif: string; email: string; firstName: string; lastName: string; role: InvitationRole;
  /** Null when an administrator's approval issues it (staff are not users). */
  tokenHash: string; expiresAt: Date; invitedBy: number | null; now: Date;
}

export async function insertInvitation(db: Knex, i: NewInvitation): Promise<number> {
  const [row] = await db('contact_invitations').insert({
    customer_id: i.customerId, nif: i.nif, email: i.email, first_name: i.firstName, last_name: i.lastName, role: i.role,
    token_hash: i.tokenHash, expires_at: i.expiresAt, status: 'pending', invited_by: i.invitedBy, created_at: i.now,
    updated_at: i.now,
  }).returning('id');
  return Number(row.id);
}

/** Pending ones (expired included, so the list can say so) of a customer, newest first. */
export async function pendingInvitations(db: Knex, customerId: number): Promise<InvitationRow[]> {
  const rows = await db('contact_invitations').where({ customer_id: customerId, status: 'pending' }).orderBy(
    'created_at', 'desc',
  ).select(COLUMNS);
  return rows.map(fromDb);
}

export async function pendingInvitationFor(
  db: Knex, customerId: number, nif: string,
): Promise<InvitationRow | undefined> {
  const row = await db('contact_invitations').where(
    { customer_id: customerId, nif, status: 'pending' },
  ).forUpdate().first(COLUMNS);
  return row ? fromDb(row) : undefined;
}

export async function findCustomerInvitationForUpdate(
  trx: Knex.Transaction, customerId: number, id: number,
): Promise<InvitationRow | undefined> {
  const row = await trx('contact_invitations').where({ id, customer_id: customerId }).forUpdate().first(COLUMNS);
  return row ? fromDb(row) : undefined;
}

export async function findInvitationByHash(
  db: Knex, tokenHash: string, lock = false,
): Promise<InvitationRow | undefined> {
  const q = db('contact_invitations').where({ token_hash: tokenHash });
  if (lock) q.forUpdate();
  const row = await q.first(COLUMNS);
  return row ? fromDb(row) : undefined;
}

export async function cancelInvitation(db: Knex, id: number, now: Date): Promise<void> {
  await db('contact_invitations').where({ id }).update({ status: 'cancelled', updated_at: now });
}

export async function markInvitationAccepted(db: Knex, id: number, userId: number, now: Date): Promise<void> {
  await db('contact_invitations').where({ id }).update(
    { status: 'accepted', accepted_user_id: userId, accepted_at: now, updated_at: now },
  );
}

/** A customer has one representative: a newer approval voids the invitations of earlier ones. */
export async function cancelRepresentativeInvitations(db: Knex, customerId: number, now: Date): Promise<void> {
  await db('contact_invitations').where({ customer_id: customerId, role: 'representative', status: 'pending' }).update(
    { status: 'cancelled', updated_at: now },
  );
}
