import type { Knex } from 'knex';
import { billingPeriod, type BillableContract, type InvoiceDraft } from '../domain/invoicing';
import { billedConsumption, type MeterReadingFact } from '../domain/invoice-readings';
import { billedPeriod } from '../domain/cancellation';
import { powerSchedules } from './power-periods-repo';
import { productInForceSql } from './product-periods-repo';
import { servicesForBilling } from './contract-services-repo';
import { discountsForBilling } from './promotion-acceptances-repo';

/**
 * Active contracts with consumption for the month (metered, or from the customer's reading) and no
 * invoice for it yet.
 */
export async function loadBillableContracts(db: Knex, periodStart: string): Promise<BillableContract[]> {
  const periodEnd = billingPeriod(periodStart.slice(0, 7)).end;
  const rows = await db('contracts as c')
    .join('supply_points as sp', 'sp.id', 'c.supply_point_id')
    .join('contract_accounts as ca', 'ca.id', 'c.contract_account_id')
    .leftJoin('consumption as co', function () {
      this.on('co.contract_id', '=', 'c.id').andOn('co.month', '=', db.raw('?::date', [periodStart]));
    })
    .leftJoin('invoices as i', function () {
      this.on('i.contract_id', '=', 'c.id')
        .andOn('i.period_start', '=', db.raw('?::date', [periodStart]))
        .andOnNull('i.rectifies_invoice_id');
    })
    .whereNull('i.id')
    .where('c.start_date', '<=', periodStart)
    // an ended contract is billed up to its last day of supply, never after
    .where((w) => w.whereNull('c.end_date').orWhere('c.end_date', '>=', periodStart))
    // the distributor's metering for the month, or a reading the customer gave within it
    .where((w) => w.whereNotNull('co.id').orWhereExists(
      db('meter_readings as mr').where('mr.supply_point_id', db.ref('sp.id'))
        .where('mr.source', 'customer').whereBetween('mr.reading_date', [periodStart, periodEnd]),
    ))
    .select(
      'c.id as contract_id', 'c.customer_id', 'c.e_billing', 'c.end_date',
      // a product change applies from a month's first day: the product in force when the period begins
      db.raw('? as product_code', [productInForceSql(db, 'c', periodStart)]),
      'sp.id as sp_id', 'sp.energy', 'sp.power_p1_kw', 'sp.power_p2_kw',
      'ca.direct_debit', 'ca.payment_day',
      'co.p1_kwh', 'co.p2_kwh', 'co.p3_kwh',
    )
    .orderBy('c.id');
  // power changes of every contract in one query: each day is billed with the powers in force
  const schedules = await powerSchedules(
    db, rows.filter((r) => r.energy === 'electricity').map((r) => Number(r.contract_id)),
  );
  // maintenance services and promotion discounts of every contract, one query each
  const ids = rows.map((r) => Number(r.contract_id));
  const services = await servicesForBilling(db, ids, periodStart, periodEnd);
  const discounts = await discountsForBilling(db, ids, periodStart);
  const readings = await readingsAround(
    db, rows.filter((r) => r.p1_kwh === null || r.end_date).map((r) => Number(r.sp_id)), periodStart, periodEnd,
  );
  const billable = rows.flatMap((r) => {
    const period = billedPeriod({ start: periodStart, end: periodEnd }, r.end_date ?? null);
    if (!period) return [];
    // the final invoice bills the final reading, not the distributor's whole month
    const metered = r.p1_kwh === null || period.final ? null : { P1: r.p1_kwh, P2: r.p2_kwh, P3: r.p3_kwh };
    const billed = billedConsumption(period, metered, readings.get(Number(r.sp_id)) ?? []);
    return billed ? [{ r, billed }] : [];
  });
  return billable.map(({ r, billed }) => ({
    contractId: r.contract_id,
    customerId: r.customer_id,
    energy: r.energy,
    productCode: r.product_code,
    powerKw: r.energy === 'electricity' ? { P1: Number(r.power_p1_kw), P2: Number(r.power_p2_kw) } : null,
    powerSchedule: schedules.get(Number(r.contract_id)) ?? [],
    eBilling: r.e_billing,
    directDebit: r.direct_debit,
    paymentDay: r.payment_day,
    consumption: billed.consumption,
    readings: { source: billed.source, from: billed.from, to: billed.to },
    endDate: r.end_date ?? null,
    services: services.get(Number(r.contract_id)) ?? [],
    discounts: discounts.get(Number(r.contract_id)) ?? [],
  }));
}

/** The readings a customer-read month compares: those of the period and the two months before it. */
async function readingsAround(
  db: Knex, supplyPointIds: number[], periodStart: string, periodEnd: string,
): Promise<Map<number, MeterReadingFact[]>> {
  const out = new Map<number, MeterReadingFact[]>();
  if (supplyPointIds.length === 0) return out;
  const rows = await db('meter_readings').whereIn('supply_point_id', supplyPointIds)
    .whereBetween('reading_date', [db.raw("?::date - interval '62 days'", [periodStart]), periodEnd])
    .orderBy(['supply_point_id', 'reading_date', 'id'])
    .select('supply_point_id', 'reading_date', 'source', 'p1_kwh', 'p2_kwh', 'p3_kwh');
  for (const m of rows) {
    const id = Number(m.supply_point_id);
    if (!out.has(id)) out.set(id, []);
    out.get(id)!.push({ date: m.reading_date, source: m.source, P1: m.p1_kwh, P2: m.p2_kwh, P3: m.p3_kwh });
  }
  return out;
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
    .whereNull('rectifies_invoice_id')
    .select('contract_id', 'period_start'))
    .map((r: { contract_id: number; period_start: string }) => `${r.contract_id}|${r.period_start}`));
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
        readings_source: d.readings?.source ?? 'real',
        reading_from: d.readings?.from ?? null,
        reading_to: d.readings?.to ?? null,
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
