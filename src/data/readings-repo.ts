import type { Knex } from 'knex';
import type { LastReading, MeterRegisters } from '../domain/readings';

export type ReadingSource = 'distributor' | 'customer' | 'estimated';

export interface ReadingRow {
  id: number; supply_point_id: number; reading_date: string; source: ReadingSource;
  p1_kwh: number; p2_kwh: number | null; p3_kwh: number | null; created_by: number | null; created_at: Date;
}

/** Registers as the domain sees them: periods when P2/P3 are stored, a single total otherwise (gas too). */
export function registersOf(row: Pick<ReadingRow, 'p1_kwh' | 'p2_kwh' | 'p3_kwh'>): MeterRegisters {
  return row.p2_kwh === null || row.p3_kwh === null ? { total: row.p1_kwh } : {
    P1: row.p1_kwh, P2: row.p2_kwh, P3: row.p3_kwh,
  };
}

export function asLastReading(row: ReadingRow | undefined): LastReading | null {
  return row ? { date: row.reading_date, registers: registersOf(row) } : null;
}

/** The latest reading of a supply point (by reading date, then the latest recorded). */
export async function lastReading(db: Knex, supplyPointId: number): Promise<ReadingRow | undefined> {
  return db('meter_readings').where({ supply_point_id: supplyPointId })
    .orderBy([{ column: 'reading_date', order: 'desc' }, { column: 'id', order: 'desc' }]).first();
}

/** Serialises readings of one supply point: concurrent submissions compare with each other's result. */
export async function lockSupplyPoint(trx: Knex.Transaction, supplyPointId: number): Promise<boolean> {
  const row = await trx('supply_points').where({ id: supplyPointId }).forUpdate().first('id');
  return !!row;
}

export async function insertReading(db: Knex, r: {
  supplyPointId: number; date: string; source: ReadingSource;
  registers: MeterRegisters; createdBy: number | null; now: Date;
}): Promise<number> {
  const reg = r.registers;
  const [row] = await db('meter_readings').insert({
    supply_point_id: r.supplyPointId, reading_date: r.date, source: r.source,
    p1_kwh: 'total' in reg ? reg.total : reg.P1,
    p2_kwh: 'total' in reg ? null : reg.P2,
    p3_kwh: 'total' in reg ? null : reg.P3,
    created_by: r.createdBy, created_at: r.now,
  }).returning('id');
  return row.id;
}

/** The last `months` billed months of consumption before `beforeMonth` (YYYY-MM), newest first. */
export async function recentConsumption(
  db: Knex, contractId: number, beforeMonth: string, months = 12,
): Promise<{ month: string; P1: number; P2: number; P3: number }[]> {
  const rows = await db('consumption').where('contract_id', contractId).where('month', '<', `${beforeMonth}-01`)
    .orderBy('month', 'desc').limit(months).select('month', 'p1_kwh', 'p2_kwh', 'p3_kwh');
  return rows.map(
    (r: { month: string; p1_kwh: number; p2_kwh: number; p3_kwh: number }) => (
      { month: r.month.slice(0, 7), P1: r.p1_kwh, P2: r.p2_kwh, P3: r.p3_kwh }
    ),
  );
}

/** The newest power change of a contract still waiting for the distributor, if any. */
export async function pendingPowerChange(
  db: Knex, contractId: number,
): Promise<{ id: number; reference: string; created_at: Date } | undefined> {
  return db('requests').where({ contract_id: contractId, type: 'power_change' }).whereIn(
    'status', ['recibida', 'en_tramite'],
  )
    .orderBy('created_at', 'desc').orderBy('id', 'desc').first('id', 'reference', 'created_at');
}
