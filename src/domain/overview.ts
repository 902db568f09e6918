/**
 * The supplies overview of users linked to many clients (DESIGN.md §4 rule 17): the filter
 * read from the query string, the page window, which link a role filter keeps, when the
 * "acting for" banner shows, and the CSV cells of the exports. Pure.
 */
import type { AccessPath, LinkRole } from './access';

export const OVERVIEW_PAGE_SIZE = 25;
export const MAX_QUERY_LENGTH = 100;
// More words than this is a pasted paragraph, not a search; the rest are dropped.
export const MAX_TERMS = 5;
/**
 * The overview counts the customers a user reaches up to this many: it only asks whether there
 * are none, one or a few (the e-billing and new-energy offers stop at ten), and a gestoría's
 * ten thousand clients are not counted on every page.
 */
export const CUSTOMER_COUNT_CAP = 100;
// Beyond this a page number is a typo or a probe; it is clamped to the last page anyway.
const MAX_PAGE = 100_000;

/** Role filter values as they appear in URLs (Spanish, like the other filters' labels). */
export const ROLE_FILTERS = ['titular', 'representante', 'autorizado', 'solo-lectura', 'gestoria'] as const;
export type RoleFilter = (typeof ROLE_FILTERS)[number];
export const ENERGY_FILTERS = { luz: 'electricity', gas: 'gas' } as const;
export type EnergyFilter = keyof typeof ENERGY_FILTERS;

export interface OverviewFilter {
  /** What the user typed, trimmed and with whitespace collapsed (shown back in the field). */
  q: string;
  /** Words that must each match the client name, tax id, CUPS or address. */
  terms: string[];
  role: RoleFilter | null;
  energy: EnergyFilter | null;
  page: number;
}

function single(v: unknown): string {
  if (Array.isArray(v)) return single(v[0]);
  return typeof v === 'string' ? v : '';
}

/** Reads the query string leniently: unknown values are ignored, never an error. */
export function parseOverviewFilter(query: Record<string, unknown>): OverviewFilter {
  const q = single(query.q).replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY_LENGTH).trim();
  let terms = [...new Set(q.split(' ').filter(Boolean))].slice(0, MAX_TERMS);
  // a CUPS or tax id typed in groups ("ES00 3112 …") is one identifier, not several words
  const whole = terms.length > 1 ? compactId(q) : null;
  if (whole && (/^ES\d{4}/.test(whole) || /^[A-Z0-9]\d{7}[A-Z0-9]$/.test(whole))) terms = [whole];
  const role = single(query.rol);
  const energy = single(query.energia);
  const pageRaw = single(query.pagina).trim();
  const page = /^\d{1,6}$/.test(pageRaw) ? Math.min(MAX_PAGE, Math.max(1, Number(pageRaw))) : 1;
  return {
    q, terms,
    role: (ROLE_FILTERS as readonly string[]).includes(role) ? role as RoleFilter : null,
    energy: Object.hasOwn(ENERGY_FILTERS, energy) ? energy as EnergyFilter : null,
    page,
  };
}

