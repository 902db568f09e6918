import type { Knex } from 'knex';
import { compactId, escapeLike } from '../domain/overview';

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

export interface SupplySearch {
  /** Customers listed whatever `managedBy` says. */
  customerIds: number[];
  /**
   * Also the customers reached through an active external-manager relation of a customer the
   * user has an active link to (with one of `roles`, when given), except `exclude`: evaluated in
   * SQL, so a gestoría's ten thousand clients are never loaded to be sent back as a list.
   */
  managedBy?: { userId: number; exclude: number[]; roles?: readonly string[] };
  /** Words that must each match the client name, tax id, CUPS or supply address. */
  terms: string[];
  energy?: 'electricity' | 'gas';
}

function isEmpty(s: Pick<SupplySearch, 'customerIds' | 'managedBy'>): boolean {
  return s.customerIds.length === 0 && !s.managedBy;
}

/** The customers reached through a gestoría the user is linked to (see `SupplySearch.managedBy`). */
export function managedCustomers(db: Knex, m: NonNullable<SupplySearch['managedBy']>): Knex.QueryBuilder {
  const q = db('external_managers as em')
    .join('customer_links as ml', 'ml.customer_id', 'em.manager_customer_id')
    .where({ 'em.status': 'active', 'ml.user_id': m.userId, 'ml.status': 'active' })
    .select('em.customer_id');
  if (m.roles) q.whereIn('ml.role', [...m.roles]);
  return q;
}

/** `column` is one of the search's customers: the listed ids, or reached through a gestoría. */
function whereInScope(db: Knex, q: Knex.QueryBuilder, column: string, s: Pick<SupplySearch, 'customerIds' | 'managedBy'>): Knex.QueryBuilder {
  const m = s.managedBy;
  if (!m) return q.whereRaw('?? = any(?::bigint[])', [column, s.customerIds]);
  return q.where((w) => {
    w.whereRaw('?? = any(?::bigint[])', [column, s.customerIds])
      .orWhere((o) => o.whereRaw('not (?? = any(?::bigint[]))', [column, m.exclude]).whereIn(column, managedCustomers(db, m)));
  });
}

const SUPPLY_COLUMNS = ['c.customer_id', 'cu.name as customer_name', 'cu.tax_id as customer_tax_id', 'c.id as contract_id', 'c.number as contract_number',
  'sp.cups', 'sp.energy', 'sp.tariff', 'sp.street', 'sp.number', 'sp.floor_door', 'sp.postal_code', 'sp.municipality', 'c.e_billing',
  'ca.alt_payer_name', 'ca.alt_recipient_name'];

/**
 * The user's supplies as a materialized CTE `s`, the words matched on its rows afterwards.
 * Joining first keeps the plan sane without table statistics (the embedded database never
 * runs ANALYZE): with the word filter inside the join, the planner cross-joined customers and
 * supply points, and 2,000 supplies took a minute instead of milliseconds. Customer ids travel
 * as one array parameter, so a gestoría with a thousand clients is still one bind.
 */
function searchScope(db: Knex, s: SupplySearch, activeOnly: boolean): Knex.QueryBuilder {
  const inner = db('contracts as c')
    .join('customers as cu', 'cu.id', 'c.customer_id')
    .join('supply_points as sp', 'sp.id', 'c.supply_point_id')
    .join('contract_accounts as ca', 'ca.id', 'c.contract_account_id')
    .select(...SUPPLY_COLUMNS, db.raw("concat_ws(' ', sp.street, sp.number, sp.floor_door, sp.postal_code, sp.municipality) as search_address"));
  whereInScope(db, inner, 'c.customer_id', s);
  if (activeOnly) inner.where('c.status', 'active');
  if (s.energy) inner.where('sp.energy', s.energy);
  const q = db.withMaterialized('s', inner).from('s');
  for (const term of s.terms) {
    const like = `%${escapeLike(term)}%`;
    const compact = compactId(term);
    q.where((w) => {
      w.whereRaw("s.customer_name ilike ? escape '\\'", [like]).orWhereRaw("s.search_address ilike ? escape '\\'", [like]);
      if (compact) {
        const compactLike = `%${escapeLike(compact)}%`;
        w.orWhereRaw("s.customer_tax_id like ? escape '\\'", [compactLike]).orWhereRaw("s.cups like ? escape '\\'", [compactLike]);
      }
    });
  }
  return q;
}

