/**
 * Direct debit (domiciliación) of a contract account: the checks of a new IBAN, its holder and
 * the SEPA mandate acceptance, and the mandate's identifiers (DESIGN.md §4 rule 14). Pure.
 */
import { isSepaIban, isValidIban, maskIban, normalizeIban } from './ids';

export interface DirectDebitInput {
  iban: string;
  holder: string;
  mandateAccepted: boolean;
}

export interface DirectDebit {
  /** Electronic format: upper case, no spaces. */
  iban: string;
  maskedIban: string;
  holder: string;
}

export type DirectDebitField = 'iban' | 'holder' | 'mandate';
export type DirectDebitError =
  | 'required'
  | 'iban_invalid'
  | 'iban_not_sepa'
  | 'holder_too_long'
  | 'holder_invalid'
  | 'mandate_required';

export type DirectDebitResult =
  | { ok: true; value: DirectDebit }
  | { ok: false; errors: Partial<Record<DirectDebitField, DirectDebitError>> };

/** A SEPA debtor name has at most 70 characters (pain.008 Dbtr/Nm). */
export const HOLDER_MAX = 70;

/** What the user typed, in electronic format: spaces, dashes and a leading "IBAN" removed. */
export function cleanIbanInput(raw: string): string {
  return normalizeIban(raw).replace(/^IBAN:?/, '');
}

export function validateDirectDebit(input: DirectDebitInput): DirectDebitResult {
  const errors: Partial<Record<DirectDebitField, DirectDebitError>> = {};
  const iban = cleanIbanInput(input.iban);
  if (!iban) errors.iban = 'required';
  else if (!isValidIban(iban)) errors.iban = 'iban_invalid';
  else if (!isSepaIban(iban)) errors.iban = 'iban_not_sepa';

  const holder = input.holder.replace(/\s+/g, ' ').trim();
  if (!holder) errors.holder = 'required';
  else if (holder.length > HOLDER_MAX) errors.holder = 'holder_too_long';
  else if (!/\p{L}/u.test(holder) || /[<>{}[\]\\|^~`$=@#*_]/.test(holder)) errors.holder = 'holder_invalid';

  if (!input.mandateAccepted) errors.mandate = 'mandate_required';

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { iban, maskedIban: maskIban(iban), holder } };
}

const MANDATE_PREFIX = 'ENL';
const MANDATE_MAX = 35;

function stamp(now: Date): string {
  return now.toISOString().replace(/\D/g, '').slice(0, 14); // YYYYMMDDHHMMSS, UTC
}

/**
 * The unique mandate reference (UMR) of a change: prefix, contract account number, the UTC
 * second it was signed and a counter, e.g. "ENL-100000000002-20261120100000-01" (34 characters,
 * SEPA allows 35 from A–Z, 0–9 and a few signs). Pass the account's current reference: a
 * second change within the same second gets the next counter, so references never repeat
 * while time moves forward.
 */
export function mandateReference(accountNumber: string, now: Date, previous?: string | null): string {
  const account = accountNumber.replace(/[^0-9A-Za-z]/g, '').toUpperCase().slice(-12);
  const stem = `${MANDATE_PREFIX}-${account}-${stamp(now)}-`;
  let counter = 1;
  if (previous?.startsWith(stem)) {
    const n = Number(previous.slice(stem.length));
    if (Number.isInteger(n)) counter = n + 1;
  }
  const ref = `${stem}${String(counter).padStart(2, '0')}`;
  if (ref.length > MANDATE_MAX) throw new RangeError(`mandate reference too long: ${ref}`);
  return ref;
}

function toDigits(s: string): string {
  return [...s].map((c) => (/[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c)).join('');
}

/**
 * SEPA creditor identifier (AT-02): country, ISO 7064 mod 97-10 check digits over the national
 * id and the country, a free business code (ZZZ by default) and the national id, e.g. the
 * creditor with NIF B12345674 is ES11ZZZB12345674.
 */
export function sepaCreditorIdentifier(nationalId: string, country = 'ES', businessCode = 'ZZZ'): string {
  const id = nationalId.toUpperCase().replace(/[^0-9A-Z]/g, '');
  const cc = country.toUpperCase();
  const check = 98n - (BigInt(toDigits(`${id}${cc}00`)) % 97n);
  return `${cc}${String(check).padStart(2, '0')}${businessCode}${id}`;
}

export function isValidCreditorIdentifier(ci: string): boolean {
  const m = /^([A-Z]{2})(\d{2})([0-9A-Z]{3})([0-9A-Z]+)$/.exec(ci.toUpperCase().replace(/\s/g, ''));
  return m !== null && BigInt(toDigits(`${m[4]}${m[1]}${m[2]}`)) % 97n === 1n;
}
