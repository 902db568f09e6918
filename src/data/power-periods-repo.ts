import type { Knex } from 'knex';
import type { PowerPeriod } from '../domain/power-periods';

/** contract_power_periods: the powers of a contract from a day on. */

interface Row { contract_id: number | string; valid_from: string; p1_kw: string | number; p2_kw: string | number }

function toPeriod(r: Row): PowerPeriod {
  return { validFrom: r.valid_from, P1: Number(r.p1_kw), P2: Number(r.p2_kw) };
}

/** The schedules of many contracts in one query (a billing batch), oldest entry first. */
export async function powerSchedules(db: Knex, contractIds: readonly number[]): Promise<Map<number, PowerPeriod[]>> {
  const out = new Map<number, PowerPeriod[]>();
  if (contractIds.length === 0) return out;
  const rows: Row[] = await db('contract_power_periods').whereIn('contract_id', contractIds)
    .orderBy(['contract_id', 'valid_from'])
    .select('contract_id', 'valid_from', 'p1_kw', 'p2_kw');
  for (const r of rows) {
    const id = Number(r.contract_id);
    if (!out.has(id)) out.set(id, []);
    out.get(id)!.push(toPeriod(r));
  }
  return out;
}

export async function powerSchedule(db: Knex, contractId: number): Promise<PowerPeriod[]> {
  return (await powerSchedules(db, [contractId])).get(contractId) ?? [];
}

/** A new entry; the same day again replaces the powers of that day (a corrected answer). */
export async function insertPowerPeriod(
  db: Knex, p: { contractId: number; validFrom: string; P1: number; P2: number; requestId: number | null; now: Date },
): Promise<void> {
  await db('contract_power_periods')
    .insert({
      contract_id: p.contractId, valid_from: p.validFrom, p1_kw: p.P1, p2_kw: p.P2,
      request_id: p.requestId, created_at: p.now,
    })
    .onConflict(['contract_id', 'valid_from']).merge(['p1_kw', 'p2_kw', 'request_id', 'created_at']);
}

/** The last day already invoiced for a contract (its newest ordinary invoice's period end). */
export async function lastInvoicedDay(db: Knex, contractId: number): Promise<string | null> {
  const row = await db('invoices').where({ contract_id: contractId })
    .max<{ max: string | null }>('period_end as max').first();
  return row?.max ?? null;
}

/** The supply point's powers are the latest agreed ones (what a new change starts from). */
export async function setSupplyPointPower(
  db: Knex, supplyPointId: number, p: { P1: number; P2: number },
): Promise<void> {
  await db('supply_points').where({ id: supplyPointId }).update({ power_p1_kw: p.P1, power_p2_kw: p.P2 });
}