const ORDER = [{ column: 's.customer_name' }, { column: 's.customer_id' }, { column: 's.street' }, { column: 's.number' }, { column: 's.energy' }, { column: 's.contract_id' }];

const ADDRESS = "concat_ws(' ', sp.street, sp.number, sp.floor_door, sp.postal_code, sp.municipality)";

/**
 * The overview's matching active contracts as a join of contracts `c`, customers `cu` and supply
 * points `sp`, the words tested on each row: nothing is built for rows the page does not show.
 * The same matching as `searchScope` (same columns, same expressions).
 */
function matching(db: Knex, s: SupplySearch): Knex.QueryBuilder {
  const q = db('contracts as c')
    .join('customers as cu', 'cu.id', 'c.customer_id')
    .join('supply_points as sp', 'sp.id', 'c.supply_point_id')
    .where('c.status', 'active');
  whereInScope(db, q, 'c.customer_id', s);
  if (s.energy) q.where('sp.energy', s.energy);
  for (const term of s.terms) {
    const like = `%${escapeLike(term)}%`;
    const compact = compactId(term);
    q.where((w) => {
      w.whereRaw("cu.name ilike ? escape '\\'", [like]).orWhereRaw(`${ADDRESS} ilike ? escape '\\'`, [like]);
      if (compact) {
        const compactLike = `%${escapeLike(compact)}%`;
        w.orWhereRaw("cu.tax_id like ? escape '\\'", [compactLike]).orWhereRaw("sp.cups like ? escape '\\'", [compactLike]);
      }
    });
  }
  return q;
}

const PAGE_ORDER = [{ column: 'cu.name' }, { column: 'c.customer_id' }, { column: 'sp.street' }, { column: 'sp.number' }, { column: 'sp.energy' }, { column: 'c.id' }];

export async function countSupplies(db: Knex, s: SupplySearch): Promise<number> {
  if (isEmpty(s)) return 0;
  const row = await countQuery(db, s).first();
  return Number(row?.n ?? 0);
}

/** The count of the overview (exported for the bench's EXPLAIN). */
export function countQuery(db: Knex, s: SupplySearch): Knex.QueryBuilder {
  // without words nor energy the customers and supply points add nothing to the count
  if (s.terms.length === 0 && !s.energy) {
    return whereInScope(db, db('contracts as c').where('c.status', 'active'), 'c.customer_id', s).count<{ n: number }[]>('* as n');
  }
  return matching(db, s).count<{ n: number }[]>('* as n');
}

/**
 * One page of the overview (exported for the bench's EXPLAIN): the page's contract ids in the
 * overview's order with the number of matching rows (narrow rows, a top-N sort, the words tested
 * once), then the columns of those 25 rows only.
 */
export function pageQuery(db: Knex, s: SupplySearch, page: { limit: number; offset: number }): Knex.QueryBuilder {
  const ids = matching(db, s).orderBy(PAGE_ORDER).limit(page.limit).offset(page.offset).select('c.id', db.raw('count(*) over () as total'));
  return db.with('page', ids).from('page')
    .join('contracts as c', 'c.id', 'page.id')
    .join('customers as cu', 'cu.id', 'c.customer_id')
    .join('supply_points as sp', 'sp.id', 'c.supply_point_id')
    .join('contract_accounts as ca', 'ca.id', 'c.contract_account_id')
    .orderBy(PAGE_ORDER)
    .select(...SUPPLY_COLUMNS, 'page.total');
}

/**
 * One page of the overview and the total from the same query; a page past the end counts apart
 * and shows the last page, so a stale link after a narrower search still shows rows.
 */
