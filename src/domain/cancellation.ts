import { dayNumber, parseReadingDate, parseRegister, registerFormatError, type MeterRegisters } from './readings';

/**
 * Cancellation (baja) of a supply contract: the last day of supply and the meter's final
 * reading, which the final invoice bills. Pure.
 */

/** How far ahead a baja may be asked for: further out, the customer asks again nearer the day. */
export const CANCEL_MAX_DAYS_AHEAD = 90;

export type CancellationError =
  | { field: 'endDate'; code: 'required' | 'invalid' | 'past' | 'too_far' | 'already_billed' }
  | { field: 'p1' | 'p2' | 'p3'; code: 'required' | 'invalid' | 'below_last' };

export interface CancellationInput { endDate: string; p1: string; p2: string; p3: string }

export interface CancellationFacts {
  today: string;
  /** The last day already invoiced: the supply cannot end before it. */
  lastInvoicedDay: string | null;
  /** Three registers (electricity with periods) or a single total (gas, single-rate meters). */
  periods: boolean;
  /** The latest reading: a final reading below it would be a meter going backwards. */
  lastReading: MeterRegisters | null;
}

export function checkCancellation(input: CancellationInput, f: CancellationFacts):
  { ok: true; value: { endDate: string; reading: MeterRegisters } } | { ok: false; errors: CancellationError[] } {
  const errors: CancellationError[] = [];
  const raw = input.endDate.trim();
  const endDate = raw ? parseReadingDate(raw) : null;
  const daysAhead = (day: string) => dayNumber(day)! - dayNumber(f.today)!;
  if (!raw) errors.push({ field: 'endDate', code: 'required' });
  else if (!endDate) errors.push({ field: 'endDate', code: 'invalid' });
  else if (endDate < f.today) errors.push({ field: 'endDate', code: 'past' });
  else if (daysAhead(endDate) > CANCEL_MAX_DAYS_AHEAD) errors.push({ field: 'endDate', code: 'too_far' });
  else if (f.lastInvoicedDay && endDate <= f.lastInvoicedDay) errors.push({ field: 'endDate', code: 'already_billed' });

  const fields = f.periods ? (['p1', 'p2', 'p3'] as const) : (['p1'] as const);
  const values: Record<string, number> = {};
  for (const k of fields) {
    const v = input[k].trim();
    if (!v) { errors.push({ field: k, code: 'required' }); continue; }
    const n = parseRegister(v);
    if (registerFormatError(n) !== null) errors.push({ field: k, code: 'invalid' });
    else values[k] = n;
  }
  const reading: MeterRegisters = f.periods
    ? { P1: values.p1 ?? 0, P2: values.p2 ?? 0, P3: values.p3 ?? 0 } : { total: values.p1 ?? 0 };
  if (f.lastReading && Object.keys(values).length === fields.length) {
    const last = f.lastReading;
    const below = (k: 'p1' | 'p2' | 'p3', now: number, before: number) => {
      if (now < before) errors.push({ field: k, code: 'below_last' });
    };
    if ('total' in reading) below('p1', reading.total, 'total' in last ? last.total : last.P1 + last.P2 + last.P3);
    else if (!('total' in last)) {
      below('p1', reading.P1, last.P1); below('p2', reading.P2, last.P2); below('p3', reading.P3, last.P3);
    }
  }
  if (errors.length || !endDate) return { ok: false, errors };
  return { ok: true, value: { endDate, reading } };
}

/**
 * The billing period of a month for a contract that may have ended: it stops on the last day
 * of supply. Null when the contract had ended before the month began (nothing to bill).
 */
export function billedPeriod(period: { start: string; end: string }, contractEnd: string | null):
  { start: string; end: string; final: boolean } | null {
  if (!contractEnd || contractEnd >= period.end) return { ...period, final: false };
  if (contractEnd < period.start) return null;
  return { start: period.start, end: contractEnd, final: true };
}
