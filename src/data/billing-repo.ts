import type { Knex } from 'knex';
import type { BillableContract, InvoiceDraft } from '../domain/invoicing';

/** Active contracts with consumption recorded for the month and no invoice for it yet. */
export async function loadBillableContracts(db: Knex, periodStart: string): Promise<BillableContract[]> {
  const rows = await db('contracts as c')
    .join('supply_points as sp', 'sp.id', 'c.supply_point_id')
    .join('contract_accounts as ca', 'ca.id', 'c.contract_account_id')
    .join('consumption as co', function () {
      this.on('co.contract_id', '=', 'c.id').andOn('co.month', '=', db.raw('?::date', [periodStart]));
    })
    .leftJoin('invoices as i', function () {
      this.on('i.contract_id', '=', 'c.id').andOn('i.period_start', '=', db.raw('?::date', [periodStart]));
    })
    .whereNull('i.id')
    .where('c.start_date', '<=', periodStart)
    .select(
      'c.id as contract_id', 'c.customer_id', 'c.product_code', 'c.e_billing',
      'sp.energy', 'sp.power_p1_kw', 'sp.power_p2_kw',
      'ca.direct_debit', 'ca.payment_day',
      'co.p1_kwh', 'co.p2_kwh', 'co.p3_kwh',
    )
    .orderBy('c.id');
  return rows.map((r) => ({
    contractId: r.contract_id,
    customerId: r.customer_id,
    energy: r.energy,
    productCode: r.product_code,
    powerKw: r.energy === 'electricity' ? { P1: Number(r.power_p1_kw), P2: Number(r.power_p2_kw) } : null,
    eBilling: r.e_billing,
    directDebit: r.direct_debit,
    paymentDay: r.payment_day,
    consumption: { P1: r.p1_kwh, P2: r.p2_kwh, P3: r.p3_kwh },
  }));
}

/** 'FE' and the two-digit year of issue: invoice numbers are correlative within it. */
export function invoiceSeries(issueDate: string): string {
  return `FE${issueDate.slice(2, 4)}`;
}

/**
 * Inserts the drafts; a draft whose contract and period already have an invoice is skipped
 * (a re-run, or another instance that got there first), which makes issuing idempotent.
 * Numbers come from the series' counter row, locked until this transaction ends: a rollback
 * gives its numbers back and concurrent runs take turns, so a series never has a gap (a
 * sequence would lose the numbers of every rolled-back batch).
 */
export async function insertInvoices(
  trx: Knex.Transaction, drafts: InvoiceDraft[], opts: { billingRunId?: number | null } = {},
): Promise<{ id: number; contractId: number; number: string }[]> {
  if (drafts.length === 0) return [];
  const series = [...new Set(drafts.map((d) => invoiceSeries(d.issueDate)))].sort();
  for (const s of series) await trx.raw(
    'INSERT INTO invoice_series (series, last_number) VALUES (?, 0) ON CONFLICT DO NOTHING', [s],
  );
  // locked in a fixed order, so two runs never wait for each other crosswise
  const counters = new Map<string, number>();
  for (
    const row of await trx('invoice_series').whereIn('series', series).orderBy('series').forUpdate().select(
      'series', 'last_number',
    )
  ) {
    counters.set(row.series, Number(row.last_number));
  }
  // With the counters held, any other run's batch has committed (and is visible) or not begun.
  const taken = new Set((await trx('invoices')
    .whereIn('contract_id', drafts.map((d) => d.contractId))
    .whereIn('period_start', [...new Set(drafts.map((d) => d.periodStart))])
    .select('contract_id', 'period_start')).map(
      (r: { contract_id: number; period_start: string }) => `${r.contract_id}|${r.period_start}`,
    ));
  const fresh = drafts.filter((d) => !taken.has(`${d.contractId}|${d.periodStart}`));
  if (fresh.length === 0) return [];
  const inserted = await trx('invoices')
    .insert(fresh.map((d) => {
      const s = invoiceSeries(d.issueDate);
      const n = counters.get(s)! + 1;
      counters.set(s, n);
      return {
        number: `${s}${String(n).padStart(8, '0')}`,
        billing_run_id: opts.billingRunId ?? null,
        contract_id: d.contractId,
        customer_id: d.customerId,
        period_start: d.periodStart,
        period_end: d.periodEnd,
        issue_date: d.issueDate,
        due_date: d.dueDate,
        status: 'pending',
        delivery: d.delivery,
        payment_method: d.paymentMethod,
        consumption_p1_kwh: d.consumption.P1,
        consumption_p2_kwh: d.consumption.P2,
        consumption_p3_kwh: d.consumption.P3,
        taxable_base_cents: d.bill.totals.taxableBaseCents,
        vat_cents: d.bill.totals.vatCents,
        total_cents: d.bill.totals.totalCents,
      };
    }))
    .returning(['id', 'contract_id', 'number']);
  for (const [s, last] of counters) await trx('invoice_series').where({ series: s }).update({ last_number: last });
  const byContract = new Map(drafts.map((d) => [d.contractId, d]));
  const lines = inserted.flatMap((row: { id: number; contract_id: number }) =>
    byContract.get(row.contract_id)!.bill.lines.map((l, position) => ({
      invoice_id: row.id,
      position,
      kind: l.kind,
      period: l.period ?? null,
      detail: l.detail,
      quantity: l.quantity,
      unit: l.unit,
      unit_price: l.unitPrice,
      amount_cents: l.amountCents,
    })));
  for (let i = 0; i < lines.length; i += 1000) await trx('invoice_lines').insert(lines.slice(i, i + 1000));
  return inserted.map(
    (r: { id: number; contract_id: number; number: string }) => (
      { id: r.id, contractId: r.contract_id, number: r.number }
    ),
  );
}
