import type { Knex } from 'knex';
import type { BilledService } from '../domain/billing';
import { findService } from '../domain/maintenance-services';

export interface ContractServiceRow {
  id: number;
  contract_id: number;
  customer_id: number;
  service_code: string;
  monthly_fee_cents: number;
  permanence_months: number;
  start_date: string;
  end_date: string | null;
  created_at: Date;
  cancelled_at: Date | null;
}

const COLUMNS = [
  'id', 'contract_id', 'customer_id', 'service_code', 'monthly_fee_cents', 'permanence_months', 'start_date',
  'end_date', 'created_at', 'cancelled_at',
];

/** Dates come back as 'YYYY-MM-DD' whatever the driver's type parsing. */
function day(v: unknown): string {
  return v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);
}

function fromRow(r: ContractServiceRow): ContractServiceRow {
  return {
    ...r, id: Number(r.id), contract_id: Number(r.contract_id), customer_id: Number(r.customer_id),
    start_date: day(r.start_date), end_date: r.end_date === null ? null : day(r.end_date),
  };
}

/** Every service ever contracted on the contract, the newest first. */
export async function listContractServices(db: Knex, contractId: number): Promise<ContractServiceRow[]> {
  const rows = await db('contract_services').where({ contract_id: contractId })
    .orderBy([{ column: 'start_date', order: 'desc' }, { column: 'id', order: 'desc' }]).select(COLUMNS);
  return rows.map(fromRow);
}

export async function findContractService(
  db: Knex, contractId: number, id: number,
): Promise<ContractServiceRow | undefined> {
  const r = await db('contract_services').where({ id, contract_id: contractId }).first(COLUMNS);
  return r ? fromRow(r) : undefined;
}

export async function insertContractService(trx: Knex, v: {
  contractId: number; customerId: number; code: string; monthlyFeeCents: number; permanenceMonths: number;
  startDate: string; userId: number | null; now: Date;
}): Promise<number> {
  const [row] = await trx('contract_services').insert({
    contract_id: v.contractId, customer_id: v.customerId, service_code: v.code, monthly_fee_cents: v.monthlyFeeCents,
    permanence_months: v.permanenceMonths, start_date: v.startDate, created_by_user_id: v.userId, created_at: v.now,
  }).returning('id');
  return Number(row.id);
}

/** Sets the last day in force; only a service still in force (a second click changes nothing). */
export async function endContractService(
  trx: Knex, id: number, endDate: string, userId: number | null, now: Date,
): Promise<boolean> {
  const n = await trx('contract_services').where({ id }).whereNull('end_date')
    .update({ end_date: endDate, cancelled_by_user_id: userId, cancelled_at: now });
  return n > 0;
}

/**
 * A contract that ends on `endDate` takes its services with it: each one still in force after
 * that day ends that day (one not started yet is left with no day in force). Returns them as
 * they were before.
 */
export async function endServicesWithContract(
  trx: Knex, contractId: number, endDate: string, now: Date,
): Promise<ContractServiceRow[]> {
  const rows = await trx('contract_services').where({ contract_id: contractId })
    .where((w) => w.whereNull('end_date').orWhere('end_date', '>', endDate))
    .forUpdate().select(COLUMNS);
  if (rows.length === 0) return [];
  await trx('contract_services').whereIn('id', rows.map((r: { id: number }) => r.id))
    .update({ end_date: endDate, cancelled_at: now });
  return rows.map(fromRow);
}

/** The services of each contract in force on any day of the period, as the billing function takes them. */
export async function servicesForBilling(
  db: Knex, contractIds: number[], periodStart: string, periodEnd: string,
): Promise<Map<number, BilledService[]>> {
  const out = new Map<number, BilledService[]>();
  if (contractIds.length === 0) return out;
  const rows = await db('contract_services').whereIn('contract_id', contractIds)
    .where('start_date', '<=', periodEnd).where((w) => w.whereNull('end_date').orWhere('end_date', '>=', periodStart))
    .orderBy(['contract_id', 'start_date', 'id']).select(COLUMNS);
  for (const raw of rows) {
    const r = fromRow(raw);
    const list = out.get(r.contract_id) ?? [];
    list.push({
      name: findService(r.service_code)?.invoiceName ?? r.service_code, monthlyFeeCents: r.monthly_fee_cents,
      startDate: r.start_date, endDate: r.end_date,
    });
    out.set(r.contract_id, list);
  }
  return out;
}
