import type { PowerPair } from './power';

/**
 * Contracted powers over time. A contract's schedule is a list of "from this day on, these
 * powers"; days before the first entry carry the powers the contract started with. Pure.
 */
export interface PowerPeriod extends PowerPair {
  /** 'YYYY-MM-DD', the first day these powers are in force. */
  validFrom: string;
}

/** A run of consecutive days billed with the same powers (both ends inclusive). */
export interface PowerSegment extends PowerPair {
  from: string;
  to: string;
  days: number;
}

const MS_PER_DAY = 86_400_000;

function dayNumber(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`) / MS_PER_DAY;
}

function isoOf(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

function sorted(schedule: readonly PowerPeriod[]): PowerPeriod[] {
  return [...schedule].sort((a, b) => (a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : 0));
}

/** The powers in force on a day: the latest entry starting on or before it, else the base. */
export function powersOn(
  day: string, schedule: readonly PowerPeriod[], base: PowerPair,
): PowerPair & { since: string | null } {
  let current: PowerPair & { since: string | null } = { P1: base.P1, P2: base.P2, since: null };
  for (const p of sorted(schedule)) {
    if (p.validFrom > day) break;
    current = { P1: p.P1, P2: p.P2, since: p.validFrom };
  }
  return current;
}

/** The entries that start after a day (changes already agreed that are not in force yet). */
export function upcomingPowers(day: string, schedule: readonly PowerPeriod[]): PowerPeriod[] {
  return sorted(schedule).filter((p) => p.validFrom > day);
}

/**
 * Splits a billing period into runs of days with the same powers. Consecutive entries with
 * equal powers make one run, so a schedule that repeats a value does not split the bill.
 */
export function powerSegments(
  periodStart: string, periodEnd: string, schedule: readonly PowerPeriod[], base: PowerPair,
): PowerSegment[] {
  const start = dayNumber(periodStart);
  const end = dayNumber(periodEnd);
  if (!(end >= start)) throw new RangeError(`periodEnd ${periodEnd} is before periodStart ${periodStart}`);
  const cuts = sorted(schedule)
    .map((p) => ({ day: dayNumber(p.validFrom), P1: p.P1, P2: p.P2 }))
    .filter((c) => c.day > start && c.day <= end);
  const first = powersOn(periodStart, schedule, base);
  const out: PowerSegment[] = [];
  let from = start;
  let powers: PowerPair = { P1: first.P1, P2: first.P2 };
  for (const c of cuts) {
    if (c.P1 === powers.P1 && c.P2 === powers.P2) continue;
    out.push({ from: isoOf(from), to: isoOf(c.day - 1), days: c.day - from, ...powers });
    from = c.day;
    powers = { P1: c.P1, P2: c.P2 };
  }
  out.push({ from: isoOf(from), to: isoOf(end), days: end - from + 1, ...powers });
  return out;
}

export type DistributorAnswer =
  | { kind: 'accepted'; effectiveDate: string }
  | { kind: 'refused'; reason: string };

export type DistributorAnswerError =
  | { field: 'answer'; code: 'required' }
  | { field: 'effectiveDate'; code: 'required' | 'invalid' | 'before_request' | 'too_far' | 'already_billed' }
  | { field: 'reason'; code: 'required' | 'too_long' };

export const REASON_MAX = 2000;
/** The distributor announces the day it will make the change; further than this is a typo. */
export const MAX_DAYS_AHEAD = 90;

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DMY_DAY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** A real calendar day typed as YYYY-MM-DD (the date input) or dd/mm/yyyy (typed by hand). */
export function parseDay(raw: string): string | null {
  const v = raw.trim();
  let y: number, m: number, d: number;
  const iso = ISO_DAY.exec(v);
  const dmy = DMY_DAY.exec(v);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (dmy) [y, m, d] = [Number(dmy[3]), Number(dmy[2]), Number(dmy[1])];
  else return null;
  const t = new Date(Date.UTC(y, m - 1, d));
  if (y < 2000 || y > 2100 || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
  return t.toISOString().slice(0, 10);
}

/**
 * The administrator's record of the distributor's answer. An accepted change takes effect on a
 * day no earlier than the request, at most MAX_DAYS_AHEAD after today, and after the last day
 * already invoiced (an invoiced period is corrected with a rectifying invoice, not by moving
 * the powers under it). A refusal carries the reason the customer will read.
 */
export function checkDistributorAnswer(
  input: { answer: string; effectiveDate: string; reason: string },
  ctx: { today: string; requestedOn: string; lastBilledDay: string | null },
): { ok: true; value: DistributorAnswer } | { ok: false; errors: DistributorAnswerError[] } {
  if (input.answer === 'accepted') {
    if (!input.effectiveDate.trim()) return { ok: false, errors: [{ field: 'effectiveDate', code: 'required' }] };
    const day = parseDay(input.effectiveDate);
    if (!day) return { ok: false, errors: [{ field: 'effectiveDate', code: 'invalid' }] };
    if (day < ctx.requestedOn) return { ok: false, errors: [{ field: 'effectiveDate', code: 'before_request' }] };
    if (dayNumber(day) - dayNumber(ctx.today) > MAX_DAYS_AHEAD) {
      return { ok: false, errors: [{ field: 'effectiveDate', code: 'too_far' }] };
    }
    if (ctx.lastBilledDay && day <= ctx.lastBilledDay) {
      return { ok: false, errors: [{ field: 'effectiveDate', code: 'already_billed' }] };
    }
    return { ok: true, value: { kind: 'accepted', effectiveDate: day } };
  }
  if (input.answer === 'refused') {
    const reason = input.reason.trim();
    if (!reason) return { ok: false, errors: [{ field: 'reason', code: 'required' }] };
    if (reason.length > REASON_MAX) return { ok: false, errors: [{ field: 'reason', code: 'too_long' }] };
    return { ok: true, value: { kind: 'refused', reason } };
  }
  return { ok: false, errors: [{ field: 'answer', code: 'required' }] };
}
