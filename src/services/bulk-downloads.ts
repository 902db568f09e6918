/**
 * The overview's downloads for users who act for many clients: the (filtered) supplies list for
 * a spreadsheet, and one month's invoices of every listed client as a ZIP of signed duplicates.
 * Both leave audit rows; the ZIP takes the user's lease, so one runs per user at a time.
 */
import type { Writable } from 'node:stream';
import type { UserActor } from '../domain/actor';
import { retentionCutoff } from '../domain/invoices';
import { parseInvoiceMonth, type OverviewFilter } from '../domain/overview';
import { todayInSpain } from '../domain/time';
import { audit, auditMany } from '../data/audit-repo';
import { invoicesForBulk, searchSupplies, type BulkInvoiceRow, type SupplyListRow } from '../data/supplies-repo';
import type { UserAccess } from './access';
import { linkLabels, overviewScope, type LinkLabel } from './bulk-overview';
import { withBulkDownloadLease, writeInvoiceZip, type ZipResult } from './bulk-invoices';
import type { UseCaseContext } from './context';

export { zipEntryName } from './bulk-invoices';

type Ctx = UseCaseContext<UserActor>;

/** The filter as the audit row keeps it: only what was set. */
function filterDetails(f: OverviewFilter): Record<string, string> {
  return Object.fromEntries(
    Object.entries({ q: f.q, rol: f.role ?? '', energia: f.energy ?? '' }).filter(([, v]) => v),
  );
}

export interface SuppliesExport {
  rows: SupplyListRow[];
  /** How the user reaches each row's client. */
  labels: Map<number, LinkLabel>;
}

/** Every supply the overview lists with this filter (all pages), audited as exported. */
export async function exportSupplies(ctx: Ctx, access: UserAccess, filter: OverviewFilter): Promise<SuppliesExport> {
  const { accessById, search } = overviewScope(access, filter);
  const rows = await searchSupplies(ctx.db, search);
  const labels = await linkLabels(ctx.db, accessById, rows.map((r) => r.customer_id));
  await audit(ctx.db, {
    actorType: 'user', actorId: ctx.actor.userId, action: 'supplies.csv_exported', ip: ctx.actor.ip, at: ctx.now,
    details: { rows: rows.length, ...filterDetails(filter) },
  });
  return { rows, labels };
}

export type InvoiceZipPlan =
  /** The month field's error (a key of overview.bulk.errors). */
  | { kind: 'invalid'; error: string }
  | { kind: 'empty'; month: string }
  | { kind: 'ready'; month: string; rows: BulkInvoiceRow[]; filter: OverviewFilter };

/** Which invoices a month's ZIP would hold: within retention to the day, as a single download checks. */
export async function planInvoiceZip(
  ctx: Ctx, access: UserAccess, input: { month: unknown; filter: OverviewFilter },
): Promise<InvoiceZipPlan> {
  const day = todayInSpain(ctx.now);
  const cutoff = retentionCutoff(day);
  const month = parseInvoiceMonth(input.month, day, cutoff.slice(0, 7));
  if (!month.ok) return { kind: 'invalid', error: month.error };
  const { search } = overviewScope(access, input.filter);
  const rows = (await invoicesForBulk(ctx.db, search, month.from, month.to))
    .filter((r) => r.issue_date >= cutoff && r.issue_date <= day);
  if (rows.length === 0) return { kind: 'empty', month: month.month };
  return { kind: 'ready', month: month.month, rows, filter: input.filter };
}

/**
 * Streams the planned ZIP (the summary first) into what `open` returns, called only once the
 * user's lease is taken, so a refused download has sent nothing. `busy` while another of the
 * user's downloads runs. A failure after `open` is thrown with the stream half written.
 */
export async function sendInvoiceZip(
  ctx: Ctx, plan: Extract<InvoiceZipPlan, { kind: 'ready' }>, summaryCsv: string, open: () => Writable,
): Promise<{ busy: true } | { busy: false; result: ZipResult }> {
  if (!ctx.signer) throw new Error('sendInvoiceZip needs the signer in its context');
  const signer = ctx.signer;
  return withBulkDownloadLease(ctx.db, ctx.actor.userId, ctx.now, async () => {
    const customers = new Map<number, number>();
    for (const r of plan.rows) customers.set(r.customer_id, (customers.get(r.customer_id) ?? 0) + 1);
    // one row per client, so each client's history shows who downloaded its invoices
    await auditMany(ctx.db, [...customers].map(([customerId, count]) => ({
      actorType: 'user' as const, actorId: ctx.actor.userId, customerId, action: 'invoice.bulk_downloaded',
      ip: ctx.actor.ip, at: ctx.now,
      details: {
        month: plan.month, invoices: count, copy: 'duplicate', clients: customers.size, ...filterDetails(plan.filter),
      },
    })));
    return writeInvoiceZip(ctx.db, signer, plan.rows, summaryCsv, open(), ctx.now);
  });
}
