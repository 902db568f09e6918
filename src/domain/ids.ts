/**
 * Spanish identifiers: personal and company tax ids (NIF, NIE, CIF, passport), supply points
 * (CUPS) and bank accounts (CCC, IBAN). Pure checks only; every function normalises its input, so
 * callers may pass what the user typed.
 */
import { composeIBAN, isSEPACountry, isValidIBAN } from 'ibantools';

export type TaxIdKind = 'nif' | 'nie' | 'cif' | 'passport';

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
const CIF_LETTERS = 'JABCDEFGHI';

export function normalizeId(raw: string): string {
  return raw.trim().toUpperCase().replace(/[\s./_-]/g, '');
}

/** Control letter for the numeric part of a NIF/NIE (any number of digits). */
export function nifControlLetter(digits: string): string {
  if (!/^\d+$/.test(digits)) throw new RangeError(`not digits: ${digits}`);
  return DNI_LETTERS[Number(BigInt(digits) % 23n)]!;
}

const NIF_SHAPE = /^(\d{8})([A-Z])$/;
// K (under 14), L (non-resident Spaniards) and M (foreigners without NIE) are personal NIFs.
const KLM_SHAPE = /^[KLM](\d{7})([A-Z])$/;
const NIE_SHAPE = /^([XYZ])(\d{7})([A-Z])$/;
const CIF_SHAPE = /^([ABCDEFGHJNPQRSUVW])(\d{7})([0-9A-J])$/;

export function isValidNif(v: string): boolean {
  const id = normalizeId(v);
  const m = NIF_SHAPE.exec(id) ?? KLM_SHAPE.exec(id);
  return m !== null && nifControlLetter(m[1]!) === m[2];
}

export function isValidNie(v: string): boolean {
  const m = NIE_SHAPE.exec(normalizeId(v));
  return m !== null && nifControlLetter('XYZ'.indexOf(m[1]!) + m[2]!) === m[3];
}

/** Both possible controls for a CIF body (entity letter + 7 digits); which one applies depends on the letter. */
export function cifControl(body: string): { digit: string; letter: string } {
  const m = /^[A-Z](\d{7})$/.exec(normalizeId(body));
  if (!m) throw new RangeError(`not a CIF body: ${body}`);
  let sum = 0;
  [...m[1]!].forEach((ch, i) => {
    const d = Number(ch);
    // Odd positions (1st, 3rd, ...) are doubled and their digits added, as in Luhn.
    if (i % 2 === 0) sum += Math.floor((2 * d) / 10) + ((2 * d) % 10);
    else sum += d;
  });
  const control = (10 - (sum % 10)) % 10;
  return { digit: String(control), letter: CIF_LETTERS[control]! };
}

export function isValidCif(v: string): boolean {
  const m = CIF_SHAPE.exec(normalizeId(v));
  if (!m) return false;
  const entity = m[1]!;
  const given = m[3]!;
  const { digit, letter } = cifControl(entity + m[2]!);
  // Non-profit and public bodies (and non-resident entities) use a letter, companies a digit.
  if ('PQRSNW'.includes(entity)) return given === letter;
  if ('ABEH'.includes(entity)) return given === digit;
  return given === digit || given === letter;
}

// A passport is 6–12 alphanumerics with a digit that does not look like a NIF/NIE (even with a
// wrong letter) nor is a valid CIF: CIF-shaped strings with a bad control are let through
// because some foreign passports (e.g. Chinese E12345678) share that shape.
export function isValidPassport(v: string): boolean {
  const id = normalizeId(v);
  if (!/^[A-Z0-9]{6,12}$/.test(id) || !/\d/.test(id)) return false;
  return !looksLikePersonalId(id) && !isValidCif(id);
}

function looksLikePersonalId(id: string): boolean {
  return NIF_SHAPE.test(id) || KLM_SHAPE.test(id) || NIE_SHAPE.test(id);
}

