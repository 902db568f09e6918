import { todayInSpain } from './time';
import { normalizeId } from './ids';
import {
  allowedTransitions, isRequestStatus, isRequestType, isSystemManaged, type RequestStatus, type RequestType,
} from './requests';

/**
 * Request handling in the admin section (issue 7 items 4 and 5): which requests need a
 * supervisor's decision, the filters of the request list, and what a status change or a
 * decision must carry. Pure.
 */

/** Requests whose outcome changes who may act for a customer: only approve/reject decides them. */
export const REVIEW_TYPES = [
  'representative_change', 'external_manager', 'cif_migration',
] as const satisfies readonly RequestType[];
export type ReviewType = (typeof REVIEW_TYPES)[number];

export const OPEN_STATUSES = ['recibida', 'en_tramite'] as const satisfies readonly RequestStatus[];

export const NOTE_MAX = 2000;
export const SEARCH_MAX = 40;

export function isReviewType(v: unknown): v is ReviewType {
  return typeof v === 'string' && (REVIEW_TYPES as readonly string[]).includes(v);
}

/** Whose requests to list: mine, nobody's, or one staff member's. */
export type AssignedFilter = { kind: 'me' } | { kind: 'none' } | { kind: 'staff'; staffId: number };

export interface AdminRequestFilter {
  type?: RequestType;
  status?: RequestStatus;
  /** A reference (G-2026-000123, or part of it) or a customer's tax id, normalised. */
  q?: string;
  assigned?: AssignedFilter;
  /** Inclusive calendar days (Spain), as YYYY-MM-DD. */
  from?: string;
  to?: string;
  page: number;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day written as YYYY-MM-DD, or undefined. */
export function parseDay(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = DAY.exec(v.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (y < 2000 || y > 2100 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return m[0];
}

/** The instant a calendar day starts in Spain (peninsular time: UTC+1, or UTC+2 in summer). */
export function startOfDayInSpain(day: string): Date {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  for (const hours of [2, 1]) {
    const c = new Date(utcMidnight - hours * 3_600_000);
    if (todayInSpain(c) === day && todayInSpain(new Date(c.getTime() - 1)) !== day) return c;
  }
  return new Date(utcMidnight);
}

/** The day after, as YYYY-MM-DD (an inclusive "to" day ends where the next one starts). */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function parseAssigned(v: unknown): AssignedFilter | undefined {
  if (v === 'yo') return { kind: 'me' };
  if (v === 'nadie') return { kind: 'none' };
  if (typeof v === 'string' && /^\d{1,9}$/.test(v) && Number(v) > 0) return { kind: 'staff', staffId: Number(v) };
  return undefined;
}

/**
 * The list's query string (Spanish parameter names, like the customer area): anything
 * unrecognised is ignored rather than refused, so a hand-edited URL still shows a list.
 */
export function parseAdminRequestFilter(query: Record<string, unknown>): AdminRequestFilter {
  const f: AdminRequestFilter = { page: 1 };
  if (isRequestType(query.tipo)) f.type = query.tipo;
  if (isRequestStatus(query.estado)) f.status = query.estado;
  if (typeof query.q === 'string') {
    const q = normalizeId(query.q).slice(0, SEARCH_MAX);
    if (q) f.q = q;
  }
  const assigned = parseAssigned(query.asignada);
  if (assigned) f.assigned = assigned;
  const from = parseDay(query.desde);
  const to = parseDay(query.hasta);
  if (from) f.from = from;
  if (to) f.to = to;
  // a reversed range is read as the user meant it
  if (f.from && f.to && f.from > f.to) [f.from, f.to] = [f.to, f.from];
  const page = Number(query.pagina);
  if (Number.isInteger(page) && page > 0 && page < 10_000) f.page = page;
  return f;
}

/** The same filter as a query string, for the pagination links. */
export function filterQuery(f: AdminRequestFilter, page = f.page): string {
  const p = new URLSearchParams();
  if (f.type) p.set('tipo', f.type);
  if (f.status) p.set('estado', f.status);
  if (f.q) p.set('q', f.q);
  if (f.assigned) {
    p.set(
      'asignada', f.assigned.kind === 'me' ? 'yo' : f.assigned.kind === 'none' ? 'nadie' : String(f.assigned.staffId),
    );
  }
  if (f.from) p.set('desde', f.from);
  if (f.to) p.set('hasta', f.to);
  if (page > 1) p.set('pagina', String(page));
  return p.toString();
}

export type StatusChangeError =
  | { field: 'status'; code: 'required' | 'not_allowed' | 'use_review' | 'use_effect' }
  | { field: 'note'; code: 'required_for_rejection' | 'too_long' };

/**
 * A status change from the request page. The three review types may be marked "en trámite"
 * (it only tells the customer someone is looking), but finishing them must go through
 * approve/reject, which apply the effect (links, representative, relation) with the status.
 */
export function checkStatusChange(
  input: { type: RequestType; from: RequestStatus; to: string; note: string },
): { ok: true; to: RequestStatus; note: string | null } | { ok: false; errors: StatusChangeError[] } {
  const errors: StatusChangeError[] = [];
  const note = input.note.trim();
  let to: RequestStatus | undefined;
  if (!input.to) errors.push({ field: 'status', code: 'required' });
  else if (!isRequestStatus(input.to) || !allowedTransitions(input.from).includes(input.to)) errors.push(
    { field: 'status', code: 'not_allowed' },
  );
  else if (isReviewType(input.type) && input.to !== 'en_tramite') errors.push({ field: 'status', code: 'use_review' });
  else if (isSystemManaged(input.type)) errors.push({ field: 'status', code: 'not_allowed' });
  else if (!genericStatusAllowed(input.type, input.to)) errors.push({ field: 'status', code: 'use_effect' });
  else to = input.to;
  if (note.length > NOTE_MAX) errors.push({ field: 'note', code: 'too_long' });
  else if (to === 'rechazada' && !note) errors.push({ field: 'note', code: 'required_for_rejection' });
  if (errors.length || !to) return { ok: false, errors };
  return { ok: true, to, note: note || null };
}

/** The statuses offered in the form: the allowed moves, minus those a review must decide. */
export function statusOptions(type: RequestType, from: RequestStatus): RequestStatus[] {
  // a card payment follows its gateway order: nobody moves it by hand
  if (isSystemManaged(type)) return [];
  return allowedTransitions(from)
    .filter((s) => (!isReviewType(type) || s === 'en_tramite') && genericStatusAllowed(type, s));
}

/**
 * Requests whose completion changes something have their own form, which applies the change
 * with the status: a power change is sent to the distributor and completed by its answer, a
 * complaint is completed by its resolution.
 */
export function genericStatusAllowed(type: RequestType, to: RequestStatus): boolean {
  if (type === 'power_change') return to === 'rechazada';
  // a complaint is completed by its resolution (outcome and text); it may still be taken in hand or refused
  if (type === 'complaint') return to !== 'completada';
  // contracting is completed by creating its contract (admin/requests/new-supply)
  if (type === 'new_energy' || type === 'new_supply') return to !== 'completada';
  return true;
}

export type Decision = 'approve' | 'reject';
export type DecisionError = { field: 'note'; code: 'reason_required' | 'too_long' };

/** A supervisor's decision: a rejection tells the customer why; an approval may add a note. */
export function checkDecision(
  decision: Decision, rawNote: string,
): { ok: true; note: string | null } | { ok: false; error: DecisionError } {
  const note = rawNote.trim();
  if (note.length > NOTE_MAX) return { ok: false, error: { field: 'note', code: 'too_long' } };
  if (decision === 'reject' && !note) return { ok: false, error: { field: 'note', code: 'reason_required' } };
  return { ok: true, note: note || null };
}

/** A request is still waiting for a decision. */
export function isPendingReview(r: { type: RequestType; status: RequestStatus }): boolean {
  return isReviewType(r.type) && (OPEN_STATUSES as readonly string[]).includes(r.status);
}

/**
 * The payload as label/value pairs for a reviewer: scalars as they are, lists joined, nested
 * objects flattened one level with a dotted key. Internal counters stay (they help checking
 * the documents are all there).
 */
export function payloadEntries(payload: Record<string, unknown> | null | undefined): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  const push = (key: string, v: unknown): void => {
    if (v === null || v === undefined || v === '') return;
    if (Array.isArray(v)) {
      out.push({ key, value: v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') });
    }
    else if (typeof v === 'object') out.push({ key, value: JSON.stringify(v) });
    else out.push({ key, value: String(v) });
  };
  for (const [k, v] of Object.entries(payload ?? {})) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v)) push(`${k}.${k2}`, v2);
    }
    else push(k, v);
  }
  return out;
}
