import type { Knex } from 'knex';
import { queryFirst, queryRows, statement } from './direct-query';
import { compactId, escapeLike, mergedPage, mergedRun } from '../domain/overview';

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
   * Also the customers reached through an active external-manager relation of one of
   * `managers` (the customers the user has an active link to, with a role that acts when only
   * those count), except `exclude`: evaluated in SQL, so a gestoría's ten thousand clients are
   * never loaded to be sent back as a list.
   */
  managedBy?: { managers: number[]; exclude: number[] };
  /** Words that must each match the client name, tax id, CUPS or supply address. */
  terms: string[];
  energy?: 'electricity' | 'gas';
}

function isEmpty(s: Pick<SupplySearch, 'customerIds' | 'managedBy'>): boolean {
  return s.customerIds.length === 0 && !s.managedBy?.managers.length;
}

/** The customers reached through a gestoría the user is linked to (see `SupplySearch.managedBy`). */
export function managedCustomers(db: Knex, m: NonNullable<SupplySearch['managedBy']>): Knex.QueryBuilder {
  return db('external_managers as em')
    .where('em.status', 'active')
    .whereRaw('em.manager_customer_id = any(?::bigint[])', [m.managers])
    .select('em.customer_id');
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

/** A matching supply's place in the overview's order (`PAGE_ORDER`, unique thanks to the contract id). */
export interface OverviewKey { id: number; name: string; customer_id: number; street: string; number: string; energy: string }

/**
 * The supplies reached through the user's gestorías, from `overview_entries` (one row per
 * gestoría and active contract of a client it actively manages, kept by triggers; see its
 * migration): with one gestoría, a range of `overview_entries_order_idx` already in the
 * overview's order, so a page reads its 25 index entries after skipping the previous ones, and
 * the words are tested on the entries' search texts without visiting customers or supply points.
 * The same rows and matching as `matching` with `managedBy` and no `customerIds`: the words hold
 * no whitespace, so "name or address ILIKE '%word%'" is `search_text LIKE lower('%word%')` (name
 * and address joined by a line break, both lower-cased as ILIKE does).
 */
function managedEntries(db: Knex, s: SupplySearch, m: NonNullable<SupplySearch['managedBy']>): Knex.QueryBuilder {
  const q = db('overview_entries as e');
  if (m.managers.length === 1) q.where('e.manager_customer_id', m.managers[0]!);
  else {
    q.whereRaw('e.manager_customer_id = any(?::bigint[])', [m.managers])
      // a client of two of the user's gestorías is listed once: the entry of the first of them
      .whereNotExists(db('overview_entries as e2').whereRaw('e2.manager_customer_id = any(?::bigint[])', [m.managers])
        .whereRaw('e2.contract_id = e.contract_id').whereRaw('e2.manager_customer_id < e.manager_customer_id').select(db.raw('1')));
  }
  if (m.exclude.length > 0) q.whereRaw('not (e.customer_id = any(?::bigint[]))', [m.exclude]);
  if (s.energy) q.where('e.energy', s.energy);
  for (const term of s.terms) {
    const like = `%${escapeLike(term)}%`;
    const compact = compactId(term);
    q.where((w) => {
      w.whereRaw("e.search_text like lower(?) escape '\\'", [like]);
      if (compact) w.orWhereRaw("e.id_text like ? escape '\\'", [`%${escapeLike(compact)}%`]);
    });
  }
  return q;
}

const ENTRY_ORDER = [{ column: 'e.customer_name' }, { column: 'e.customer_id' }, { column: 'e.street' }, { column: 'e.number' }, { column: 'e.energy' }, { column: 'e.contract_id' }];

/** The customers listed directly (`customerIds`, a few): their matching supplies' keys, in order. */
function directKeys(db: Knex, s: SupplySearch): Knex.QueryBuilder {
  return matching(db, { customerIds: s.customerIds, terms: s.terms, energy: s.energy }).orderBy(PAGE_ORDER)
    .select('c.id', 'cu.name', 'c.customer_id', 'sp.street', 'sp.number', 'sp.energy');
}

/**
 * A run of the gestorías' supplies in the overview's order, each with how many of the direct
 * supplies `keys` come before it (compared by the database, in its order).
 */
function managedRun(db: Knex, s: SupplySearch, m: NonNullable<SupplySearch['managedBy']>, keys: OverviewKey[], run: { offset: number; limit: number }): Knex.QueryBuilder {
  const col = <K extends keyof OverviewKey>(k: K) => keys.map((x) => x[k]);
  const before = db.raw(`(select count(*) from unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[]) as d(name, customer_id, street, number, energy, id)
    where (d.name, d.customer_id, d.street, d.number, d.energy, d.id) < (e.customer_name::text, e.customer_id, e.street::text, e.number::text, e.energy::text, e.contract_id)) as before`,
  [col('name'), col('customer_id'), col('street'), col('number'), col('energy'), col('id')]);
  return managedEntries(db, s, m).orderBy(ENTRY_ORDER).offset(run.offset).limit(run.limit).select('e.contract_id as id', before);
}

/** A query on `contracts as c` joined to what a row of the overview shows, in its order. */
function withSupplyColumns(q: Knex.QueryBuilder): Knex.QueryBuilder {
  return q
    .join('customers as cu', 'cu.id', 'c.customer_id')
    .join('supply_points as sp', 'sp.id', 'c.supply_point_id')
    .join('contract_accounts as ca', 'ca.id', 'c.contract_account_id')
    .orderBy(PAGE_ORDER);
}

/** The columns of the given contracts in the overview's order. */
function rowsOf(db: Knex, ids: number[]): Knex.QueryBuilder {
  return withSupplyColumns(db('contracts as c').whereRaw('c.id = any(?::bigint[])', [ids])).select(...SUPPLY_COLUMNS);
}

export async function countSupplies(db: Knex, s: SupplySearch): Promise<number> {
  if (isEmpty(s)) return 0;
  return plannedForItsWords(db, s, countQuery(db, s));
}

/**
 * Runs a count of the gestorías' entries with words planned for those words each time. Named
 * prepared statements keep a generic plan after five runs, and the generic plan of a word count
 * guesses the word rare: it reads the trigram indexes even for a word in every supply ("bench":
 * 17 ms instead of 3 at 20,000). A rare word ("sueca") is best found through those indexes, a
 * common one by reading the gestoría's range: only the word's own plan knows which.
 */
async function plannedForItsWords(db: Knex, s: SupplySearch, count: Knex.QueryBuilder): Promise<number> {
  const n = async (q: Knex.QueryBuilder) => Number(((await q.first()) as { n?: unknown } | undefined)?.n ?? 0);
  if (s.terms.length === 0 || !s.managedBy?.managers.length) return n(count);
  return db.transaction(async (trx) => {
    await trx.raw('SET LOCAL plan_cache_mode = force_custom_plan');
    return n(count.transacting(trx));
  });
}

/**
 * The count of the overview (exported for the bench's EXPLAIN): the gestorías' supplies counted
 * on `overview_entries` (an index-only scan of `overview_entries_count_idx` without words, of the
 * order index with them), the few listed directly on the contracts.
 */
export function countQuery(db: Knex, s: SupplySearch): Knex.QueryBuilder {
  const direct = s.customerIds.length > 0 ? directCount(db, s) : null;
  const m = s.managedBy;
  if (!m?.managers.length) return direct ?? db.select(db.raw('0 as n'));
  const managed = managedEntries(db, s, m).count<{ n: number }[]>('* as n');
  if (!direct) return managed;
  return db.select(db.raw('(?) + (?) as n', [managed, direct]));
}

function directCount(db: Knex, s: SupplySearch): Knex.QueryBuilder {
  const d = { customerIds: s.customerIds, terms: s.terms, energy: s.energy };
  // without words nor energy the customers and supply points add nothing to the count
  if (s.terms.length === 0 && !s.energy) {
    return whereInScope(db, db('contracts as c').where('c.status', 'active'), 'c.customer_id', d).count<{ n: number }[]>('* as n');
  }
  return matching(db, d).count<{ n: number }[]>('* as n');
}

/**
 * One page of the overview (exported for the bench's EXPLAIN). Through gestorías: the page's
 * entries in order (see `managedEntries`), then the columns of those rows only. Listed directly
 * only: the page's contract ids in the overview's order with the number of matching rows (narrow
 * rows, a top-N sort, the words tested once), then the columns of those 25 rows.
 */
export function pageQuery(db: Knex, s: SupplySearch, page: { limit: number; offset: number }): Knex.QueryBuilder {
  const m = s.managedBy;
  // the columns of the page's rows only, whichever way their ids were found
  const columnsOf = (ids: Knex.QueryBuilder) => withSupplyColumns(
    db.with('page', ids).from('page').join('contracts as c', 'c.id', 'page.id'),
  );
  if (m?.managers.length) {
    const ids = managedEntries(db, s, m).orderBy(ENTRY_ORDER).limit(page.limit).offset(page.offset).select('e.contract_id as id');
    return columnsOf(ids).select(...SUPPLY_COLUMNS);
  }
  const ids = matching(db, s).orderBy(PAGE_ORDER).limit(page.limit).offset(page.offset).select('c.id', db.raw('count(*) over () as total'));
  return columnsOf(ids).select(...SUPPLY_COLUMNS, 'page.total');
}

/** The offset of the last page when `offset` is past the end of `total` rows. */
function clampOffset(total: number, offset: number, limit: number): number {
  return offset < total ? offset : Math.max(0, Math.floor((total - 1) / limit) * limit);
}

/**
 * One page of the overview and the total; a page past the end shows the last page, so a stale
 * link after a narrower search still shows rows.
 */
export async function searchSuppliesPage(db: Knex, s: SupplySearch, page: { limit: number; offset: number }): Promise<{ rows: SupplyListRow[]; total: number }> {
  if (isEmpty(s)) return { rows: [], total: 0 };
  const m = s.managedBy;
  if (!m?.managers.length) return directPage(db, s, page);
  const direct: OverviewKey[] = s.customerIds.length > 0 ? (await directKeys(db, s)).map(numericKey) : [];
  if (direct.length === 0) {
    // the usual gestoría: the page and the total side by side
    const [rows, total] = await Promise.all([pageQuery(db, s, page) as Promise<SupplyListRow[]>, plannedForItsWords(db, s, countQuery(db, s))]);
    if (rows.length > 0 || total === 0) return { rows, total };
    return { rows: await pageQuery(db, s, { limit: page.limit, offset: clampOffset(total, page.offset, page.limit) }), total };
  }
  // A few customers listed directly beside the gestorías' ones: the gestorías' run from that
  // many rows before the page, each row with how many direct ones come before it.
  const read = async (offset: number) => {
    const run = mergedRun(direct.length, offset, page.limit);
    const rows: { id: unknown; before: unknown }[] = await managedRun(db, s, m, direct, run);
    return { offset: run.offset, ids: rows.map((r) => Number(r.id)), before: rows.map((r) => Number(r.before)) };
  };
  const [counted, first] = await Promise.all([
    plannedForItsWords(db, s, managedEntries(db, s, m).count<{ n: number }[]>('* as n')), read(page.offset),
  ]);
  const total = counted + direct.length;
  const offset = clampOffset(total, page.offset, page.limit);
  const run = offset === page.offset ? first : await read(offset);
  const ids = mergedPage(direct.length, counted, run, offset, page.limit).map((x) => ('long' in x ? run.ids[x.long]! : direct[x.short]!.id));
  return { rows: ids.length > 0 ? await rowsOf(db, ids) : [], total };
}

function numericKey(r: OverviewKey): OverviewKey {
  return { ...r, id: Number(r.id), customer_id: Number(r.customer_id) };
}

/** Only customers listed directly (a few): the page and the total from the same query. */
async function directPage(db: Knex, s: SupplySearch, page: { limit: number; offset: number }): Promise<{ rows: SupplyListRow[]; total: number }> {
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
  const candidates = (inScope: (q: Knex.QueryBuilder) => Knex.QueryBuilder) => inScope(db('contracts as c')
    .join('supply_points as sp', 'sp.id', 'c.supply_point_id')
    .join('contract_accounts as ca', 'ca.id', 'c.contract_account_id'))
    .where({ 'c.status': 'active', 'c.e_billing': false })
    .whereNull('ca.alt_payer_name').whereNull('ca.alt_recipient_name')
    .orderBy('c.id').limit(limit)
    .select('c.id as contract_id', 'sp.street', 'sp.number');
  const m = s.managedBy;
  if (!m?.managers.length) return candidates((q) => q.whereRaw('c.customer_id = any(?::bigint[])', [s.customerIds]));
  // the first few of each part, then the first few of both: the gestorías' contracts walked in
  // id order on their entries instead of gathering every client of the gestoría first
  const managed = m.managers.length === 1
    // one gestoría: its entries in contract order (the primary key), each contract checked
    ? candidates((q) => q.join('overview_entries as e', 'e.contract_id', 'c.id').where('e.manager_customer_id', m.managers[0]!)
      .whereRaw('not (e.customer_id = any(?::bigint[]))', [m.exclude])).clearOrder().orderBy('e.contract_id')
    : candidates((q) => q.whereIn('c.id', db('overview_entries as e').whereRaw('e.manager_customer_id = any(?::bigint[])', [m.managers])
      .whereRaw('not (e.customer_id = any(?::bigint[]))', [m.exclude]).select('e.contract_id')));
  if (s.customerIds.length === 0) return managed;
  const direct = candidates((q) => q.whereRaw('c.customer_id = any(?::bigint[])', [s.customerIds]));
  return db.select('*').from(db.raw('((?) union (?)) as x', [managed, direct])).orderBy('contract_id').limit(limit);
}

/**
 * How many customers the user reaches, linked directly (`directIds`) or through a gestoría,
 * counted up to `atMost` (the page only asks whether there are none, one, or a few): the
 * gestorías' clients read in index order until enough are found.
 */
const MANAGED_OTHERS = statement(`
  select count(*)::int as n from (
    select distinct em.customer_id from external_managers em
    where em.status = 'active' and em.manager_customer_id = any($1::bigint[]) and not (em.customer_id = any($2::bigint[]))
    limit $3
  ) m`);

export async function countReachableCustomers(
  db: Knex, directIds: number[], atMost = Number.MAX_SAFE_INTEGER, managers: number[] = directIds,
): Promise<number> {
  if (directIds.length === 0) return 0;
  // none of the directly linked customers manages anyone: they are all there is
  if (managers.length === 0) return Math.min(atMost, directIds.length);
  const row = await queryFirst<{ n: number }>(
    db, MANAGED_OTHERS, [managers, directIds, Math.max(0, atMost - directIds.length)],
  );
  return Math.min(atMost, directIds.length + (row?.n ?? 0));
}

const NAMES = statement('select id, name, tax_id from customers where id = any($1::bigint[])');

export async function customerNames(db: Knex, ids: number[]): Promise<Map<number, { name: string; taxId: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{ id: number; name: string; tax_id: string }>(db, NAMES, [[...new Set(ids)]]);
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
