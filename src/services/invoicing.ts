import type { Knex } from 'knex';
import type { Config } from '../config';
import { billingPeriod, draftInvoice } from '../domain/invoicing';
import { insertInvoices, loadBillableContracts } from '../data/billing-repo';
import { storeSignedOriginals } from './invoice-documents';
import type { PdfSigner } from './pdf/signing';
import { queueMail } from './mail/outbox';

export interface IssueResult {
  month: string;
  candidates: number;
  issued: number;
  invoiceIds: number[];
  notified: number;
}

export interface IssueOptions {
  signer: PdfSigner;
  now: Date;
  config: Config;
  /** Email e-billing customers that their invoice is available (off when loading history). */
  notify: boolean;
  /**
   * Called as invoices are signed (done of total to issue; candidates = billable contracts).
   * Synchronous on purpose: it runs inside the run's transaction, so it must not wait on the
   * database; throwing from it aborts the run and rolls everything back.
   */
  onProgress?: (p: { done: number; total: number; candidates: number }) => void;
}

/**
 * The billing run for one month: the command, the admin section and the demo all use it.
 * Computes every billable contract's invoice, stores its signed original and queues the
 * "invoice available" emails in one transaction; re-running finds nothing left to issue.
 */
export async function issueInvoicesForMonth(knex: Knex, month: string, opts: IssueOptions): Promise<IssueResult> {
  const { start } = billingPeriod(month);
  return knex.transaction(async (trx) => {
    const contracts = await loadBillableContracts(trx, start);
    const drafts = contracts.map((c) => draftInvoice(c, month));
    const inserted = await insertInvoices(trx, drafts);
    const ids = inserted.map((i) => i.id);
    const report = opts.onProgress;
    report?.({ done: 0, total: ids.length, candidates: contracts.length });
    await storeSignedOriginals(trx, ids, opts.signer, opts.now, report && ((done) => report({ done, total: ids.length, candidates: contracts.length })));
    const notified = opts.notify ? await notifyElectronicInvoices(trx, ids, opts.config) : 0;
    return { month, candidates: contracts.length, issued: inserted.length, invoiceIds: ids, notified };
  });
}

/** One email per e-billing invoice, to every user who holds or represents the customer. */
async function notifyElectronicInvoices(trx: Knex, invoiceIds: number[], config: Config): Promise<number> {
  if (invoiceIds.length === 0) return 0;
  const rows = await trx('invoices as i')
    .join('customer_links as l', 'l.customer_id', 'i.customer_id')
    .join('users as u', 'u.id', 'l.user_id')
    .join('contracts as c', 'c.id', 'i.contract_id')
    .join('supply_points as sp', 'sp.id', 'c.supply_point_id')
    .whereIn('i.id', invoiceIds).where('i.delivery', 'electronic')
    .whereIn('l.role', ['holder', 'representative']).where('l.status', 'active').where('u.status', 'active')
    .select('i.id', 'i.number', 'i.total_cents', 'i.due_date', 'i.customer_id', 'u.id as user_id', 'u.email', 'u.first_name', 'u.language', 'sp.street', 'sp.number as sp_number', 'sp.municipality');
  for (const r of rows) {
    await queueMail(trx, {
      to: r.email, lang: r.language, template: 'invoice_available', userId: r.user_id, customerId: r.customer_id,
      params: { name: r.first_name, number: r.number, amount: (r.total_cents / 100).toLocaleString('es-ES', { minimumFractionDigits: 2 }) + ' €', address: `${r.street} ${r.sp_number}, ${r.municipality}`, due: r.due_date.split('-').reverse().join('/') },
      actionUrl: `${config.publicUrl}/facturas/${r.id}`,
    });
  }
  return rows.length;
}
