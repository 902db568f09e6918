import type { Knex } from 'knex';
import { managesAnyoneSql } from './links-repo';
import type { BilledDiscount } from '../domain/billing';

export interface AcceptanceRow {
  id: number;
  promotion_id: number;
  contract_id: number;
  discount_percent: number;
  first_month: string;
  last_month: string;
  accepted_at: Date;
  title_es: string;
  title_ca: string;
}

function month(v: unknown): string {
  return (v instanceof Date ? v.toISOString() : String(v)).slice(0, 7);
}

export async function insertAcceptance(trx: Knex, v: {
  promotionId: number; contractId: number; customerId: number; userId: number | null; percent: number;
  first: string; last: string; now: Date;
}): Promise<number | null> {
  // the unique (promotion, contract) makes "once per contract" hold even for two racing clicks
  const rows = await trx('promotion_acceptances').insert({
    promotion_id: v.promotionId, contract_id: v.contractId, customer_id: v.customerId, user_id: v.userId,
    discount_percent: v.percent, first_month: `${v.first}-01`, last_month: `${v.last}-01`, accepted_at: v.now,
  }).onConflict(['promotion_id', 'contract_id']).ignore().returning('id');
  return rows[0] ? Number(rows[0].id) : null;
}

export async function acceptanceExists(db: Knex, promotionId: number, contractId: number): Promise<boolean> {
  const row = await db('promotion_acceptances')
    .where({ promotion_id: promotionId, contract_id: contractId }).first('id');
  return Boolean(row);
}

/** The promotions accepted for a contract, with the months they cover ('YYYY-MM'). */
export async function contractAcceptances(db: Knex, contractId: number): Promise<AcceptanceRow[]> {
  const rows = await db('promotion_acceptances as a').join('promotions as p', 'p.id', 'a.promotion_id')
    .where('a.contract_id', contractId).orderBy('a.accepted_at', 'desc')
    .select('a.id', 'a.promotion_id', 'a.contract_id', 'a.discount_percent', 'a.first_month', 'a.last_month',
      'a.accepted_at', 'p.title_es', 'p.title_ca');
  return rows.map((r: AcceptanceRow) => ({
    ...r, id: Number(r.id), contract_id: Number(r.contract_id),
    first_month: month(r.first_month), last_month: month(r.last_month),
  }));
}

/** The discounts covering billing month `periodStart` for each contract (the invoice is in Spanish). */
export async function discountsForBilling(
  db: Knex, contractIds: number[], periodStart: string,
): Promise<Map<number, BilledDiscount[]>> {
  const out = new Map<number, BilledDiscount[]>();
  if (contractIds.length === 0) return out;
  const rows = await db('promotion_acceptances as a').join('promotions as p', 'p.id', 'a.promotion_id')
    .whereIn('a.contract_id', contractIds)
    .where('a.first_month', '<=', periodStart).where('a.last_month', '>=', periodStart)
    .orderBy(['a.contract_id', 'a.id']).select('a.contract_id', 'a.discount_percent', 'p.title_es');
  for (const r of rows) {
    const id = Number(r.contract_id);
    const list = out.get(id) ?? [];
    list.push({ name: r.title_es, percent: Number(r.discount_percent) });
    out.set(id, list);
  }
  return out;
}

/** A contract as a promotion's acceptance sees it: the supply, the customer's kind, and whether it accepted. */
export interface OfferContractRow {
  contract_id: number;
  customer_id: number;
  customer_kind: string;
  manages: boolean;
  status: string;
  energy: 'electricity' | 'gas';
  tariff: string;
  province: string;
  street: string;
  number: string;
  municipality: string;
  accepted: boolean;
}

/** The contracts of the given customers (or one contract), with what deciding on a promotion needs. */
export async function offerContracts(
  db: Knex, promotionId: number, where: { customerIds: number[] } | { contractId: number },
): Promise<OfferContractRow[]> {
  if ('customerIds' in where && where.customerIds.length === 0) return [];
  const q = db('contracts as c')
    .join('customers as cu', 'cu.id', 'c.customer_id')
    .join('supply_points as sp', 'sp.id', 'c.supply_point_id')
    .select(
      'c.id as contract_id', 'c.customer_id', 'cu.kind as customer_kind', 'c.status',
      'sp.energy', 'sp.tariff', 'sp.province',
      'sp.street', 'sp.number', 'sp.municipality',
      db.raw(`${managesAnyoneSql('cu.id')} AS manages`),
      db.raw(`EXISTS (SELECT 1 FROM promotion_acceptances a
        WHERE a.contract_id = c.id AND a.promotion_id = ?) AS accepted`, [promotionId]),
    )
    .orderBy(['c.customer_id', 'c.id']);
  if ('contractId' in where) q.where('c.id', where.contractId);
  else q.whereIn('c.customer_id', where.customerIds).where('c.status', 'active');
  const rows = await q;
  return rows.map((r: OfferContractRow) => ({
    ...r, contract_id: Number(r.contract_id), customer_id: Number(r.customer_id),
  }));
}
