import type { Knex } from 'knex';
import type { Config } from '../config';
import { billingPeriod, draftInvoice } from '../domain/invoicing';
import { insertInvoices, loadBillableContracts } from '../data/billing-repo';
import { storeSignedOriginals } from './invoice-documents';
import type { PdfSigner } from '../adapters/pdf/signing';
import { queueMail } from '../adapters/mail/outbox';
import { letterDay, letterEuros } from '../domain/letter-format';

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
   * Synchronous on purpose: it runs inside a batch's transaction, so it must not wait on the
   * database; throwing from it stops the run and rolls back the current batch.
   */
  onProgress?: (p: { done: number; total: number; candidates: number }) => void;
  /** Contracts per transaction (default ISSUE_BATCH). */
  batchSize?: number;
  /** The billing_runs row this run reports to (each invoice records it). */
  billingRunId?: number;
}

/** Contracts issued per transaction: small enough that other requests are not held back for long. */
export const ISSUE_BATCH = 50;

/** A run that stopped part-way: the batches before `issued` are committed and stay issued. */
export class PartialIssueError extends Error {
  constructor(readonly reason: unknown, readonly issued: number) {
    super(reason instanceof Error ? reason.message : String(reason));
    this.name = 'PartialIssueError';
  }
}

/**
 * The billing run for one month: the command, the admin section and the demo all use it.
 * Computes every billable contract's invoice, stores its signed original and queues the
 * "invoice available" emails, one transaction per batch of contracts: a run of thousands of
 * contracts never holds one long transaction (which the embedded database would make every
 * other request wait for). Each contract's invoice commits with its PDF and email or not at
 * all, and a re-run issues only what is missing, so an interrupted run is simply run again.
 */
export async function issueInvoicesForMonth(knex: Knex, month: string, opts: IssueOptions): Promise<IssueResult> {
  const { start } = billingPeriod(month);
  const ids: number[] = [];
  let notified = 0;
  try {
    const contracts = await loadBillableContracts(knex, start);
    const candidates = contracts.length;
    let skipped = 0;
    const report = opts.onProgress;
    report?.({ done: 0, total: candidates, candidates });
    const size = Math.max(1, opts.batchSize ?? ISSUE_BATCH);
    for (let i = 0; i < contracts.length; i += size) {
      const batch = contracts.slice(i, i + size);
      const committed = await knex.transaction(async (trx) => {
        const inserted = await insertInvoices(
          trx, batch.map((c) => draftInvoice(c, month)), { billingRunId: opts.billingRunId },
        );
        // another instance (or run) issued these meanwhile
        skipped += batch.length - inserted.length;
        const batchIds = inserted.map((x) => x.id);
        const before = ids.length;
        await storeSignedOriginals(
          trx, batchIds, opts.signer, opts.now,
          report && ((done) => report({ done: before + done, total: candidates - skipped, candidates })),
        );
        const sent = opts.notify ? await notifyElectronicInvoices(trx, batchIds, opts.config) : 0;
        return { batchIds, sent };
      });
      ids.push(...committed.batchIds);
      notified += committed.sent;
    }
    return { month, candidates, issued: ids.length, invoiceIds: ids, notified };
  } catch (err) {
    throw new PartialIssueError(err, ids.length);
  }
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
    .select(
      'i.id', 'i.number', 'i.total_cents', 'i.due_date', 'i.customer_id', 'u.id as user_id', 'u.email', 'u.first_name',
      'u.language', 'sp.street', 'sp.number as sp_number', 'sp.municipality',
    );
  for (const r of rows) {
    await queueMail(trx, {
      to: r.email, lang: r.language, template: 'invoice_available', userId: r.user_id, customerId: r.customer_id,
      params: {
        name: r.first_name,
        number: r.number,
        amount: letterEuros(r.total_cents, r.language),
        address: `${r.street} ${r.sp_number}, ${r.municipality}`,
        due: letterDay(r.due_date),
      },
      actionUrl: `${config.publicUrl}/facturas/${r.id}`,
    });
  }
  return rows.length;
}
