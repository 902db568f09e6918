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
  customerIds: number[];
  /** Words that must each match the client name, tax id, CUPS or supply address. */
  terms: string[];
  energy?: 'electricity' | 'gas';
}

const SUPPLY_COLUMNS = ['c.customer_id', 'cu.name as customer_name', 'cu.tax_id as customer_tax_id', 'c.id as contract_id', 'c.number as contract_number',
  'sp.cups', 'sp.energy', 'sp.tariff', 'sp.street', 'sp.number', 'sp.floor_door', 'sp.postal_code', 'sp.municipality',
  'c.e_billing',
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
    .whereRaw('c.customer_id = any(?::bigint[])', [s.customerIds])
    .select(
      ...SUPPLY_COLUMNS,
      db.raw("concat_ws(' ', sp.street, sp.number, sp.floor_door, sp.postal_code, sp.municipality) as search_address"),
    );
  if (activeOnly) inner.where('c.status', 'active');
  if (s.energy) inner.where('sp.energy', s.energy);
  const q = db.withMaterialized('s', inner).from('s');
  for (const term of s.terms) {
    const like = `%${escapeLike(term)}%`;
    const compact = compactId(term);
    q.where((w) => {
      w.whereRaw("s.customer_name ilike ? escape '\\'", [like]).orWhereRaw(
        "s.search_address ilike ? escape '\\'", [like],
      );
      if (compact) {
        const compactLike = `%${escapeLike(compact)}%`;
        w.orWhereRaw("s.customer_tax_id like ? escape '\\'", [compactLike]).orWhereRaw(
          "s.cups like ? escape '\\'", [compactLike],
        );
      }
    });
  }
  return q;
}

const ORDER = [
  { column: 's.customer_name' }, { column: 's.customer_id' }, { column: 's.street' }, { column: 's.number' },
  { column: 's.energy' }, { column: 's.contract_id' },
];

export async function countSupplies(db: Knex, s: SupplySearch): Promise<number> {
  if (s.customerIds.length === 0) return 0;
  const row = await searchScope(db, s, true).count<{ n: number }[]>('* as n').first();
  return Number(row?.n ?? 0);
}

/**
 * One page of the overview with the total in the same query; `total` is null only when the
 * page is past the end (then the caller counts and asks for the last page).
 */
export async function searchSuppliesPage(db: Knex, s: SupplySearch, page: { limit: number; offset: number }): Promise<{ rows: SupplyListRow[]; total: number | null }> {
  if (s.customerIds.length === 0) return { rows: [], total: 0 };
  const rows: (SupplyListRow & { total: number })[] = await searchScope(db, s, true).orderBy(ORDER).limit(page.limit).offset(page.offset)
    .select('s.*', db.raw('count(*) over () as total'));
  if (rows.length === 0) return { rows: [], total: page.offset === 0 ? 0 : null };
  return { rows, total: Number(rows[0]!.total) };
}

/** Every matching supply (the CSV), or the first `limit` (a client page). */
export async function searchSupplies(db: Knex, s: SupplySearch, limit?: number): Promise<SupplyListRow[]> {
  if (s.customerIds.length === 0) return [];
  const q = searchScope(db, s, true).orderBy(ORDER).select('s.*');
  if (limit) q.limit(limit);
  return q;
}

/** Up to `limit` active contracts without e-billing that could switch to it (the seed's banner). */
export async function eBillingCandidates(
  db: Knex, customerIds: number[], limit: number,
): Promise<Pick<SupplyListRow, 'contract_id' | 'street' | 'number'>[]> {
  if (customerIds.length === 0) return [];
  return db('contracts as c')
    .join('supply_points as sp', 'sp.id', 'c.supply_point_id')
    .join('contract_accounts as ca', 'ca.id', 'c.contract_account_id')
    .whereRaw('c.customer_id = any(?::bigint[])', [customerIds])
    .where({ 'c.status': 'active', 'c.e_billing': false })
    .whereNull('ca.alt_payer_name').whereNull('ca.alt_recipient_name')
    .orderBy('c.id').limit(limit)
    .select('c.id as contract_id', 'sp.street', 'sp.number');
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
  if (s.customerIds.length === 0) return [];
  return searchScope(db, s, false)
    .join('invoices as i', 'i.contract_id', 's.contract_id')
    .whereBetween('i.issue_date', [from, to])
    // the guard of a single invoice checks the invoice's own customer: so does the bulk
    .whereRaw('i.customer_id = s.customer_id')
    .orderBy([{ column: 's.customer_tax_id' }, { column: 'i.number' }])
    .select('i.id', 'i.number', 's.customer_id', 's.customer_name', 's.customer_tax_id', 's.cups',
      'i.period_start', 'i.period_end', 'i.issue_date', 'i.total_cents', 'i.status');
}
