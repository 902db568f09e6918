import type { Knex } from 'knex';
import { queryFirst, statement } from './direct-query';
import type { InvoiceLine } from '../domain/billing-types';
import { findProduct } from '../domain/tariffs';
import { maskIban } from '../domain/ids';
import type { InvoicePdfData } from '../adapters/pdf/invoice-pdf';

function addressLine(
  r: { street: string; number: string; floor_door: string | null; postal_code: string; municipality: string; province?: string },
): string {
  return `${r.street} ${r.number}${r.floor_door ? `, ${r.floor_door}` : ''}, ${r.postal_code} ${r.municipality}`;
}

interface Row {
  id: number; number: string; issue_date: string; due_date: string; period_start: string; period_end: string;
  delivery: 'paper' | 'electronic'; payment_method: 'direct_debit' | 'transfer';
  consumption_p1_kwh: number; consumption_p2_kwh: number; consumption_p3_kwh: number; readings_source: 'real' | 'customer' | 'estimated';
  taxable_base_cents: number; vat_cents: number; total_cents: number;
  contract_id: number; contract_number: string; product_code: string;
  customer_name: string; customer_tax_id: string;
  ca_number: string; billing_name: string; billing_street: string; billing_number: string; billing_floor_door: string | null;
  billing_postal_code: string; billing_municipality: string; billing_province: string; iban: string | null;
  supply_point_id: number; cups: string; energy: 'electricity' | 'gas'; tariff: string; distributor: string;
  street: string; sp_number: string; floor_door: string | null; postal_code: string; municipality: string;
  power_p1_kw: number | null; power_p2_kw: number | null;
  rectification_reason: string | null; original_number: string | null; original_issue_date: string | null;
}

/**
 * Everything printed on a batch of invoices, in five queries whatever the batch size, so a
 * billing run or a bulk download never issues a query per invoice.
 */
