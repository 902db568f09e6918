import type { Knex } from 'knex';

export interface InvoiceListRow {
  id: number; number: string; period_start: string; period_end: string; issue_date: string; due_date: string;
  total_cents: number; status: 'pending' | 'paid' | 'returned'; delivery: 'paper' | 'electronic';
}

export interface InvoicePage { rows: InvoiceListRow[]; total: number; years: number[] }

/** One contract's invoices, newest first, within retention; with the years present for the filter. */
export async function listContractInvoices(
  db: Knex, contractId: number, opts: { cutoff: string; year?: number; limit: number; offset: number },
): Promise<InvoicePage> {
  const filtered = db('invoices').where('contract_id', contractId).where('issue_date', '>=', opts.cutoff);
  const year: [string, string] | [] = opts.year ? [`${opts.year}-01-01`, `${opts.year}-12-31`] : [];
  if (year.length) filtered.whereBetween('issue_date', year);
  const [rows, summary] = await Promise.all([
    filtered.orderBy('issue_date', 'desc').orderBy('id', 'desc').limit(opts.limit).offset(opts.offset)
      .select(
        'id', 'number', 'period_start', 'period_end', 'issue_date', 'due_date', 'total_cents', 'status', 'delivery',
      ),
    // the total and the years for the filter in one round trip
    db.raw<{ rows: { total: number; years: number[] }[] }>(`
      select (
        select count(*) from invoices
        where contract_id = ? and issue_date >= ?${year.length ? ' and issue_date between ? and ?' : ''}
      )::int as total, array(
        select distinct extract(year from issue_date)::int as y from invoices
        where contract_id = ? and issue_date >= ? order by y desc
      ) as years`, [contractId, opts.cutoff, ...year, contractId, opts.cutoff]),
  ]);
  const { total, years } = summary.rows[0]!;
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

export async function findInvoice(db: Knex, id: number): Promise<InvoiceDetail | undefined> {
  return db('invoices as i').join('contracts as c', 'c.id', 'i.contract_id').join(
    'supply_points as sp', 'sp.id', 'c.supply_point_id',
  )
    .where('i.id', id)
    .first(
      'i.id', 'i.number', 'i.period_start', 'i.period_end', 'i.issue_date', 'i.due_date', 'i.total_cents', 'i.status',
      'i.delivery', 'i.contract_id', 'i.customer_id', 'i.payment_method', 'i.taxable_base_cents', 'i.vat_cents',
      'i.original_downloaded_at', 'i.consumption_p1_kwh', 'i.consumption_p2_kwh', 'i.consumption_p3_kwh',
      'i.readings_source', 'i.reading_from', 'i.reading_to',
      'i.rectifies_invoice_id', 'i.rectification_reason', 'i.rectified_by_invoice_id',
      db.raw('(SELECT x.number FROM invoices x WHERE x.id = i.rectifies_invoice_id) AS rectifies_number'),
      db.raw('(SELECT x.number FROM invoices x WHERE x.id = i.rectified_by_invoice_id) AS rectified_by_number'),
      'sp.cups', 'sp.energy', 'sp.street', 'sp.number as sp_number', 'sp.municipality',
    );
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

/** The customer an invoice belongs to (for the access guard). */
export async function invoiceCustomer(db: Knex, id: number): Promise<number | undefined> {
  const row = await db('invoices').where({ id }).first('customer_id');
  return row?.customer_id;
}
