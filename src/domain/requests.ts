import { DomainError } from './errors';
import { todayInSpain } from './time';

/** Gestiones: types, the status state machine and references (DESIGN.md §4 rules 12–16). */
export const REQUEST_TYPES = [
  'meter_reading', 'power_change', 'direct_debit', 'payment_day', 'correspondence_address', 'complaint',
  'representative_change', 'external_manager', 'cif_migration', 'card_payment',
  // issue 14: changes of the contract itself
  'product_change', 'cancellation', 'holder_change',
  // leads from the new products area
  'solar_study',
  // contracting another energy at an address, or a new supply (services/new-supply.ts)
  'new_energy', 'new_supply',
  // a maintenance service contracted or cancelled (applied at once, kept as a lead for staff)
  'maintenance_service',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const REQUEST_STATUSES = ['recibida', 'en_tramite', 'completada', 'rechazada'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

const TRANSITIONS: Record<RequestStatus, readonly RequestStatus[]> = {
  recibida: ['en_tramite', 'completada', 'rechazada'],
  en_tramite: ['completada', 'rechazada'],
  completada: [],
  rechazada: [],
};

export function isRequestType(v: unknown): v is RequestType {
  return typeof v === 'string' && (REQUEST_TYPES as readonly string[]).includes(v);
}

export function isRequestStatus(v: unknown): v is RequestStatus {
  return typeof v === 'string' && (REQUEST_STATUSES as readonly string[]).includes(v);
}

export function allowedTransitions(from: RequestStatus): readonly RequestStatus[] {
  return TRANSITIONS[from];
}

export function isFinal(status: RequestStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

/** The next status, or a conflict: finished requests never move again. */
export function transition(from: RequestStatus, to: RequestStatus, note?: string): RequestStatus {
  if (!TRANSITIONS[from].includes(to)) throw new DomainError('conflict', `A request cannot go from ${from} to ${to}`);
  if (to === 'rechazada' && !note?.trim()) {
    throw new DomainError('invalid_input', 'A rejection needs a reason the customer can read');
  }
  return to;
}

/** Requests that follow another record (a card payment's gateway order): only the system moves them. */
export function isSystemManaged(type: RequestType): boolean {
  return type === 'card_payment';
}

export function formatReference(year: number, sequence: number): string {
  return `G-${year}-${String(sequence).padStart(6, '0')}`;
}

const DAY_MS = 86_400_000;

/**
 * Complaints are answered within one month (Ley 24/2013 art. 44 and consumer rules), counted
 * on Spain's calendar: filed at 23:30 UTC on 30 November (1 December in Madrid), the answer is
 * due on 1 January. The same day of the next month, or its last day when shorter.
 */
export function complaintDeadlineDay(createdAt: Date): string {
  const [y, m, d] = todayInSpain(createdAt).split('-').map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

/** The deadline as an instant: the filing time of day, on the deadline's day in Madrid. */
export function complaintDeadline(createdAt: Date): Date {
  const target = complaintDeadlineDay(createdAt);
  const days = Math.round((Date.parse(target) - Date.parse(todayInSpain(createdAt))) / DAY_MS);
  const at = createdAt.getTime() + days * DAY_MS;
  // a change of summer time in between can move the same UTC time across midnight in Madrid
  for (const shift of [0, 3_600_000, -3_600_000]) if (todayInSpain(new Date(at + shift)) === target) return new Date(
    at + shift,
  );
  return new Date(at);
}