export function classifyTaxId(raw: string): { kind: TaxIdKind; value: string } | null {
  const value = normalizeId(raw);
  if (isValidNif(value)) return { kind: 'nif', value };
  if (isValidNie(value)) return { kind: 'nie', value };
  if (isValidCif(value)) return { kind: 'cif', value };
  if (isValidPassport(value)) return { kind: 'passport', value };
  return null;
}

export type LoginIdResult =
  | { ok: true; kind: 'nif' | 'nie' | 'passport'; value: string }
  | { ok: false; reason: 'required' | 'cif' | 'email' | 'format' };

export function classifyLoginId(raw: string): LoginIdResult {
  const value = normalizeId(raw);
  if (value === '') return { ok: false, reason: 'required' };
  if (value.includes('@')) return { ok: false, reason: 'email' };
  const tax = classifyTaxId(value);
  if (!tax) return { ok: false, reason: 'format' };
  // Companies log in with their representative's personal id, never with the CIF.
  if (tax.kind === 'cif') return { ok: false, reason: 'cif' };
  return { ok: true, kind: tax.kind, value };
}

/** The two CUPS control letters for its 16 digits (distributor code + supply number). */
export function cupsControlLetters(sixteenDigits: string): string {
  if (!/^\d{16}$/.test(sixteenDigits)) throw new RangeError(`not 16 digits: ${sixteenDigits}`);
  const r = Number(BigInt(sixteenDigits) % 529n);
  return DNI_LETTERS[Math.floor(r / 23)]! + DNI_LETTERS[r % 23]!;
}

export function isValidCups(v: string): boolean {
  // The optional trailing digit+letter is the border point, outside the checksum.
  const m = /^ES(\d{16})([A-Z]{2})(\d[A-Z])?$/.exec(normalizeId(v));
  return m !== null && cupsControlLetters(m[1]!) === m[2];
}

const CCC_WEIGHTS = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];

function cccCheckDigit(tenDigits: string): string {
  const sum = [...tenDigits].reduce((acc, ch, i) => acc + Number(ch) * CCC_WEIGHTS[i]!, 0);
  const dc = 11 - (sum % 11);
  return String(dc === 11 ? 0 : dc === 10 ? 1 : dc);
}

export function isValidCcc(v: string): boolean {
  const m = /^(\d{8})(\d)(\d)(\d{10})$/.exec(normalizeId(v));
  return m !== null && cccCheckDigit('00' + m[1]!) === m[2] && cccCheckDigit(m[4]!) === m[3];
}

/** Spanish IBAN for a valid CCC; throws on an invalid one so a typo never becomes a mandate. */
export function cccToIban(ccc: string): string {
  const bban = normalizeId(ccc);
  if (!isValidCcc(bban)) throw new RangeError(`invalid CCC: ${ccc}`);
  const iban = composeIBAN({ countryCode: 'ES', bban });
  if (iban === null || !isValidIBAN(iban)) throw new RangeError(`cannot build IBAN from CCC: ${ccc}`);
  return iban;
}

export function normalizeIban(raw: string): string {
  return raw.toUpperCase().replace(/[\s-]/g, '');
}

/** Any country ibantools knows (length, BBAN format, national and IBAN checksums). */
export function isValidIban(v: string): boolean {
  return isValidIBAN(normalizeIban(v));
}

export function isSpanishIban(v: string): boolean {
  const iban = normalizeIban(v);
  return iban.startsWith('ES') && isValidIBAN(iban);
}

/** Only SEPA IBANs can carry a SEPA direct debit mandate. */
export function isSepaIban(v: string): boolean {
  const iban = normalizeIban(v);
  return isValidIBAN(iban) && isSEPACountry(iban.slice(0, 2));
}

export function formatIban(v: string): string {
  return normalizeIban(v).replace(/(.{4})(?=.)/g, '$1 ');
}

export function ibanLast4(v: string): string {
  return normalizeIban(v).slice(-4);
}

/** Country, check digits and last 4 stay readable, enough for the customer to recognise the account. */
export function maskIban(v: string): string {
  const iban = normalizeIban(v);
  if (iban.length <= 8) return '*'.repeat(iban.length);
  return formatIban(iban.slice(0, 4) + '*'.repeat(iban.length - 8) + iban.slice(-4));
}
