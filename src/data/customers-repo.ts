import type { Knex } from 'knex';
import type { HolderRecord } from '../domain/registration';

export interface CustomerRow {
  id: number;
  tax_id: string;
  kind: 'individual' | 'company' | 'community';
  name: string;
  representative_nif: string | null;
  email: string | null;
  phone: string | null;
}

export async function findCustomerByTaxId(db: Knex, taxId: string): Promise<CustomerRow | undefined> {
  return db('customers').where({ tax_id: taxId }).first();
}

export async function findCustomersByIds(db: Knex, ids: number[]): Promise<CustomerRow[]> {
  if (ids.length === 0) return [];
  return db('customers').whereIn('id', ids).orderBy('name');
}

/** What registration and contract-data recovery compare the user's claims with. */
export async function holderRecord(db: Knex, taxId: string): Promise<(
  HolderRecord & { customerId: number; name: string }
) | null> {
  const c = await findCustomerByTaxId(db, taxId);
  if (!c) return null;
  const accounts = await db('contract_accounts').where({ customer_id: c.id }).select('number', 'iban', 'direct_debit');
  const paid = await db('invoices').where({ customer_id: c.id, status: 'paid' })
    .orderBy('issue_date', 'desc').limit(3).pluck('total_cents');
  return {
    customerId: c.id,
    name: c.name,
    customerTaxId: c.tax_id,
    customerKind: c.kind,
    representativeNif: c.representative_nif,
    accounts: accounts.map(
      (a: { number: string; iban: string | null; direct_debit: boolean }) => (
        { number: a.number, iban: a.iban, directDebit: a.direct_debit }
      ),
    ),
    lastPaidInvoiceTotalsCents: paid as number[],
  };
}

/** The customer holding a contract account, for recovery by contract data. */
export async function customerByContractAccount(db: Knex, number: string): Promise<CustomerRow | undefined> {
  return db('customers as c').join(
    'contract_accounts as ca', 'ca.customer_id', 'c.id',
  ).where('ca.number', number).first('c.*');
}

/** The IBAN on a contract account, for recovery by contract data. */
export async function contractAccountIban(db: Knex, number: string): Promise<string | null> {
  const row = await db('contract_accounts').where({ number }).first('iban');
  return row?.iban ?? null;
}
