import type { ConsumptionByPeriod, Energy } from './billing-types';
import { computeBill, type BilledDiscount, type BilledService, type BillResult } from './billing';
import type { PowerPeriod } from './power-periods';
import type { ReadingsSource } from './invoice-readings';

/** Which readings the consumption comes from (absent: the distributor's metering). */
export interface ReadingsUsed { source: ReadingsSource; from: string | null; to: string | null }

/** A contract as the billing run needs it. */
export interface BillableContract {
  contractId: number;
  customerId: number;
  energy: Energy;
  productCode: string;
  powerKw: { P1: number; P2: number } | null;
  /** Power changes (electricity); days before the first entry use powerKw. */
  powerSchedule?: PowerPeriod[];
  eBilling: boolean;
  directDebit: boolean;
  paymentDay: number | null;
  consumption: ConsumptionByPeriod;
  readings?: ReadingsUsed;
  /** The last day of supply of an ended contract: its final invoice stops there. */
  endDate?: string | null;
  /** Maintenance services in force during the month. */
  services?: BilledService[];
  /** Discounts of accepted promotions that cover the month. */
  discounts?: BilledDiscount[];
}

export interface InvoiceDraft {
  contractId: number;
  customerId: number;
  periodStart: string;
  periodEnd: string;
  issueDate: string;
  dueDate: string;
  delivery: 'paper' | 'electronic';
  paymentMethod: 'direct_debit' | 'transfer';
  consumption: ConsumptionByPeriod;
  readings?: ReadingsUsed;
  bill: BillResult;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isBillingMonth(value: string): boolean {
  return MONTH.test(value);
}

function iso(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return iso(d);
}

/** Calendar month 'YYYY-MM' → its first and last day. */
export function billingPeriod(month: string): { start: string; end: string } {
  const m = MONTH.exec(month);
  if (!m) throw new RangeError(`Billing month must be YYYY-MM, got "${month}"`);
  const year = Number(m[1]);
  const mon = Number(m[2]);
  const start = new Date(Date.UTC(year, mon - 1, 1));
  const end = new Date(Date.UTC(year, mon, 0));
  return { start: iso(start), end: iso(end) };
}

export const ISSUE_LAG_DAYS = 3;
export const MIN_DAYS_TO_PAY = 15;

/**
 * Invoices go out a few days after the period closes. A business that chose a payment day
 * pays on the first such day leaving at least the minimum time to pay; otherwise the
 * standard term applies.
 */
export function invoiceDates(periodEnd: string, paymentDay: number | null): { issueDate: string; dueDate: string } {
  const issueDate = addDays(periodEnd, ISSUE_LAG_DAYS);
  const earliest = addDays(issueDate, MIN_DAYS_TO_PAY);
  if (!paymentDay) return { issueDate, dueDate: earliest };
  const e = new Date(`${earliest}T00:00:00Z`);
  for (let i = 0; i < 3; i++) {
    const y = e.getUTCFullYear();
    const mo = e.getUTCMonth() + i;
    const lastDay = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
    const candidate = iso(new Date(Date.UTC(y, mo, Math.min(paymentDay, lastDay))));
    if (candidate >= earliest) return { issueDate, dueDate: candidate };
  }
  return { issueDate, dueDate: earliest };
}

export function draftInvoice(contract: BillableContract, month: string): InvoiceDraft {
  const period = billingPeriod(month);
  const start = period.start;
  const end = contract.endDate && contract.endDate < period.end ? contract.endDate : period.end;
  const bill = computeBill({
    energy: contract.energy,
    productCode: contract.productCode,
    periodStart: start,
    periodEnd: end,
    powerKw: contract.powerKw ?? undefined,
    powerSchedule: contract.powerSchedule,
    consumptionKwh: contract.consumption,
    services: contract.services ?? [],
    discounts: contract.discounts ?? [],
  });
  const { issueDate, dueDate } = invoiceDates(end, contract.paymentDay);
  return {
    contractId: contract.contractId,
    customerId: contract.customerId,
    periodStart: start,
    periodEnd: end,
    issueDate,
    dueDate,
    delivery: contract.eBilling ? 'electronic' : 'paper',
    paymentMethod: contract.directDebit ? 'direct_debit' : 'transfer',
    consumption: contract.consumption,
    ...(contract.readings ? { readings: contract.readings } : {}),
    bill,
  };
}
