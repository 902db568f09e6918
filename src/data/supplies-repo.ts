import type { Knex } from 'knex';

export interface SupplyListRow {
  customer_id: number;
  customer_name: string;
  customer_tax_id: string;
  contract_id: number;
  contract_number: string;
  cups: string;
  energy: 'electricity' | 'gas';
  tariff: string;
  street: string;
  number: string;
  floor_door: string | null;
  postal_code: string;
  municipality: string;
  e_billing: boolean;
  alt_payer_name: string | null;
  alt_recipient_name: string | null;
}

/** Active contracts of the given customers with their supply addresses, in one query. */
export async function suppliesOfCustomers(db: Knex, customerIds: number[]): Promise<SupplyListRow[]> {
  if (customerIds.length === 0) return [];
  return db('contracts as c')
    .join('customers as cu', 'cu.id', 'c.customer_id')
    .join('supply_points as sp', 'sp.id', 'c.supply_point_id')
    .join('contract_accounts as ca', 'ca.id', 'c.contract_account_id')
    .whereIn('c.customer_id', customerIds)
    .where('c.status', 'active')
    .orderBy([{ column: 'cu.name' }, { column: 'sp.street' }, { column: 'sp.energy' }])
    .select('c.customer_id', 'cu.name as customer_name', 'cu.tax_id as customer_tax_id', 'c.id as contract_id', 'c.number as contract_number',
      'sp.cups', 'sp.energy', 'sp.tariff', 'sp.street', 'sp.number', 'sp.floor_door', 'sp.postal_code', 'sp.municipality', 'c.e_billing', 'ca.alt_payer_name', 'ca.alt_recipient_name');
}