export async function searchSuppliesPage(db: Knex, s: SupplySearch, page: { limit: number; offset: number }): Promise<{ rows: SupplyListRow[]; total: number }> {
  if (isEmpty(s)) return { rows: [], total: 0 };
  const strip = (rows: (SupplyListRow & { total?: unknown })[]) => rows.map(({ total: _, ...r }) => r);
  const rows: (SupplyListRow & { total: number })[] = await pageQuery(db, s, page);
  if (rows.length > 0) return { rows: strip(rows), total: Number(rows[0]!.total) };
  const total = page.offset === 0 ? 0 : await countSupplies(db, s);
  if (total === 0) return { rows: [], total };
  const lastOffset = Math.floor((total - 1) / page.limit) * page.limit;
  return { rows: strip(await pageQuery(db, s, { limit: page.limit, offset: lastOffset })), total };
}

/** Every matching supply (the CSV), or the first `limit` (a client page). */
export async function searchSupplies(db: Knex, s: SupplySearch, limit?: number): Promise<SupplyListRow[]> {
  if (isEmpty(s)) return [];
  const q = searchScope(db, s, true).orderBy(ORDER).select('s.*');
  if (limit) q.limit(limit);
  return q;
}

/** Up to `limit` active contracts without e-billing that could switch to it (the seed's banner). */
export async function eBillingCandidates(db: Knex, scope: number[] | Pick<SupplySearch, 'customerIds' | 'managedBy'>, limit: number): Promise<Pick<SupplyListRow, 'contract_id' | 'street' | 'number'>[]> {
  const s = Array.isArray(scope) ? { customerIds: scope } : scope;
  if (isEmpty(s)) return [];
  const q = db('contracts as c')
    .join('supply_points as sp', 'sp.id', 'c.supply_point_id')
    .join('contract_accounts as ca', 'ca.id', 'c.contract_account_id');
  return whereInScope(db, q, 'c.customer_id', s)
    .where({ 'c.status': 'active', 'c.e_billing': false })
    .whereNull('ca.alt_payer_name').whereNull('ca.alt_recipient_name')
    .orderBy('c.id').limit(limit)
    .select('c.id as contract_id', 'sp.street', 'sp.number');
}

/** How many customers the user reaches: linked directly (`directIds`) or through a gestoría. */
export async function countReachableCustomers(db: Knex, userId: number, directIds: number[]): Promise<number> {
  if (directIds.length === 0) return 0;
  const row = await db.from(db.raw('(select unnest(?::bigint[]) as customer_id union ? ) as r', [directIds, managedCustomers(db, { userId, exclude: [] })]))
    .count<{ n: number }[]>('* as n').first();
  return Number(row?.n ?? 0);
}

export async function customerNames(db: Knex, ids: number[]): Promise<Map<number, { name: string; taxId: string }>> {
  if (ids.length === 0) return new Map();
  const rows: { id: number; name: string; tax_id: string }[] = await db('customers').whereIn('id', [...new Set(ids)]).select('id', 'name', 'tax_id');
  return new Map(rows.map((r) => [r.id, { name: r.name, taxId: r.tax_id }]));
}

export interface BulkInvoiceRow {
  id: number; number: string; customer_id: number; customer_name: string; customer_tax_id: string; cups: string;
  period_start: string; period_end: string; issue_date: string; total_cents: number; status: 'pending' | 'paid' | 'returned';
}

/**
 * The invoices issued in [from, to] on supplies matching the search (ended contracts too: an
 * invoice issued before a contract ended is still the client's). Metadata only, no PDF bytes.
 */
export async function invoicesForBulk(db: Knex, s: SupplySearch, from: string, to: string): Promise<BulkInvoiceRow[]> {
  if (isEmpty(s)) return [];
  return searchScope(db, s, false)
    .join('invoices as i', 'i.contract_id', 's.contract_id')
    .whereBetween('i.issue_date', [from, to])
    // the guard of a single invoice checks the invoice's own customer: so does the bulk
    .whereRaw('i.customer_id = s.customer_id')
    .orderBy([{ column: 's.customer_tax_id' }, { column: 'i.number' }])
    .select('i.id', 'i.number', 's.customer_id', 's.customer_name', 's.customer_tax_id', 's.cups',
      'i.period_start', 'i.period_end', 'i.issue_date', 'i.total_cents', 'i.status');
}
