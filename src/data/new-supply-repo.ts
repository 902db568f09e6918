import type { Knex } from 'knex';
import type { Energy } from '../domain/billing-types';
import type { SupplyAtAddress } from '../domain/new-supply';

/** Contracting another energy or a new supply: what the offer reads and what completion writes. */

interface SupplyRow {
  contract_id: number | string;
  customer_id: number | string;
  energy: Energy;
  street: string;
  number: string;
  floor_door: string | null;
  postal_code: string;
  municipality: string;
  province: string;
}

/** The active supplies of the given customers with their addresses, oldest contract first. */
export async function activeSuppliesAt(db: Knex, customerIds: readonly number[]): Promise<SupplyAtAddress[]> {
  if (customerIds.length === 0) return [];
  const rows: SupplyRow[] = await db('contracts as c')
    .join('supply_points as sp', 'sp.id', 'c.supply_point_id')
    .whereRaw('c.customer_id = any(?::bigint[])', [[...customerIds]])
    .where('c.status', 'active')
    .orderBy('c.id')
    .select(
      'c.id as contract_id',
      'c.customer_id',
      'sp.energy',
      'sp.street',
      'sp.number',
      'sp.floor_door',
      'sp.postal_code',
      'sp.municipality',
      'sp.province',
    );
  return rows.map((r) => ({
    contractId: Number(r.contract_id),
    customerId: Number(r.customer_id),
    energy: r.energy,
    address: {
      street: r.street,
      number: r.number,
      floorDoor: r.floor_door,
      postalCode: r.postal_code,
      municipality: r.municipality,
      province: r.province,
    },
  }));
}

export interface AccountChoice {
  id: number;
  number: string;
  iban: string | null;
  direct_debit: boolean;
  billing_street: string;
  billing_number: string;
  billing_municipality: string;
}

/** The customer's contract accounts, for "use my existing contract account". */
export async function contractAccountsOf(db: Knex, customerId: number): Promise<AccountChoice[]> {
  return db('contract_accounts')
    .where({ customer_id: customerId })
    .orderBy('id')
    .select('id', 'number', 'iban', 'direct_debit', 'billing_street', 'billing_number', 'billing_municipality');
}

/** Serialises contracting for one customer, so two submissions for one address cannot both pass. */
export async function lockCustomer(
  trx: Knex,
  customerId: number,
): Promise<{ id: number; name: string; kind: string } | undefined> {
  return trx('customers').where({ id: customerId }).forUpdate().first('id', 'name', 'kind');
}

/** The open contracting request of a customer for an address and energy, if any. */
export async function openLeadFor(
  db: Knex,
  customerId: number,
  key: string,
  energy: Energy,
): Promise<{ id: number; reference: string } | undefined> {
  return db('requests')
    .where({ customer_id: customerId })
    .whereIn('type', ['new_energy', 'new_supply'])
    .whereIn('status', ['recibida', 'en_tramite'])
    .whereRaw("payload->>'addressKey' = ?", [key])
    .whereRaw("payload->>'energy' = ?", [energy])
    .orderBy('id')
    .first('id', 'reference');
}

export async function saveBankDetails(
  db: Knex,
  d: { requestId: number; iban: string; holder: string; at: Date },
): Promise<void> {
  await db('new_supply_bank_details').insert({
    request_id: d.requestId,
    iban: d.iban,
    iban_holder: d.holder,
    mandate_accepted_at: d.at,
  });
}

/** The IBAN waiting for completion; removed once it is on the new contract account. */
export async function takeBankDetails(
  db: Knex,
  requestId: number,
): Promise<{ iban: string; iban_holder: string; mandate_accepted_at: Date } | undefined> {
  const row = await db('new_supply_bank_details')
    .where({ request_id: requestId })
    .first('iban', 'iban_holder', 'mandate_accepted_at');
  if (row) await db('new_supply_bank_details').where({ request_id: requestId }).delete();
  return row;
}

/** A refused request keeps no bank details: they were only ever for the account it would have created. */
export async function dropBankDetails(db: Knex, requestId: number): Promise<void> {
  await db('new_supply_bank_details').where({ request_id: requestId }).delete();
}

