import type { Knex } from 'knex';

export interface CertificateTicketRow {
  id: number;
  ticket_hash: string;
  person_id: string;
  entity_cif: string | null;
  first_name: string | null;
  last_name: string | null;
  issuer: string;
  serial: string;
  state_hash: string;
  expires_at: Date;
  used_at: Date | null;
}

export interface NewCertificateTicket {
  hash: string;
  personId: string;
  entityCif: string | null;
  firstName: string | null;
  lastName: string | null;
  issuer: string;
  serial: string;
  stateHash: string;
  expiresAt: Date;
  now: Date;
}

export async function insertCertificateTicket(db: Knex, t: NewCertificateTicket): Promise<void> {
  await db('certificate_login_tickets').insert({
    ticket_hash: t.hash, person_id: t.personId, entity_cif: t.entityCif, first_name: t.firstName?.slice(0, 100) ?? null,
    last_name: t.lastName?.slice(0, 150) ?? null, issuer: t.issuer.slice(0, 300), serial: t.serial.slice(0, 80),
    state_hash: t.stateHash, expires_at: t.expiresAt, created_at: t.now,
  });
  // Old tickets are worthless after their minute; keep the table small.
  await db('certificate_login_tickets').where('expires_at', '<', new Date(t.now.getTime() - 24 * 3600_000)).delete();
}

export async function findCertificateTicketForUpdate(
  trx: Knex.Transaction, hash: string,
): Promise<CertificateTicketRow | undefined> {
  return trx('certificate_login_tickets').where({ ticket_hash: hash }).forUpdate().first();
}

export async function markCertificateTicketUsed(db: Knex, id: number, now: Date): Promise<void> {
  await db('certificate_login_tickets').where({ id }).update({ used_at: now });
}

export async function setCertificateLogin(db: Knex, userId: number, enabled: boolean, now: Date): Promise<void> {
  await db('users').where({ id: userId }).update({ certificate_login: enabled, updated_at: now });
}

export async function certificateLoginEnabled(db: Knex, userId: number): Promise<boolean> {
  const row = await db('users').where({ id: userId }).first('certificate_login');
  return row?.certificate_login !== false;
}

export interface ProvenCustomer {
  id: number;
  name: string;
  kind: 'individual' | 'company' | 'community';
  role: 'holder' | 'representative';
}

/**
 * The customers a proven NIF may register for: the individual whose tax id it is, and the
 * companies whose representative on file it is.
 */
export async function customersForProvenNif(db: Knex, nif: string): Promise<ProvenCustomer[]> {
  const rows: { id: number; name: string; kind: ProvenCustomer['kind']; tax_id: string }[] = await db('customers')
    .where(
      (q) => q.where({ tax_id: nif, kind: 'individual' }).orWhere(
        (w) => w.where({ representative_nif: nif }).whereNot('kind', 'individual'),
      ),
    )
    .orderBy('id').limit(200).select('id', 'name', 'kind', 'tax_id');
  return rows.map(
    (r) => (
      {
        id: Number(r.id), name: r.name, kind: r.kind,
        role: r.tax_id === nif && r.kind === 'individual' ? 'holder' : 'representative',
      }
    ),
  );
}
