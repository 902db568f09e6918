import type { Knex } from 'knex';
import { billingPeriod, draftInvoice } from '../domain/invoicing';
import { insertInvoices, loadBillableContracts } from '../data/billing-repo';

export interface IssueResult {
  month: string;
  candidates: number;
  issued: number;
  invoiceIds: number[];
}

/** The billing run for one month: the command, the admin section and the demo all use it. */
export async function issueInvoicesForMonth(knex: Knex, month: string): Promise<IssueResult> {
  const { start } = billingPeriod(month);
  return knex.transaction(async (trx) => {
    const contracts = await loadBillableContracts(trx, start);
    const drafts = contracts.map((c) => draftInvoice(c, month));
    const inserted = await insertInvoices(trx, drafts);
    return { month, candidates: contracts.length, issued: inserted.length, invoiceIds: inserted.map((i) => i.id) };
  });
}
