import type { Knex } from 'knex';
import type { Address } from '../domain/postal';

/**
 * A contract account (cuenta contrato): what a change of bank account, payment day or
 * correspondence address touches.
 */
export interface ContractAccountRow {
  id: number;
  number: string;
  customer_id: number;
  iban: string | null;
  iban_holder: string | null;
  direct_debit: boolean;
  mandate_ref: string | null;
  mandate_signed_at: Date | null;
  payment_day: number | null;
  corr_street: string | null;
  corr_number: string | null;
  corr_floor_door: string | null;
  corr_postal_code: string | null;
  corr_municipality: string | null;
  corr_province: string | null;
}

const COLUMNS = [
  'id', 'number', 'customer_id', 'iban', 'iban_holder', 'direct_debit', 'mandate_ref', 'mandate_signed_at',
  'payment_day', 'corr_street', 'corr_number', 'corr_floor_door', 'corr_postal_code', 'corr_municipality',
  'corr_province',
];

/** Locks the account for the rest of the transaction, so concurrent changes apply one after the other. */
export async function lockContractAccount(trx: Knex.Transaction, id: number): Promise<ContractAccountRow | undefined> {
  return trx('contract_accounts').where({ id }).forUpdate().first(COLUMNS);
}

export async function findContractAccount(db: Knex, id: number): Promise<ContractAccountRow | undefined> {
  return db('contract_accounts').where({ id }).first(COLUMNS);
}

export async function setDirectDebit(
  db: Knex, id: number, d: { iban: string; holder: string; mandateRef: string; signedAt: Date },
): Promise<void> {
  await db('contract_accounts').where({ id }).update(
    {
      iban: d.iban, iban_holder: d.holder, direct_debit: true, mandate_ref: d.mandateRef, mandate_signed_at: d.signedAt,
    },
  );
}

export async function setPaymentDay(db: Knex, id: number, day: number): Promise<void> {
  await db('contract_accounts').where({ id }).update({ payment_day: day });
}

export async function setCorrespondenceAddress(db: Knex, id: number, a: Address): Promise<void> {
  await db('contract_accounts').where({ id }).update({
    corr_street: a.street, corr_number: a.number, corr_floor_door: a.floorDoor, corr_postal_code: a.postalCode,
    corr_municipality: a.municipality, corr_province: a.province,
  });
}

export interface AccountContract {
  id: number; status: string; cups: string; energy: 'electricity' | 'gas';
  street: string; number: string; floor_door: string | null; municipality: string;
}

/** Every contract of the account (a change to the account applies to all of them). */
export async function contractsOfAccount(db: Knex, contractAccountId: number): Promise<AccountContract[]> {
  return db('contracts as c').join('supply_points as sp', 'sp.id', 'c.supply_point_id')
    .where('c.contract_account_id', contractAccountId)
    .orderBy([{ column: 'c.status' }, { column: 'c.id' }])
    .select('c.id', 'c.status', 'sp.cups', 'sp.energy', 'sp.street', 'sp.number', 'sp.floor_door', 'sp.municipality');
}
