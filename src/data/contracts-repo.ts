import type { Knex } from 'knex';
import { queryFirst, queryRows, statement } from './direct-query';

export interface ContractView {
  id: number; number: string; customer_id: number; status: 'active' | 'ended';
  product_code: string; start_date: string; e_billing: boolean;
  customer_name: string; customer_tax_id: string; customer_kind: string;
  ca_id: number; ca_number: string; billing_name: string;
  billing_street: string; billing_number: string; billing_floor_door: string | null;
  billing_postal_code: string; billing_municipality: string; billing_province: string;
  corr_street: string | null; corr_number: string | null; corr_floor_door: string | null;
  corr_postal_code: string | null; corr_municipality: string | null; corr_province: string | null;
  iban: string | null; iban_holder: string | null; direct_debit: boolean; payment_day: number | null;
  alt_payer_name: string | null; alt_recipient_name: string | null;
  sp_id: number; cups: string; energy: 'electricity' | 'gas'; tariff: string; distributor: string;
  street: string; sp_number: string; floor_door: string | null;
  postal_code: string; municipality: string; province: string;
  power_p1_kw: number | null; power_p2_kw: number | null;
}

const CONTRACT = statement(`
  select c.id, c.number, c.customer_id, c.status, c.product_code, c.start_date, c.e_billing,
    cu.name as customer_name, cu.tax_id as customer_tax_id, cu.kind as customer_kind,
    ca.id as ca_id, ca.number as ca_number, ca.billing_name, ca.billing_street, ca.billing_number,
    ca.billing_floor_door, ca.billing_postal_code, ca.billing_municipality, ca.billing_province,
    ca.corr_street, ca.corr_number, ca.corr_floor_door, ca.corr_postal_code, ca.corr_municipality,
    ca.corr_province,
    ca.iban, ca.iban_holder, ca.direct_debit, ca.payment_day, ca.alt_payer_name, ca.alt_recipient_name,
    sp.id as sp_id, sp.cups, sp.energy, sp.tariff, sp.distributor, sp.street, sp.number as sp_number,
    sp.floor_door, sp.postal_code, sp.municipality, sp.province, sp.power_p1_kw, sp.power_p2_kw
  from contracts c
  join customers cu on cu.id = c.customer_id
  join contract_accounts ca on ca.id = c.contract_account_id
  join supply_points sp on sp.id = c.supply_point_id
  where c.id = $1`);

export async function findContract(db: Knex, id: number): Promise<ContractView | undefined> {
  return queryFirst<ContractView>(db, CONTRACT, [id]);
}

const CONTRACT_CUSTOMER = statement('select customer_id from contracts where id = $1');

/** Only the owner, for the access check before anything else is loaded. */
export async function contractCustomer(db: Knex, id: number): Promise<number | undefined> {
  return (await queryFirst<{ customer_id: number }>(db, CONTRACT_CUSTOMER, [id]))?.customer_id;
}

export async function setEBilling(db: Knex, id: number, on: boolean): Promise<void> {
  await db('contracts').where({ id }).update({ e_billing: on });
}

const MONTHLY_CONSUMPTION = statement(`
  select month, p1_kwh, p2_kwh, p3_kwh from consumption
  where contract_id = $1 and month between $2 and $3 order by month`);

export async function monthlyConsumption(
  db: Knex, contractId: number, fromMonth: string, toMonth: string,
): Promise<{ month: string; P1: number; P2: number; P3: number }[]> {
  const rows = await queryRows<{ month: string; p1_kwh: number; p2_kwh: number; p3_kwh: number }>(
    db, MONTHLY_CONSUMPTION, [contractId, `${fromMonth}-01`, `${toMonth}-01`],
  );
  return rows.map((r) => ({ month: r.month.slice(0, 7), P1: r.p1_kwh, P2: r.p2_kwh, P3: r.p3_kwh }));
}

/** A contract's supply ends on this day (cancellation): nothing is billed after it. */
export async function endContract(db: Knex, contractId: number, endDate: string): Promise<void> {
  await db('contracts').where({ id: contractId }).update({ status: 'ended', end_date: endDate });
}
