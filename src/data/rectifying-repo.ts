import type { Knex } from 'knex';
import type { BillResult } from '../domain/billing';
import type { ConsumptionByPeriod, Energy } from '../domain/billing-types';
import { productInForceSql } from './product-periods-repo';

/** An invoice as a rectification needs it, locked so two administrators cannot both replace it. */
export interface RectifiableInvoice {
  id: number; number: string; contract_id: number; customer_id: number; period_start: string; period_end: string;
  issue_date: string; due_date: string; status: 'pending' | 'paid' | 'returned'; delivery: 'paper' | 'electronic';
  payment_method: 'direct_debit' | 'transfer'; total_cents: number; rectified_by_invoice_id: number | null; rectifies_invoice_id: number | null;
  consumption_p1_kwh: number; consumption_p2_kwh: number; consumption_p3_kwh: number;
  product_code: string; energy: Energy; power_p1_kw: number | null; power_p2_kw: number | null;
  street: string; sp_number: string; municipality: string;
}

export async function lockInvoiceForRectifying(trx: Knex.Transaction, id: number): Promise<RectifiableInvoice | undefined> {
  const locked = await trx('invoices').where({ id }).forUpdate().first('id');
  if (!locked) return undefined;
  return findRectifiable(trx, id);
}

export async function findRectifiable(db: Knex, id: number): Promise<RectifiableInvoice | undefined> {
  return db('invoices as i').join('contracts as c', 'c.id', 'i.contract_id').join('supply_points as sp', 'sp.id', 'c.supply_point_id')
    .where('i.id', id)
    .first('i.id', 'i.number', 'i.contract_id', 'i.customer_id', 'i.period_start', 'i.period_end', 'i.issue_date', 'i.due_date', 'i.status', 'i.delivery',
      'i.payment_method', 'i.total_cents', 'i.rectified_by_invoice_id', 'i.rectifies_invoice_id', 'i.consumption_p1_kwh', 'i.consumption_p2_kwh',
      'i.consumption_p3_kwh', db.raw('? as product_code', [productInForceSql(db, 'c', db.ref('i.period_start'))]), 'sp.energy', 'sp.power_p1_kw', 'sp.power_p2_kw', 'sp.street', 'sp.number as sp_number', 'sp.municipality');
}

/**
 * The rectifying invoice in the "R" series (R + two-digit year + counter), with its lines, and the
 * original marked as replaced by it.
 */
export async function insertRectifying(trx: Knex.Transaction, o: RectifiableInvoice, r: {
  issueDate: string; dueDate: string; reason: string; consumption: ConsumptionByPeriod; bill: BillResult;
  /** The complaint it answers, if it comes from one. */
  requestId?: number | null;
}): Promise<{ id: number; number: string }> {
  // gap-free like the ordinary series: the counter row is locked until the transaction ends
  const series = `R${r.issueDate.slice(2, 4)}`;
  await trx.raw('INSERT INTO invoice_series (series, last_number) VALUES (?, 0) ON CONFLICT DO NOTHING', [series]);
  const counter = await trx('invoice_series').where({ series }).forUpdate().first('last_number');
  const n = Number(counter!.last_number) + 1;
  await trx('invoice_series').where({ series }).update({ last_number: n });
  const [row] = await trx('invoices').insert({
    number: `${series}${String(n).padStart(8, '0')}`,
    contract_id: o.contract_id, customer_id: o.customer_id, period_start: o.period_start, period_end: o.period_end,
    issue_date: r.issueDate, due_date: r.dueDate, status: o.status, delivery: o.delivery, payment_method: o.payment_method,
    consumption_p1_kwh: r.consumption.P1, consumption_p2_kwh: r.consumption.P2, consumption_p3_kwh: r.consumption.P3,
    taxable_base_cents: r.bill.totals.taxableBaseCents, vat_cents: r.bill.totals.vatCents, total_cents: r.bill.totals.totalCents,
    rectifies_invoice_id: o.id, rectification_reason: r.reason, rectification_request_id: r.requestId ?? null,
  }).returning(['id', 'number']);
  await trx('invoice_lines').insert(r.bill.lines.map((l, position) => ({
    invoice_id: row.id, position, kind: l.kind, period: l.period ?? null, detail: l.detail, quantity: l.quantity, unit: l.unit, unit_price: l.unitPrice, amount_cents: l.amountCents,
  })));
  await trx('invoices').where({ id: o.id }).update({ rectified_by_invoice_id: row.id });
  return { id: Number(row.id), number: row.number };
}

/** Who is told by email of a rectifying invoice: e-billing holders and representatives. */
export async function electronicRecipients(db: Knex, customerId: number): Promise<{ id: number; email: string; first_name: string; language: string }[]> {
  return db('customer_links as l').join('users as u', 'u.id', 'l.user_id').where('l.customer_id', customerId)
    .whereIn('l.role', ['holder', 'representative']).where('l.status', 'active').where('u.status', 'active')
    .select('u.id', 'u.email', 'u.first_name', 'u.language');
}

/** The invoices of a contract that can still be rectified (not replaced, not rectifying), newest first. */
export async function rectifiableInvoicesOf(db: Knex, contractId: number, limit = 12): Promise<{
  id: number; number: string; period_start: string; period_end: string; total_cents: number;
}[]> {
  return db('invoices').where({ contract_id: contractId }).whereNull('rectified_by_invoice_id')
    .whereNull('rectifies_invoice_id').orderBy('period_start', 'desc').limit(limit)
    .select('id', 'number', 'period_start', 'period_end', 'total_cents');
}

/** The rectifying invoices issued in answer to a complaint. */
export async function rectifyingOfRequest(db: Knex, requestId: number): Promise<{ id: number; number: string }[]> {
  return db('invoices').where({ rectification_request_id: requestId }).orderBy('id').select('id', 'number');
}