export async function loadInvoicePdfData(db: Knex, invoiceIds: number[]): Promise<Map<number, InvoicePdfData>> {
  const out = new Map<number, InvoicePdfData>();
  if (invoiceIds.length === 0) return out;
  const rows: Row[] = await db('invoices as i')
    .join('contracts as c', 'c.id', 'i.contract_id')
    .join('customers as cu', 'cu.id', 'i.customer_id')
    .join('contract_accounts as ca', 'ca.id', 'c.contract_account_id')
    .join('supply_points as sp', 'sp.id', 'c.supply_point_id')
    .leftJoin('invoices as o', 'o.id', 'i.rectifies_invoice_id')
    .whereIn('i.id', invoiceIds)
    .select('i.id', 'i.number', 'i.issue_date', 'i.due_date', 'i.period_start', 'i.period_end', 'i.delivery', 'i.payment_method',
      'i.consumption_p1_kwh', 'i.consumption_p2_kwh', 'i.consumption_p3_kwh', 'i.readings_source', 'i.taxable_base_cents', 'i.vat_cents', 'i.total_cents',
      'c.id as contract_id', 'c.number as contract_number', 'c.product_code', 'cu.name as customer_name', 'cu.tax_id as customer_tax_id',
      'ca.number as ca_number', 'ca.billing_name', 'ca.billing_street', 'ca.billing_number', 'ca.billing_floor_door', 'ca.billing_postal_code',
      'ca.billing_municipality', 'ca.billing_province', 'ca.iban', 'sp.id as supply_point_id', 'sp.cups', 'sp.energy', 'sp.tariff', 'sp.distributor',
      'sp.street', 'sp.number as sp_number', 'sp.floor_door', 'sp.postal_code', 'sp.municipality', 'sp.power_p1_kw', 'sp.power_p2_kw',
      'i.rectification_reason', 'o.number as original_number', 'o.issue_date as original_issue_date');
  const lines = await db('invoice_lines').whereIn('invoice_id', invoiceIds).orderBy(['invoice_id', 'position']);
  const contractIds = [...new Set(rows.map((r) => r.contract_id))];
  const supplyIds = [...new Set(rows.map((r) => r.supply_point_id))];
  const history = await db('consumption').whereIn('contract_id', contractIds).select(
    'contract_id', 'month', 'p1_kwh', 'p2_kwh', 'p3_kwh',
  ).orderBy('month');
  const readings = await db('meter_readings').whereIn('supply_point_id', supplyIds).orderBy('reading_date')
    .select('supply_point_id', 'reading_date', 'p1_kwh', 'p2_kwh', 'p3_kwh');

  const linesBy = new Map<number, InvoiceLine[]>();
  for (const l of lines) {
    const list = linesBy.get(l.invoice_id) ?? [];
    list.push(
      {
        kind: l.kind, period: l.period ?? undefined, detail: l.detail, quantity: Number(l.quantity), unit: l.unit,
        unitPrice: Number(l.unit_price), amountCents: l.amount_cents,
      },
    );
    linesBy.set(l.invoice_id, list);
  }
  for (const r of rows) {
    const monthEnd = r.period_end.slice(0, 7);
    const hist = history.filter(
      (h: { contract_id: number; month: string }) => h.contract_id === r.contract_id && h.month.slice(0, 7) <= monthEnd,
    ).slice(-14)
      .map(
        (h: { month: string; p1_kwh: number; p2_kwh: number; p3_kwh: number }) => (
          { month: h.month.slice(0, 7), kwh: h.p1_kwh + h.p2_kwh + h.p3_kwh }
        ),
      );
    const spReadings = readings.filter((x: { supply_point_id: number }) => x.supply_point_id === r.supply_point_id);
    const currentIdx = spReadings.findLastIndex((x: { reading_date: string }) => x.reading_date <= r.period_end);
    const asReading = (
      x: { reading_date: string; p1_kwh: number; p2_kwh: number | null; p3_kwh: number | null } | undefined
    ) =>
      x ? { date: x.reading_date, P1: x.p1_kwh, P2: x.p2_kwh, P3: x.p3_kwh } : null;
    out.set(r.id, {
      number: r.number, issueDate: r.issue_date, dueDate: r.due_date, periodStart: r.period_start,
      periodEnd: r.period_end,
      holder: {
        name: r.billing_name || r.customer_name, taxId: r.customer_tax_id,
        address: [
          `${r.billing_street} ${r.billing_number}${r.billing_floor_door ? `, ${r.billing_floor_door}` : ''}`,
          `${r.billing_postal_code} ${r.billing_municipality} (${r.billing_province})`,
        ],
      },
      contractAccountNumber: r.ca_number, contractNumber: r.contract_number,
      supply: {
        cups: r.cups, address: addressLine(
          {
            street: r.street, number: r.sp_number, floor_door: r.floor_door, postal_code: r.postal_code,
            municipality: r.municipality,
          },
        ),
        energy: r.energy, tariff: r.tariff, productName: findProduct(r.product_code)?.name ?? r.product_code,
        powerKw: r.energy === 'electricity' && r.power_p1_kw !== null ? {
          P1: Number(r.power_p1_kw), P2: Number(r.power_p2_kw),
        } : null,
        distributor: r.distributor,
      },
      readings: {
        previous: currentIdx > 0 ? asReading(spReadings[currentIdx - 1]) : null,
        current: currentIdx >= 0 ? asReading(spReadings[currentIdx]) : null,
      },
      consumptionKwh: { P1: r.consumption_p1_kwh, P2: r.consumption_p2_kwh, P3: r.consumption_p3_kwh },
      readingsSource: r.readings_source,
      ...(r.original_number ? { rectifies: { number: r.original_number, issueDate: r.original_issue_date!, reason: r.rectification_reason ?? '' } } : {}),
      history: hist,
      lines: linesBy.get(r.id) ?? [],
      totals: { taxableBaseCents: r.taxable_base_cents, vatCents: r.vat_cents, totalCents: r.total_cents },
      paymentMethod: r.payment_method === 'direct_debit' && r.iban ? {
        kind: 'direct_debit', maskedIban: maskIban(r.iban),
      } : { kind: 'transfer' },
      delivery: r.delivery,
    });
  }
  return out;
}

const DUPLICATE = statement('select pdf, sha256, generated_at from invoice_duplicates where invoice_id = $1');

/** The stored signed duplicate of an invoice, when one was made. */
export async function findDuplicate(
  db: Knex, invoiceId: number,
): Promise<{ pdf: Buffer; sha256: string; generated_at: Date } | undefined> {
  return queryFirst(db, DUPLICATE, [invoiceId]);
}
