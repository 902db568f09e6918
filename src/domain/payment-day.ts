/**
 * Payment day of a business contract account ("elige el día de pago", seeds 001/002): a day of
 * the month, 1–28 so that it exists in every month, that applies to invoices issued afterwards.
 * Pure.
 */
import { invoiceDates, ISSUE_LAG_DAYS } from './invoicing';

export const PAYMENT_DAY_MIN = 1;
export const PAYMENT_DAY_MAX = 28;
export const PAYMENT_DAYS: readonly number[] = Array.from(
  { length: PAYMENT_DAY_MAX - PAYMENT_DAY_MIN + 1 }, (_, i) => PAYMENT_DAY_MIN + i,
);

export type PaymentDayError = 'required' | 'not_a_day' | 'out_of_range' | 'unchanged';
export type PaymentDayResult = { ok: true; day: number } | { ok: false; error: PaymentDayError };

/** Only companies and communities of owners choose their payment day. */
export function canChoosePaymentDay(customerKind: string): boolean {
  return customerKind === 'company' || customerKind === 'community';
}

/** The chosen day from a form value; choosing the day already in force changes nothing and is refused. */
export function validatePaymentDay(raw: string | number, current: number | null = null): PaymentDayResult {
  const s = String(raw).trim();
  if (!s) return { ok: false, error: 'required' };
  if (!/^\d{1,2}$/.test(s)) return { ok: false, error: 'not_a_day' };
  const day = Number(s);
  if (day < PAYMENT_DAY_MIN || day > PAYMENT_DAY_MAX) return { ok: false, error: 'out_of_range' };
  if (current !== null && day === current) return { ok: false, error: 'unchanged' };
  return { ok: true, day };
}

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * The due date of an invoice issued on `issueDate` (YYYY-MM-DD) for an account with this
 * payment day (null: the standard term), from the billing run's own rule.
 */
export function dueDateForIssue(issueDate: string, paymentDay: number | null): string {
  const periodEnd = addDays(issueDate, -ISSUE_LAG_DAYS);
  return invoiceDates(periodEnd, paymentDay).dueDate;
}
