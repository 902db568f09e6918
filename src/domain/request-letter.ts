import { letterDay, letterEuros, letterKw } from './letter-format';
import type { RequestStatus } from './requests';
import { findProduct } from './tariffs';
import { holderChangeFacts, holderChangeNext } from './holder-change';

/**
 * A request as the customer reads it: its facts with values written for people (kW, euros,
 * dates) and what happens next, by when. Returns message keys and formatted parameters; the
 * view translates them. Pure: "today" and the language are passed in.
 */
export interface LetterFact { label: string; value: string; valueKey?: string }
export interface LetterStep { key: string; params: Record<string, string> }
export interface RequestLetter { facts: LetterFact[]; next: LetterStep | null }

export interface LetterRequest {
  type: string;
  status: RequestStatus;
  payload: Record<string, unknown>;
  /** Calendar days (YYYY-MM-DD, Spain). */
  createdOn: string;
  sentToDistributorOn: string | null;
  effectiveDate: string | null;
  distributor?: string | null;
}

/** Days the distributor has to carry out a power change (RD 1955/2000 sets 15 working days; we promise calendar days). */
export const DISTRIBUTOR_DAYS = 15;
/** Days we take to send a received power change to the distributor. */
export const SEND_DAYS = 2;

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function plusDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function num(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

function plain(v: unknown, lang: string): string {
  if (typeof v === 'number') return new Intl.NumberFormat(lang === 'ca' ? 'ca-ES' : 'es-ES', { maximumFractionDigits: 3 }).format(v);
  if (typeof v === 'string' && ISO_DAY.test(v)) return letterDay(v);
  return String(v);
}

function powerFacts(p: Record<string, unknown>, lang: string): LetterFact[] {
  const out: LetterFact[] = [];
  const pair = (a: unknown, b: unknown) => (num(a) !== null && num(b) !== null ? `P1 ${letterKw(num(a)!, lang)} kW · P2 ${letterKw(num(b)!, lang)} kW` : null);
  const from = pair(p.fromP1, p.fromP2);
  const to = pair(p.toP1, p.toP2);
  if (from) out.push({ label: 'requestLetter.facts.currentPower', value: from });
  if (to) out.push({ label: 'requestLetter.facts.requestedPower', value: to });
  const cents = num(p.monthlyDifferenceCents);
  if (cents !== null) {
    const sign = cents > 0 ? '+' : cents < 0 ? '−' : '';
    out.push({ label: 'requestLetter.facts.monthlyDifference', value: `${sign}${letterEuros(Math.abs(cents), lang)}` });
  }
  return out;
}

function productFacts(p: Record<string, unknown>, lang: string): LetterFact[] {
  const name = (code: unknown) => (typeof code === 'string' ? findProduct(code)?.name ?? code : null);
  const out: LetterFact[] = [];
  const from = name(p.fromProduct);
  const to = name(p.toProduct);
  if (from) out.push({ label: 'requests.fields.fromProduct', value: from });
  if (to) out.push({ label: 'requests.fields.toProduct', value: to });
  const cents = num(p.monthlyDifferenceCents);
  if (cents !== null) {
    const sign = cents > 0 ? '+' : cents < 0 ? '−' : '';
    out.push({ label: 'requestLetter.facts.productDifference', value: `${sign}${letterEuros(Math.abs(cents), lang)}` });
  }
  return out;
}

const SKIP = new Set(['description']);

/** Every other request: each scalar of the payload under its field label, values written for people. */
function genericFacts(p: Record<string, unknown>, lang: string): LetterFact[] {
  const out: LetterFact[] = [];
  for (const [k, v] of Object.entries(p)) {
    if (v === null || v === undefined || v === '' || typeof v === 'object' || SKIP.has(k)) continue;
    out.push({ label: `requests.fields.${k}`, value: plain(v, lang), valueKey: `requests.values.${k}.${String(v)}` });
  }
  return out;
}

function nextStep(r: LetterRequest): LetterStep | null {
  const p = r.payload;
  if (r.status === 'rechazada') return { key: 'requestLetter.next.rejected', params: {} };
  switch (r.type) {
    case 'power_change':
      if (r.status === 'recibida') return { key: 'requestLetter.next.powerReceived', params: { date: letterDay(plusDays(r.createdOn, SEND_DAYS)), distributor: r.distributor ?? '' } };
      if (r.status === 'en_tramite') {
        const sent = r.sentToDistributorOn ?? r.createdOn;
        return { key: 'requestLetter.next.powerSent', params: { sent: letterDay(sent), date: letterDay(plusDays(sent, DISTRIBUTOR_DAYS)), distributor: r.distributor ?? '' } };
      }
      return r.effectiveDate ? { key: 'requestLetter.next.powerApplied', params: { date: letterDay(r.effectiveDate) } } : null;
    case 'meter_reading':
      return { key: 'requestLetter.next.reading', params: {} };
    case 'complaint':
      // the answer deadline has its own notice on the page; once answered, the resolution says it all
      return null;
    case 'direct_debit':
      return r.effectiveDate ? { key: 'requestLetter.next.directDebit', params: { date: letterDay(r.effectiveDate) } } : null;
    case 'payment_day':
      return num(p.paymentDay) !== null ? { key: 'requestLetter.next.paymentDay', params: { day: String(num(p.paymentDay)) } } : null;
    case 'correspondence_address':
      return r.effectiveDate ? { key: 'requestLetter.next.address', params: { date: letterDay(r.effectiveDate) } } : null;
    case 'holder_change':
      return holderChangeNext(r.status, p, r.effectiveDate);
    default:
      if (r.status === 'completada') return r.effectiveDate ? { key: 'requestLetter.next.applied', params: { date: letterDay(r.effectiveDate) } } : null;
      return { key: 'requestLetter.next.review', params: {} };
  }
}

export function requestLetter(r: LetterRequest, lang: string): RequestLetter {
  const facts = r.type === 'power_change' ? powerFacts(r.payload, lang)
    : r.type === 'product_change' ? productFacts(r.payload, lang)
      : r.type === 'holder_change' ? holderChangeFacts(r.payload) : genericFacts(r.payload, lang);
  return { facts, next: nextStep(r) };
}

/** The letter of a request row as the repositories return it. */
export function letterOfRequest(row: {
  type: string; status: RequestStatus; payload: Record<string, unknown> | null; created_at: Date | string;
  sent_to_distributor_on?: string | null; effective_date?: string | null; distributor?: string | null;
}, lang: string, createdOn: string): RequestLetter {
  return requestLetter({
    type: row.type, status: row.status, payload: row.payload ?? {}, createdOn,
    sentToDistributorOn: row.sent_to_distributor_on ?? null, effectiveDate: row.effective_date ?? null, distributor: row.distributor ?? null,
  }, lang);
}
