/**
 * Maintenance services (issue 15 item 3): what the retailer offers on top of the energy, which
 * supply each one fits, what it costs per month and how it ends. Pure; "today" is Spain's day.
 *
 * Permanence, as the retailer applies it: services that include a yearly visit (the boiler
 * maintenance, the installation check) have a 12-month minimum term, disclosed before
 * contracting and on the conditions PDF. Cancelling inside it is allowed and costs nothing
 * extra: the fee is paid month by month, there is no discount or equipment to recover, and a
 * penalty not tied to one would be abusive for a consumer (TRLGDCU art. 62.3 and 74.4). What
 * the customer loses is explained on the confirm page: the yearly visit not yet done is not
 * owed. Every cancellation takes effect at the end of the current month, the last day billed.
 */
import type { Energy } from './billing-types';

export const SERVICE_CODES = ['gas_boiler', 'electric_urgent', 'electric_check'] as const;
export type ServiceCode = (typeof SERVICE_CODES)[number];

export interface MaintenanceService {
  code: ServiceCode;
  /** The supply it is for: a boiler needs gas, an electrical repair an electricity supply. */
  energy: Energy;
  /** Before VAT, like every other invoice line; VAT is added on the invoice total. */
  monthlyFeeCents: number;
  /** Minimum term in months; 0 = none. */
  permanenceMonths: number;
  /** The name printed on the invoice line (invoices are issued in Spanish). */
  invoiceName: string;
  /** The name in each language of the portal (pages, emails, the conditions PDF). */
  names: { es: string; ca: string };
}

export const SERVICES: readonly MaintenanceService[] = [
  {
    code: 'gas_boiler', energy: 'gas', monthlyFeeCents: 990, permanenceMonths: 12,
    invoiceName: 'Mantenimiento de caldera de gas',
    names: { es: 'Mantenimiento de caldera de gas', ca: 'Manteniment de caldera de gas' },
  },
  {
    code: 'electric_urgent', energy: 'electricity', monthlyFeeCents: 490, permanenceMonths: 0,
    invoiceName: 'Urgencias eléctricas 24 h',
    names: { es: 'Urgencias eléctricas 24 h', ca: 'Urgències elèctriques 24 h' },
  },
  {
    code: 'electric_check', energy: 'electricity', monthlyFeeCents: 690, permanenceMonths: 12,
    invoiceName: 'Revisión de instalación eléctrica',
    names: { es: 'Revisión de instalación eléctrica', ca: 'Revisió de la instal·lació elèctrica' },
  },
];

export function findService(code: string): MaintenanceService | undefined {
  return SERVICES.find((s) => s.code === code);
}

export function serviceName(code: string, lang: string): string {
  const s = findService(code);
  return s ? s.names[lang === 'ca' ? 'ca' : 'es'] : code;
}

export function servicesFor(energy: Energy): MaintenanceService[] {
  return SERVICES.filter((s) => s.energy === energy);
}

/** A service as contracted on one contract: the last day billed is set when cancelled. */
export interface ContractedService {
  code: string;
  startDate: string;
  endDate: string | null;
}

/** In force on `today`, or cancelled with an end date still to come. */
export function serviceLive(s: ContractedService, today: string): boolean {
  return s.endDate === null || s.endDate >= today;
}

export type ContractingRefusal = 'unknown' | 'wrong_energy' | 'contract_ended' | 'already';

/** Whether a service may be contracted on a contract today, and why not. */
export function contractingRefusal(
  code: string,
  contract: { energy: Energy; status: string },
  existing: readonly ContractedService[],
  today: string,
): ContractingRefusal | null {
  const service = findService(code);
  if (!service) return 'unknown';
  if (contract.status !== 'active') return 'contract_ended';
  if (service.energy !== contract.energy) return 'wrong_energy';
  if (existing.some((s) => s.code === code && serviceLive(s, today))) return 'already';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Dates

function parts(iso: string): [number, number, number] {
  return [Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10))];
}

function isoOf(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** The last day of the month of `day`. */
export function endOfMonth(day: string): string {
  const [y, m] = parts(day);
  return isoOf(Date.UTC(y, m, 0));
}

/**
 * The last day of a minimum term of `months` started on `start`: the day before the same day
 * `months` later (clamped to the month's end: 31 Jan + 1 month ends on 28/29 Feb).
 */
export function permanenceEnd(start: string, months: number): string | null {
  if (months <= 0) return null;
  const [y, m, d] = parts(start);
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  const same = Date.UTC(y, m - 1 + months, Math.min(d, lastDay));
  return isoOf(same - 86_400_000);
}

export interface CancellationTerms {
  /** The last day in force and billed: the end of the current month. */
  effectiveDate: string;
  /** The last day of the minimum term, when the service has one. */
  permanenceEnds: string | null;
  /** Cancelled before the minimum term ends: allowed, without penalty, and explained. */
  early: boolean;
}

export function cancellationTerms(
  s: ContractedService & { permanenceMonths: number }, today: string,
): CancellationTerms {
  // a service that has not started yet ends before its first day is billed
  const effectiveDate = s.startDate > today ? endOfMonth(s.startDate) : endOfMonth(today);
  const permanenceEnds = permanenceEnd(s.startDate, s.permanenceMonths);
  return { effectiveDate, permanenceEnds, early: permanenceEnds !== null && effectiveDate < permanenceEnds };
}

// ---------------------------------------------------------------------------------------------
// Billing

const MS_PER_DAY = 86_400_000;

function dayNumber(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`) / MS_PER_DAY;
}

/** Days of the period [start, end] (inclusive) the service was in force. */
export function activeDays(
  s: { startDate: string; endDate: string | null }, period: { start: string; end: string },
): number {
  const from = Math.max(dayNumber(s.startDate), dayNumber(period.start));
  const to = Math.min(s.endDate === null ? Infinity : dayNumber(s.endDate), dayNumber(period.end));
  return to >= from ? to - from + 1 : 0;
}

/**
 * The fee for the days in force, like the other fixed terms, which are billed by the day: the
 * monthly fee × days / days of the billing month, rounded half up to the cent. A whole month
 * is the whole fee, whatever its length.
 */
export function proratedFeeCents(monthlyFeeCents: number, days: number, periodDays: number): number {
  if (!Number.isSafeInteger(monthlyFeeCents) || monthlyFeeCents < 0) throw new RangeError(`Bad fee ${monthlyFeeCents}`);
  const badDays = !Number.isSafeInteger(days) || days < 0 || days > periodDays;
  if (badDays || !Number.isSafeInteger(periodDays) || periodDays <= 0) {
    throw new RangeError(`Bad days ${days}/${periodDays}`);
  }
  // integer half-up: floor((2·fee·days + periodDays) / (2·periodDays))
  return Math.floor((2 * monthlyFeeCents * days + periodDays) / (2 * periodDays));
}
