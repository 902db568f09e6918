import type { Knex } from 'knex';
import { queryRows, statement } from './direct-query';
import { managesAnyoneSql } from './links-repo';
import type { Audience, AudienceKind, PromotionValue } from '../domain/promotions';
import type { Energy } from '../domain/billing-types';
import type { Province } from '../domain/postal';

export interface PromotionRow {
  id: number;
  title_es: string; title_ca: string; body_es: string; body_ca: string; code: string | null;
  valid_from: string; valid_to: string; audience_kinds: AudienceKind[];
  energy: Energy | null; tariff: string | null; province: Province | null; active: boolean;
  discount_percent: number | null; discount_months: number | null;
  created_at: Date; updated_at: Date;
}

const COLUMNS = [
  'id', 'title_es', 'title_ca', 'body_es', 'body_ca', 'code', 'valid_from', 'valid_to',
  'audience_kinds', 'energy', 'tariff', 'province', 'active',
  'discount_percent', 'discount_months', 'created_at', 'updated_at',
];

/** Dates come back as 'YYYY-MM-DD' whatever the driver's type parsing. */
function day(v: unknown): string {
  return v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);
}

function fromRow(r: PromotionRow): PromotionRow {
  return { ...r, valid_from: day(r.valid_from), valid_to: day(r.valid_to) };
}

export function audienceOf(r: PromotionRow): Audience {
  return { kinds: r.audience_kinds, energy: r.energy, tariff: r.tariff, province: r.province };
}

function toRow(v: PromotionValue) {
  return {
    title_es: v.titleEs, title_ca: v.titleCa, body_es: v.bodyEs, body_ca: v.bodyCa, code: v.code,
    valid_from: v.validFrom, valid_to: v.validTo, audience_kinds: [...v.audience.kinds],
    energy: v.audience.energy, tariff: v.audience.tariff, province: v.audience.province,
    discount_percent: v.discount?.percent ?? null, discount_months: v.discount?.months ?? null,
  };
}

export async function listPromotions(db: Knex): Promise<PromotionRow[]> {
  const rows = await db('promotions').orderBy(
    [{ column: 'valid_to', order: 'desc' }, { column: 'id', order: 'desc' }],
  ).select(COLUMNS);
  return rows.map(fromRow);
}

const CURRENT = statement(`
  select ${COLUMNS.join(', ')} from promotions
  where active and valid_from <= $1 and valid_to >= $1 order by valid_to, id`);

/** Promotions that may show on `today`: active and within their dates (the audience is decided in the domain). */
export async function currentPromotions(db: Knex, today: string): Promise<PromotionRow[]> {
  return (await queryRows<PromotionRow>(db, CURRENT, [today])).map(fromRow);
}

export async function findPromotion(db: Knex, id: number): Promise<PromotionRow | undefined> {
  const r = await db('promotions').where({ id }).first(COLUMNS);
  return r ? fromRow(r) : undefined;
}

export async function insertPromotion(db: Knex, v: PromotionValue, staffId: number, now: Date): Promise<number> {
  const [row] = await db('promotions').insert(
    { ...toRow(v), created_by: staffId, created_at: now, updated_at: now },
  ).returning('id');
  return row.id as number;
}

export async function updatePromotion(db: Knex, id: number, v: PromotionValue, now: Date): Promise<void> {
  await db('promotions').where({ id }).update({ ...toRow(v), updated_at: now });
}

export async function setPromotionActive(db: Knex, id: number, active: boolean, now: Date): Promise<void> {
  await db('promotions').where({ id }).update({ active, updated_at: now });
}

/**
 * The customers a user answers for directly (holder, representative, authorised contact), as
 * promotions see them; a gestoría's clients are not the gestoría's own audience.
 */
export interface LinkedCustomer {
  kind: string;
  /** An active external manager of other customers (a gestoría). */
  manages: boolean;
  supplies: { energy: Energy; tariff: string; province: string }[];
}

const CUSTOMERS_OF_USER = statement(`
  select cu.id as customer_id, cu.kind, sp.energy, sp.tariff, sp.province, ${managesAnyoneSql('cu.id')} as manages
  from customer_links l
  join customers cu on cu.id = l.customer_id
  left join contracts c on c.customer_id = cu.id and c.status = 'active'
  left join supply_points sp on sp.id = c.supply_point_id
  where l.user_id = $1 and l.status = 'active'`);

export async function customersOfUser(db: Knex, userId: number): Promise<LinkedCustomer[]> {
  const rows = await queryRows<{
    customer_id: number; kind: string; manages: boolean;
    energy: Energy | null; tariff: string | null; province: string | null;
  }>(db, CUSTOMERS_OF_USER, [userId]);
  const byCustomer = new Map<number, LinkedCustomer>();
  for (const r of rows) {
    const entry = byCustomer.get(r.customer_id) ?? { kind: r.kind, manages: r.manages, supplies: [] };
    if (r.energy && r.tariff && r.province) {
      entry.supplies.push({ energy: r.energy, tariff: r.tariff, province: r.province });
    }
    byCustomer.set(r.customer_id, entry);
  }
  return [...byCustomer.values()];
}

export interface ConsentRow { granted: boolean; text_version: string; at: Date }

export async function latestConsent(db: Knex, userId: number): Promise<ConsentRow | undefined> {
  return db('marketing_consents').where({ user_id: userId }).orderBy(
    [{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }],
  ).first('granted', 'text_version', 'at');
}

export async function recordConsent(
  db: Knex, userId: number, granted: boolean, version: string, at: Date,
): Promise<void> {
  await db('marketing_consents').insert({ user_id: userId, granted, text_version: version, at });
}
