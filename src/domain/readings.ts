/**
 * Meter readings the customer brings (DESIGN.md §4 rule 12): never below the last reading,
 * never dated in the future or before the last reading, and a value that implies far more
 * consumption than usual needs the customer's confirmation. Pure: today and the usual
 * consumption are passed in.
 */

/** Electricity meters with time periods (2.0TD: P1 punta, P2 llano, P3 valle). */
export type Period = 'P1' | 'P2' | 'P3';
export const PERIODS: readonly Period[] = ['P1', 'P2', 'P3'];

/** One register per period, or a single total (electricity meters without periods, gas). */
export type MeterRegisters = { P1: number; P2: number; P3: number } | { total: number };
/** Which register an error is about: a period, or the single total. */
export type Register = Period | 'total';

export interface LastReading { date: string; registers: MeterRegisters }
export interface ProposedReading { date: string; registers: MeterRegisters }

export interface ReadingPolicy {
  /** Consumption above this many times the usual for the same number of days needs confirmation. */
  highFactor: number;
  /** Registers are stored as integers; no meter shows more digits than this. */
  maxValue: number;
}

export const DEFAULT_READING_POLICY: ReadingPolicy = { highFactor: 3, maxValue: 99_999_999 };

export type ReadingDecision =
  /** consumption and days are null without a previous reading to compare with. */
  | { ok: true; consumption: number | null; days: number | null }
  | { error: 'not_integer' | 'negative' | 'too_large'; registers: Register[] }
  | { error: 'date_invalid' }
  | { error: 'date_in_future' }
  | { error: 'date_before_last'; lastDate: string }
  | { error: 'below_last'; registers: Register[] }
  | { confirm: 'far_above_usual'; consumption: number; usual: number; days: number };

export function hasPeriods(r: MeterRegisters): r is { P1: number; P2: number; P3: number } {
  return !('total' in r);
}

export function registerTotal(r: MeterRegisters): number {
  return hasPeriods(r) ? r.P1 + r.P2 + r.P3 : r.total;
}

function entries(r: MeterRegisters): [Register, number][] {
  return hasPeriods(r) ? PERIODS.map((p) => [p, r[p]]) : [['total', r.total]];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a real calendar date (YYYY-MM-DD), or null. */
export function dayNumber(iso: string): number | null {
  const m = ISO_DATE.exec(iso);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / 86_400_000;
}

/**
 * The date as typed: ISO (what a date input sends) or dd/mm/yyyy (what people write in a text
 * browser). Returns YYYY-MM-DD, or null when it is not a real date.
 */
export function parseReadingDate(raw: string): string | null {
  const v = raw.trim();
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v);
  const iso = dmy ? `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}` : v;
  return dayNumber(iso) === null ? null : iso;
}

/**
 * A register as typed: digits, optionally grouped in thousands with dots or spaces as Spanish
 * users write them ("12.345"). Anything else (decimals, letters) is NaN, so the decision
 * reports it as not an integer; a minus sign is kept, so it is reported as negative.
 */
export function parseRegister(raw: string): number {
  const v = raw.trim().replace(/\s+/g, '');
  if (/^-?\d+$/.test(v)) return Number(v);
  if (/^-?\d{1,3}(\.\d{3})+$/.test(v)) return Number(v.replace(/\./g, ''));
  return Number.NaN;
}

/** What is wrong with one register value, if anything: not a whole number, negative, too many digits. */
export function registerFormatError(
  v: number, policy: Pick<ReadingPolicy, 'maxValue'> = DEFAULT_READING_POLICY,
): 'not_integer' | 'negative' | 'too_large' | null {
  if (!Number.isInteger(v)) return 'not_integer';
  if (v < 0) return 'negative';
  if (v > policy.maxValue) return 'too_large';
  return null;
}

/** The average monthly consumption of the months given (the last 12), or null without history. */
export function usualMonthlyConsumption(months: readonly { P1: number; P2?: number; P3?: number }[]): number | null {
  if (months.length === 0) return null;
  const total = months.reduce((sum, m) => sum + m.P1 + (m.P2 ?? 0) + (m.P3 ?? 0), 0);
  return total / months.length;
}

/** The usual consumption for a number of days, from a monthly average (daily = monthly × 12 / 365). */
export function usualForDays(usualMonthly: number, days: number): number {
  return Math.round((usualMonthly * 12 / 365) * days);
}

/**
 * Decides on a reading: format of the values first, then the date, then the comparison with
 * the last reading (per period when both have periods, on the totals otherwise), and last
 * whether the consumption it implies is far above the usual for that many days.
 */
export function evaluateReading(
  last: LastReading | null,
  proposed: ProposedReading & { today: string },
  usualMonthly: number | null,
  policyIn: Partial<ReadingPolicy> = {},
): ReadingDecision {
  const policy: ReadingPolicy = { ...DEFAULT_READING_POLICY, ...policyIn };
  const values = entries(proposed.registers);
  for (const code of ['not_integer', 'negative', 'too_large'] as const) {
    const wrong = values.filter(([, v]) => registerFormatError(v, policy) === code).map(([r]) => r);
    if (wrong.length) return { error: code, registers: wrong };
  }

  const day = dayNumber(proposed.date);
  const today = dayNumber(proposed.today);
  if (day === null || today === null) return { error: 'date_invalid' };
  if (day > today) return { error: 'date_in_future' };
  if (!last) return { ok: true, consumption: null, days: null };
  const lastDay = dayNumber(last.date);
  if (lastDay === null) throw new RangeError(`The last reading has an invalid date: ${last.date}`);
  if (day < lastDay) return { error: 'date_before_last', lastDate: last.date };

  const p = proposed.registers;
  const l = last.registers;
  if (hasPeriods(p) && hasPeriods(l)) {
    const below = PERIODS.filter((k) => p[k] < l[k]);
    if (below.length) return { error: 'below_last', registers: below };
  } else if (registerTotal(p) < registerTotal(l)) {
    return { error: 'below_last', registers: hasPeriods(p) ? [...PERIODS] : ['total'] };
  }

  const consumption = registerTotal(p) - registerTotal(l);
  const days = day - lastDay;
  if (usualMonthly !== null && consumption > 0) {
    const usual = usualForDays(usualMonthly, days);
    if (consumption > policy.highFactor * usual) return { confirm: 'far_above_usual', consumption, usual, days };
  }
  return { ok: true, consumption, days };
}

/**
 * What the customer confirmed, written in the form next to the confirmation box: the
 * confirmation only counts for exactly these values and date.
 */
export function confirmationKey(proposed: ProposedReading): string {
  return [proposed.date, ...entries(proposed.registers).map(([r, v]) => `${r}=${v}`)].join(';');
}