/** The query string of a filter (without the page unless given), for links and forms. */
export function overviewQuery(f: Pick<OverviewFilter, 'q' | 'role' | 'energy'>, page?: number): string {
  const p = new URLSearchParams();
  if (f.q) p.set('q', f.q);
  if (f.role) p.set('rol', f.role);
  if (f.energy) p.set('energia', f.energy);
  if (page && page > 1) p.set('pagina', String(page));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export interface PageWindow { page: number; pages: number; offset: number; limit: number; first: number; last: number }

/** A page past the end shows the last one, so a stale link after a narrower search still shows rows. */
export function pageWindow(total: number, requested: number, size = OVERVIEW_PAGE_SIZE): PageWindow {
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.min(Math.max(1, Math.floor(requested) || 1), pages);
  const offset = (page - 1) * size;
  return {
    page, pages, offset, limit: size, first: total === 0 ? 0 : offset + 1, last: Math.min(total, offset + size),
  };
}

/**
 * A page of a list merged from two ordered lists: a short one fetched whole (the supplies of the
 * customers a user is linked to directly) and a long one (a gestoría's thousands) of which only
 * a run is read, `mergedRun`: from `shortCount` rows before the page's offset to its end, since at
 * most that many short rows come before the page. Pure.
 */
export function mergedRun(shortCount: number, offset: number, limit: number): { offset: number; limit: number } {
  const start = Math.max(0, offset - shortCount);
  return { offset: start, limit: offset + limit - start };
}

/**
 * The page's rows, slot by slot: the k-th row of the long run or the j-th short row, given how
 * many short rows come before each row of the run (`before`, compared by the database, so in
 * its order), the run's offset and the long list's total. A short row before the run's first
 * row is before the page (or first of all when the run starts the list), one after its last row
 * is after the page (or last of all when the run ends the list). A slot a concurrent change left
 * empty is skipped.
 */
export function mergedPage(
  shortCount: number, longTotal: number, run: { offset: number; before: readonly number[] }, offset: number, limit: number,
): ({ long: number } | { short: number })[] {
  const end = Math.min(longTotal + shortCount, offset + limit);
  const slots = new Map<number, { long: number } | { short: number }>();
  run.before.forEach((b, k) => {
    const place = run.offset + k + b;
    if (place >= offset && place < end) slots.set(place, { long: k });
  });
  const runEnd = run.offset + run.before.length;
  for (let j = 0; j < shortCount; j++) {
    const k = run.before.findIndex((b) => b > j);
    // how many long rows come before the j-th short row, when it can be on the page
    const longBefore = k > 0 || (k === 0 && run.offset === 0) ? run.offset + k : k < 0 && runEnd >= longTotal ? longTotal : null;
    if (longBefore === null) continue;
    const place = j + longBefore;
    if (place >= offset && place < end) slots.set(place, { short: j });
  }
  const out: ({ long: number } | { short: number })[] = [];
  for (let p = offset; p < end; p++) {
    const x = slots.get(p);
    if (x) out.push(x);
  }
  return out;
}

/** Escapes LIKE wildcards so a typed % or _ matches itself (used with ESCAPE '\'). */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * CUPS and tax ids are often typed or pasted with spaces, dots or dashes: the compact,
 * upper-case form of a term, matched against those columns; null when nothing is left.
 */
export function compactId(term: string): string | null {
  const c = term.replace(/[\s.\-/]/g, '').toUpperCase();
  return /^[A-Z0-9]+$/.test(c) ? c : null;
}

/** Whether the way a user reaches a client is the kind the role filter asks for. */
export function matchesRole(via: AccessPath | null, role: RoleFilter | null): boolean {
  if (!via) return false;
  if (role === null) return true;
  if (role === 'gestoria') return via.kind === 'manager';
  if (via.kind !== 'direct') return false;
  const wanted: Record<Exclude<RoleFilter, 'gestoria'>, LinkRole> = {
    titular: 'holder', representante: 'representative', autorizado: 'authorized_full',
    'solo-lectura': 'authorized_read',
  };
  return via.role === wanted[role];
}

/**
 * The banner shows whenever the user is not on their own account as its holder: as
 * representative, authorised contact, or through a gestoría.
 */
export function actingForBanner(via: AccessPath | null): { role: LinkRole; managerCustomerId: number | null } | null {
  if (!via) return null;
  if (via.kind === 'direct') return via.role === 'holder' ? null : { role: via.role, managerCustomerId: null };
  return { role: via.role, managerCustomerId: via.managerCustomerId };
}

// ---------------------------------------------------------------------------------------------
// CSV values (cells and lines are in ./csv).

/** Euros with a decimal comma, as Spanish Excel reads numbers. */
export function csvEuros(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// The month of the bulk invoice download

export type MonthResult = { ok: true; month: string; from: string; to: string } | { ok: false; error: 'required' | 'invalid' | 'future' | 'too_old' };

/** 'YYYY-MM' between the oldest month still within retention and the current month. */
export function parseInvoiceMonth(raw: unknown, today: string, oldestMonth: string): MonthResult {
  const s = single(raw).trim();
  if (!s) return { ok: false, error: 'required' };
  const m = /^(\d{4})-(\d{2})$/.exec(s);
  if (!m) return { ok: false, error: 'invalid' };
  const y = Number(m[1]);
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12 || y < 2000) return { ok: false, error: 'invalid' };
  if (s > today.slice(0, 7)) return { ok: false, error: 'future' };
  if (s < oldestMonth) return { ok: false, error: 'too_old' };
  const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return { ok: true, month: s, from: `${s}-01`, to: `${s}-${String(last).padStart(2, '0')}` };
}

/** The months offered in the select, newest first, starting with the current one. */
export function recentMonths(today: string, count: number): string[] {
  const [y, m] = today.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => new Date(Date.UTC(y, m - 1 - i, 1)).toISOString().slice(0, 7));
}

/** A path segment for a ZIP entry: letters, digits and dashes only, never empty. */
export function zipSegment(s: string): string {
  const clean = s.normalize('NFKD').replace(/[^A-Za-z0-9-]/g, '');
  return clean || 'sin-nombre';
}