export async function nextNumber(
  db: Knex,
  sequence: 'contract_number_seq' | 'contract_account_number_seq',
): Promise<string> {
  const r = await db.raw('select nextval(?::regclass)::text as n', [sequence]);
  return (r.rows[0] as { n: string }).n;
}

export async function findAccountByNumber(
  db: Knex,
  customerId: number,
  number: string,
): Promise<{ id: number } | undefined> {
  return db('contract_accounts').where({ customer_id: customerId, number }).first('id');
}

export interface NewAccount {
  number: string;
  customerId: number;
  billingName: string;
  street: string;
  number_: string;
  floorDoor: string | null;
  postalCode: string;
  municipality: string;
  province: string;
  iban: string;
  holder: string;
  mandateRef: string;
  signedAt: Date;
}

export async function insertContractAccount(db: Knex, a: NewAccount): Promise<number> {
  const [row] = await db('contract_accounts')
    .insert({
      number: a.number,
      customer_id: a.customerId,
      billing_name: a.billingName,
      billing_street: a.street,
      billing_number: a.number_,
      billing_floor_door: a.floorDoor,
      billing_postal_code: a.postalCode,
      billing_municipality: a.municipality,
      billing_province: a.province,
      iban: a.iban,
      iban_holder: a.holder,
      direct_debit: true,
      mandate_ref: a.mandateRef,
      mandate_signed_at: a.signedAt,
    })
    .returning('id');
  return Number(row.id);
}

/** A supply point by CUPS, with whether an active contract runs on it. */
export async function supplyPointByCups(
  db: Knex,
  cups: string,
): Promise<{ id: number; energy: Energy; active: boolean } | undefined> {
  const sp = await db('supply_points').where({ cups }).first('id', 'energy');
  if (!sp) return undefined;
  const active = await db('contracts').where({ supply_point_id: sp.id, status: 'active' }).first('id');
  return { id: Number(sp.id), energy: sp.energy, active: !!active };
}

export async function insertSupplyPoint(
  db: Knex,
  s: {
    cups: string;
    energy: Energy;
    tariff: string;
    street: string;
    number: string;
    floorDoor: string | null;
    postalCode: string;
    municipality: string;
    province: string;
    powerKw: number | null;
    distributor: string;
  },
): Promise<number> {
  const [row] = await db('supply_points')
    .insert({
      cups: s.cups,
      energy: s.energy,
      tariff: s.tariff,
      street: s.street,
      number: s.number,
      floor_door: s.floorDoor,
      postal_code: s.postalCode,
      municipality: s.municipality,
      province: s.province,
      power_p1_kw: s.powerKw,
      power_p2_kw: s.powerKw,
      distributor: s.distributor,
    })
    .returning('id');
  return Number(row.id);
}

export async function insertContract(
  db: Knex,
  c: {
    number: string;
    accountId: number;
    supplyPointId: number;
    customerId: number;
    productCode: string;
    startDate: string;
    now: Date;
  },
): Promise<number> {
  const [row] = await db('contracts')
    .insert({
      number: c.number,
      contract_account_id: c.accountId,
      supply_point_id: c.supplyPointId,
      customer_id: c.customerId,
      product_code: c.productCode,
      status: 'active',
      start_date: c.startDate,
      e_billing: false,
      created_at: c.now,
    })
    .returning('id');
  return Number(row.id);
}

/** A supply point that had a contract before gets the new contract's tariff, powers and distributor. */
export async function refreshSupplyPoint(
  db: Knex,
  id: number,
  s: { tariff: string; powerKw: number | null; distributor: string },
): Promise<void> {
  await db('supply_points')
    .where({ id })
    .update({ tariff: s.tariff, power_p1_kw: s.powerKw, power_p2_kw: s.powerKw, distributor: s.distributor });
}

export async function setRequestContract(db: Knex, requestId: number, contractId: number): Promise<void> {
  await db('requests').where({ id: requestId }).update({ contract_id: contractId });
}
