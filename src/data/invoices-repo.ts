import type { Knex } from 'knex';
import { queryFirst, queryRows, statement } from './direct-query';

export interface InvoiceListRow {
  id: number; number: string; period_start: string; period_end: string; issue_date: string; due_date: string;
  total_cents: number; status: 'pending' | 'paid' | 'returned'; delivery: 'paper' | 'electronic';
}

export interface InvoicePage { rows: InvoiceListRow[]; total: number; years: number[] }

const LIST_COLUMNS = 'id, number, period_start, period_end, issue_date, due_date, total_cents, status, delivery';
const YEAR = 'and issue_date between $3 and $4';
const pageOf = (inYear: string, n: number) => statement(`
  select ${LIST_COLUMNS} from invoices where contract_id = $1 and issue_date >= $2 ${inYear}
  order by issue_date desc, id desc limit $${n} offset $${n + 1}`);
// the total and the years for the filter in one round trip
const summaryOf = (inYear: string) => statement(`
  select (
    select count(*) from invoices where contract_id = $1 and issue_date >= $2 ${inYear}
  )::int as total, array(
    select distinct extract(year from issue_date)::int as y from invoices
    where contract_id = $1 and issue_date >= $2 order by y desc
  ) as years`);
const ALL_YEARS = { page: pageOf('', 3), summary: summaryOf('') };
const ONE_YEAR = { page: pageOf(YEAR, 5), summary: summaryOf(YEAR) };

/** One contract's invoices, newest first, within retention; with the years present for the filter. */
export async function listContractInvoices(
  db: Knex, contractId: number, opts: { cutoff: string; year?: number; limit: number; offset: number },
): Promise<InvoicePage> {
  const year = opts.year ? [`${opts.year}-01-01`, `${opts.year}-12-31`] : [];
  const { page, summary } = opts.year ? ONE_YEAR : ALL_YEARS;
  const where = [contractId, opts.cutoff, ...year];
  const [rows, sums] = await Promise.all([
    queryRows<InvoiceListRow>(db, page, [...where, opts.limit, opts.offset]),
    queryRows<{ total: number; years: number[] }>(db, summary, where),
  ]);
  const { total, years } = sums[0]!;
  return { rows, total, years };
}

export interface InvoiceDetail extends InvoiceListRow {
  contract_id: number; customer_id: number; payment_method: 'direct_debit' | 'transfer';
  taxable_base_cents: number; vat_cents: number; original_downloaded_at: Date | null;
  consumption_p1_kwh: number; consumption_p2_kwh: number; consumption_p3_kwh: number;
  cups: string; energy: 'electricity' | 'gas'; street: string; sp_number: string; municipality: string;
  readings_source: 'real' | 'customer' | 'estimated'; reading_from: string | null; reading_to: string | null;
  rectifies_invoice_id: number | null; rectifies_number: string | null; rectification_reason: string | null;
  rectified_by_invoice_id: number | null; rectified_by_number: string | null;
}

const INVOICE = statement(`
  select i.id, i.number, i.period_start, i.period_end, i.issue_date, i.due_date, i.total_cents, i.status,
    i.delivery, i.contract_id, i.customer_id, i.payment_method, i.taxable_base_cents, i.vat_cents,
    i.original_downloaded_at, i.consumption_p1_kwh, i.consumption_p2_kwh, i.consumption_p3_kwh,
    i.readings_source, i.reading_from, i.reading_to,
    i.rectifies_invoice_id, i.rectification_reason, i.rectified_by_invoice_id,
    (select x.number from invoices x where x.id = i.rectifies_invoice_id) as rectifies_number,
    (select x.number from invoices x where x.id = i.rectified_by_invoice_id) as rectified_by_number,
    sp.cups, sp.energy, sp.street, sp.number as sp_number, sp.municipality
  from invoices i
  join contracts c on c.id = i.contract_id
  join supply_points sp on sp.id = c.supply_point_id
  where i.id = $1`);

export async function findInvoice(db: Knex, id: number): Promise<InvoiceDetail | undefined> {
  return queryFirst<InvoiceDetail>(db, INVOICE, [id]);
}

export async function invoiceLines(
  db: Knex, id: number,
): Promise<{ kind: string; period: string | null; detail: string; amount_cents: number }[]> {
  return db('invoice_lines').where('invoice_id', id).orderBy('position').select(
    'kind', 'period', 'detail', 'amount_cents',
  );
}

/**
 * Claims the original for this download: one UPDATE with a guard, so among any number of
 * concurrent first downloads exactly one gets the original.
 */
export async function claimOriginal(db: Knex, invoiceId: number, userId: number, now: Date): Promise<boolean> {
  const n = await db('invoices').where({ id: invoiceId, delivery: 'electronic' }).whereNull('original_downloaded_at')
    .update({ original_downloaded_at: now, original_downloaded_by: userId });
  return n === 1;
}

const INVOICE_CUSTOMER = statement('select customer_id from invoices where id = $1');

/** The customer an invoice belongs to (for the access guard). */
export async function invoiceCustomer(db: Knex, id: number): Promise<number | undefined> {
  return (await queryFirst<{ customer_id: number }>(db, INVOICE_CUSTOMER, [id]))?.customer_id;
}
