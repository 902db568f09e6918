/**
 * The audit log viewer's filters and page cursor, from a query string. Pure: names (staff
 * login, user login, tax id) are resolved to ids by the caller.
 */
import { normalizeId } from './ids';

export const ACTOR_TYPES = ['user', 'staff', 'system', 'anonymous'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export type Ref = { kind: 'id'; id: number } | { kind: 'name'; value: string };

export interface AuditFilter {
  actorType?: ActorType;
  actor?: Ref;
  customer?: Ref;
  actionPrefix?: string;
  /** Days in Spain, inclusive. */
  from?: string;
  to?: string;
  before?: AuditCursor;
}

export interface AuditCursor { at: string; id: number }

export type AuditFilterField = 'actorType' | 'actor' | 'customer' | 'action' | 'from' | 'to';
export type AuditFilterError = 'invalid' | 'actor_type_required' | 'no_actor_id' | 'range';

/** The query-string names, as the form posts them. */
export const AUDIT_QUERY = {
  actorType: 'tipo', actor: 'actor', customer: 'cliente', action: 'accion', from: 'desde', to: 'hasta', before: 'antes',
} as const;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ACTION = /^[a-z0-9_.-]{1,60}$/;
const LOGIN = /^[A-Za-z0-9._@-]{1,254}$/;
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)~(\d{1,15})$/;

export function isDay(v: string): boolean {
  const m = DAY.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === v;
}

/** A query value as typed; a repeated parameter counts once (the first). */
export function queryText(q: Record<string, unknown>, name: string): string {
  const raw = Object.hasOwn(q, name) ? q[name] : undefined;
  const v = Array.isArray(raw) ? raw[0] : raw;
  return typeof v === 'string' ? v.trim().slice(0, 254) : '';
}
const str = queryText;

function ref(v: string, normalise: (s: string) => string): Ref {
  return /^\d{1,15}$/.test(v) ? { kind: 'id', id: Number(v) } : { kind: 'name', value: normalise(v) };
}

export interface ParsedAuditFilter {
  filter: AuditFilter;
  /** What the form shows back. */
  form: Record<AuditFilterField, string>;
  errors: Partial<Record<AuditFilterField, AuditFilterError>>;
}

export function parseAuditFilter(q: Record<string, unknown>): ParsedAuditFilter {
  const form = {
    actorType: str(q, AUDIT_QUERY.actorType), actor: str(q, AUDIT_QUERY.actor), customer: str(q, AUDIT_QUERY.customer),
    action: str(q, AUDIT_QUERY.action), from: str(q, AUDIT_QUERY.from), to: str(q, AUDIT_QUERY.to),
  };
  const errors: ParsedAuditFilter['errors'] = {};
  const filter: AuditFilter = {};

  if (form.actorType) {
    if ((ACTOR_TYPES as readonly string[]).includes(form.actorType)) filter.actorType = form.actorType as ActorType;
    else errors.actorType = 'invalid';
  }
  if (form.actor) {
    if (!LOGIN.test(form.actor)) errors.actor = 'invalid';
    // a login names a user or a staff member, never both: the type says which table to look in
    else if (!filter.actorType) { if (!errors.actorType) errors.actor = 'actor_type_required'; }
    else if (filter.actorType === 'system' || filter.actorType === 'anonymous') errors.actor = 'no_actor_id';
    else filter.actor = ref(form.actor, filter.actorType === 'user' ? normalizeId : (s) => s.toLowerCase());
  }
  if (form.customer) {
    const r = ref(form.customer, normalizeId);
    if (r.kind === 'name' && !/^[A-Z0-9]{5,16}$/.test(r.value)) errors.customer = 'invalid';
    else filter.customer = r;
  }
  if (form.action) {
    const a = form.action.toLowerCase();
    if (ACTION.test(a)) filter.actionPrefix = a;
    else errors.action = 'invalid';
  }
  for (const f of ['from', 'to'] as const) {
    if (!form[f]) continue;
    if (isDay(form[f])) filter[f] = form[f];
    else errors[f] = 'invalid';
  }
  if (filter.from && filter.to && filter.from > filter.to) errors.to = 'range';
  const before = str(q, AUDIT_QUERY.before);
  const c = CURSOR.exec(before);
  if (c) filter.before = { at: c[1]!, id: Number(c[2]) };
  return { filter, form, errors };
}

export function encodeCursor(c: AuditCursor): string {
  return `${c.at}~${c.id}`;
}

/** The query string of a filter (for the next page, the CSV link), without empty fields. */
export function auditQueryString(form: Partial<Record<AuditFilterField, string>>, before?: AuditCursor): string {
  const p = new URLSearchParams();
  for (const [field, name] of Object.entries(AUDIT_QUERY) as [keyof typeof AUDIT_QUERY, string][]) {
    if (field === 'before') continue;
    const v = form[field];
    if (v) p.set(name, v);
  }
  if (before) p.set(AUDIT_QUERY.before, encodeCursor(before));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Offset of Europe/Madrid from UTC at an instant, in minutes. */
function madridOffsetMinutes(at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'Europe/Madrid', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit',
    minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(at));
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return (Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - at) / 60_000;
}

/** The instant a day (YYYY-MM-DD) begins in Spain. */
export function startOfDayInSpain(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  let at = wall - madridOffsetMinutes(wall) * 60_000;
  // near a clock change the offset at the guess may differ from the offset at the answer
  const again = wall - madridOffsetMinutes(at) * 60_000;
  if (again !== at) at = again;
  return new Date(at);
}

/** [from, until) instants of an inclusive range of Spanish days. */
export function auditTimeRange(f: Pick<AuditFilter, 'from' | 'to'>): { from?: Date; until?: Date } {
  const out: { from?: Date; until?: Date } = {};
  if (f.from) out.from = startOfDayInSpain(f.from);
  if (f.to) {
    const [y, m, d] = f.to.split('-').map(Number) as [number, number, number];
    out.until = startOfDayInSpain(new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10));
  }
  return out;
}
