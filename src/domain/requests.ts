import { DomainError } from './errors';

/** Gestiones: types, the status state machine and references (DESIGN.md §4 rules 12–16). */
export const REQUEST_TYPES = [
  'meter_reading', 'power_change', 'direct_debit', 'payment_day', 'correspondence_address', 'complaint',
  'representative_change', 'external_manager', 'cif_migration',
  // leads from the new products area
  'solar_study',
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
  if (to === 'rechazada' && !note?.trim()) throw new DomainError('invalid_input', 'A rejection needs a reason the customer can read');
  return to;
}

export function formatReference(year: number, sequence: number): string {
  return `G-${year}-${String(sequence).padStart(6, '0')}`;
}

/** Complaints are answered within one month (Ley 24/2013 art. 44 and consumer rules). */
export function complaintDeadline(createdAt: Date): Date {
  const d = new Date(createdAt.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + 1);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}
