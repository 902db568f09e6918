/**
 * The admin customer search (issue 7 item 2): one box, and the term decides which column it is
 * looked up in, so an identifier is an exact, indexed lookup and only free text becomes a
 * name search. Pure: the query is built in src/data/admin-customers-repo.ts.
 */
import { isValidCif, isValidIban, isValidNie, isValidNif, isValidPassport, normalizeId } from './ids';

export const ADMIN_SEARCH_PAGE_SIZE = 25;
export const ADMIN_SEARCH_MAX_LENGTH = 100;
/** Shorter names would match half the customers and tell the agent nothing. */
export const ADMIN_SEARCH_MIN_TEXT = 2;

export type SearchTerm =
  | { kind: 'empty' }
  | { kind: 'too_short'; value: string }
  /** NIF/NIE/CIF/passport: the customer's tax id, its representative on file or a linked user's login id */
  | { kind: 'tax_id'; value: string; valid: boolean }
  /** The 8 digits of a DNI without its letter */
  | { kind: 'dni_digits'; value: string }
  | { kind: 'cups'; value: string }
  | { kind: 'iban'; value: string }
  /** 12 digits: contract account (printed on invoices) or contract number */
  | { kind: 'account_number'; value: string }
  | { kind: 'invoice_number'; value: string }
  | { kind: 'email'; value: string }
  | { kind: 'name'; value: string };

const EMAIL = /^[^\s@]+@[^\s@]+$/;
// Shapes only: a CUPS or NIF with a typo still goes to its column (and finds nothing) instead
// of becoming a name search that would match by accident.
const CUPS_SHAPE = /^ES\d{16}[A-Z]{2}(\d[A-Z])?$/;
const IBAN_SHAPE = /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/;
const INVOICE_SHAPE = /^FE\d{10}$/;
const PERSONAL_ID_SHAPE = /^(\d{8}|[KLMXYZ]\d{7})[A-Z]$/;
const CIF_SHAPE = /^[ABCDEFGHJNPQRSUVW]\d{7}[0-9A-J]$/;

export function classifySearch(raw: string): SearchTerm {
  const text = raw.replace(/\s+/g, ' ').trim().slice(0, ADMIN_SEARCH_MAX_LENGTH);
  if (text === '') return { kind: 'empty' };
  if (EMAIL.test(text)) return { kind: 'email', value: text.toLowerCase() };
  const id = normalizeId(text);
  // Identifiers are typed with spaces, dots or dashes; names never contain digits.
  if (/\d/.test(id) && /^[A-Z0-9]+$/.test(id)) {
    if (CUPS_SHAPE.test(id)) return { kind: 'cups', value: id };
    if (INVOICE_SHAPE.test(id)) return { kind: 'invoice_number', value: id };
    if (/^\d{12}$/.test(id)) return { kind: 'account_number', value: id };
    if (/^\d{8}$/.test(id)) return { kind: 'dni_digits', value: id };
    if (PERSONAL_ID_SHAPE.test(id)) return { kind: 'tax_id', value: id, valid: isValidNif(id) || isValidNie(id) };
    if (CIF_SHAPE.test(id) && isValidCif(id)) return { kind: 'tax_id', value: id, valid: true };
    if (IBAN_SHAPE.test(id) && isValidIban(id)) return { kind: 'iban', value: id };
    if (CIF_SHAPE.test(id)) return { kind: 'tax_id', value: id, valid: false };
    if (isValidPassport(id)) return { kind: 'tax_id', value: id, valid: true };
  }
  if (text.length < ADMIN_SEARCH_MIN_TEXT) return { kind: 'too_short', value: text };
  return { kind: 'name', value: text };
}

/** The page number of a query string, leniently: anything odd is page 1. */
export function parsePage(raw: unknown): number {
  const v = Array.isArray(raw) ? raw[0] : raw;
  return typeof v === 'string' && /^\d{1,5}$/.test(v.trim()) ? Math.max(1, Number(v.trim())) : 1;
}
