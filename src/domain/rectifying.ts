import type { ConsumptionByPeriod, Energy } from './billing-types';
import { computeBill, type BilledDiscount, type BilledService, type BillResult } from './billing';
import type { PowerPeriod } from './power-periods';

/**
 * Rectifying invoices (factura rectificativa por sustitución): the corrected bill of the same
 * period, computed by the same billing function, which replaces the original. Pure.
 */
export const RECTIFY_REASON_MAX = 500;
const KWH_MAX = 1_000_000;

export type RectifyError =
  | { field: 'reason'; code: 'required' | 'too_long' }
  | { field: 'p1' | 'p2' | 'p3'; code: 'required' | 'invalid' }
  | { field: 'invoice'; code: 'already_rectified' | 'is_rectifying' }
  | { field: 'complaint'; code: ComplaintRectifyRefusal };

export interface RectifyInput { reason: string; p1: string; p2: string; p3: string }

function kwh(raw: string): number | null {
  const v = raw.trim().replace(/\./g, '');
  if (!/^\d{1,7}$/.test(v)) return null;
  const n = Number(v);
  return n <= KWH_MAX ? n : null;
}

/**
 * What the administrator typed: why, and the right consumption (whole kWh; gas and single
 * registers use P1 only). An invoice is rectified once, and a rectifying invoice is not
 * rectified again from here (a new one would replace it in turn).
 */
export function checkRectification(
  input: RectifyInput,
  original: { energy: Energy; rectifiedBy: number | null; rectifies: number | null },
): { ok: true; value: { reason: string; consumption: ConsumptionByPeriod } } | { ok: false; errors: RectifyError[] } {
  const errors: RectifyError[] = [];
  if (original.rectifiedBy !== null) errors.push({ field: 'invoice', code: 'already_rectified' });
  if (original.rectifies !== null) errors.push({ field: 'invoice', code: 'is_rectifying' });
  const reason = input.reason.trim();
  if (!reason) errors.push({ field: 'reason', code: 'required' });
  else if (reason.length > RECTIFY_REASON_MAX) errors.push({ field: 'reason', code: 'too_long' });
  const fields = original.energy === 'gas' ? (['p1'] as const) : (['p1', 'p2', 'p3'] as const);
  const values: Record<string, number> = { p1: 0, p2: 0, p3: 0 };
  for (const f of fields) {
    if (!input[f].trim()) { errors.push({ field: f, code: 'required' }); continue; }
    const v = kwh(input[f]);
    if (v === null) errors.push({ field: f, code: 'invalid' });
    else values[f] = v;
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { reason, consumption: { P1: values.p1!, P2: values.p2!, P3: values.p3! } } };
}

/** The corrected bill: same product, period and powers in force, the right consumption. */
export function rectifiedBill(original: {
  energy: Energy; productCode: string; periodStart: string; periodEnd: string;
  powerKw: { P1: number; P2: number } | null; powerSchedule: readonly PowerPeriod[];
  /** The maintenance services and promotion discounts of the period, billed again as the original was. */
  services?: readonly BilledService[]; discounts?: readonly BilledDiscount[];
}, consumption: ConsumptionByPeriod): BillResult {
  return computeBill({
    energy: original.energy, productCode: original.productCode,
    periodStart: original.periodStart, periodEnd: original.periodEnd,
    powerKw: original.powerKw ?? undefined, powerSchedule: original.powerSchedule, consumptionKwh: consumption,
    services: original.services ?? [], discounts: original.discounts ?? [],
  });
}

/** Issued today; due no earlier than the original, and leaving the usual time to pay. */
export function rectifyingDates(
  today: string, originalDue: string, minDaysToPay: number,
): { issueDate: string; dueDate: string } {
  const earliest = new Date(Date.parse(`${today}T00:00:00Z`) + minDaysToPay * 86_400_000).toISOString().slice(0, 10);
  return { issueDate: today, dueDate: earliest > originalDue ? earliest : originalDue };
}

/** A complaint as the rectification from it needs it. */
export interface ComplaintForRectifying {
  type: string;
  status: string;
  outcome: string | null;
  category: unknown;
  customerId: number;
  contractId: number | null;
}

export type ComplaintRectifyRefusal =
  | 'not_a_complaint'
  | 'not_billing'
  | 'not_answered'
  | 'unfavourable'
  | 'other_contract';

/**
 * May this complaint produce a rectifying invoice of this invoice? Only a billing complaint that
 * was answered in the customer's favour (wholly or partly), and only for an invoice of the
 * contract it is about: the rectification is the remedy the answer promised. Null when it may.
 */
export function complaintRectifyRefusal(
  c: ComplaintForRectifying, invoice: { customerId: number; contractId: number },
): ComplaintRectifyRefusal | null {
  if (c.type !== 'complaint') return 'not_a_complaint';
  if (c.category !== 'billing') return 'not_billing';
  if (c.status !== 'completada' || c.outcome === null) return 'not_answered';
  if (c.outcome !== 'favourable' && c.outcome !== 'partial') return 'unfavourable';
  if (c.customerId !== invoice.customerId || (c.contractId !== null && c.contractId !== invoice.contractId)) {
    return 'other_contract';
  }
  return null;
}
