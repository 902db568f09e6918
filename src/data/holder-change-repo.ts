import type { Knex } from 'knex';

/** The rows a change of holder creates: the new holder's customer, contract account and contract. */

export async function insertCustomer(db: Knex, c: {
  taxId: string; kind: 'individual' | 'company'; name: string; email: string; phone: string | null; now: Date;
}): Promise<number> {
  const [row] = await db('customers')
    .insert({ tax_id: c.taxId, kind: c.kind, name: c.name, email: c.email, phone: c.phone, created_at: c.now })
    .returning('id');
  return Number(row.id);
}

/**
 * The next 12-digit number of a table (contract accounts, contracts). Called under the
 * request's lock; the unique index still refuses a number taken by a concurrent writer.
 */
export async function nextNumber(db: Knex, table: 'contract_accounts' | 'contracts'): Promise<string> {
  const row = await db(table).whereRaw("number ~ '^[0-9]{12}$'").max<{ max: string | null }>('number as max').first();
  const next = row?.max ? BigInt(row.max) + 1n : 100_000_000_001n;
  return String(next).padStart(12, '0');
}

export interface NewAccount {
  number: string; customerId: number; billingName: string;
  billing: {
    street: string; number: string; floor_door: string | null; postal_code: string;
    municipality: string; province: string;
  };
  iban: string; ibanHolder: string; mandateRef: string; now: Date;
}

export async function insertContractAccount(db: Knex, a: NewAccount): Promise<number> {
  const [row] = await db('contract_accounts').insert({
    number: a.number, customer_id: a.customerId, billing_name: a.billingName,
    billing_street: a.billing.street, billing_number: a.billing.number, billing_floor_door: a.billing.floor_door,
    billing_postal_code: a.billing.postal_code, billing_municipality: a.billing.municipality,
    billing_province: a.billing.province, iban: a.iban, iban_holder: a.ibanHolder, direct_debit: true,
    mandate_ref: a.mandateRef, mandate_signed_at: a.now, created_at: a.now,
  }).returning('id');
  return Number(row.id);
}

export async function insertContract(db: Knex, c: {
  number: string; accountId: number; supplyPointId: number; customerId: number; productCode: string; startDate: string;
  eBilling: boolean; now: Date;
}): Promise<number> {
  const [row] = await db('contracts').insert({
    number: c.number, contract_account_id: c.accountId, supply_point_id: c.supplyPointId, customer_id: c.customerId,
    product_code: c.productCode, status: 'active', start_date: c.startDate, e_billing: c.eBilling, created_at: c.now,
  }).returning('id');
  return Number(row.id);
}

/** The customer's email on file and name, for the current holder's confirmation link. */
export async function customerContact(db: Knex, id: number):
  Promise<{ email: string | null; name: string } | undefined> {
  return db('customers').where({ id }).first('email', 'name');
}

/** A contract that has ended can be read (its invoices) but no longer acted on. */
export async function contractEnded(db: Knex, id: number): Promise<boolean> {
  const row = await db('contracts').where({ id }).first('status');
  return row?.status === 'ended';
}
