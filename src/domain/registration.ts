/**
 * Proving you are the contract holder when registering (seeds 000 and 001, DESIGN.md §4
 * rule 2). Every negative answer is a plain "no match" so the form reveals nothing about
 * whose data it is; the only extra answer, 'not_representative', depends on the NIF alone and
 * never on whether the proof was right.
 */

export interface HouseholdClaim {
  taxId: string;
  /** Where the activation link goes; it proves nothing, the link does. */
  email: string;
  contractAccountNumber: string;
  ibanLast4: string;
}

export interface HolderRecord {
  customerTaxId: string;
  customerKind: 'individual' | 'company' | 'community';
  representativeNif: string | null;
  accounts: { number: string; iban: string | null; directDebit: boolean }[];
  lastPaidInvoiceTotalsCents: number[] /* the last three paid invoices, newest first */;
}

/** Ids are typed as printed ("12.345.678-Z", "b 81234569"): compare them without the decoration. */
function normaliseId(id: string): string {
  return id.toUpperCase().replace(/[\s.-]/g, '');
}

/** Exactly four digits once spaces are removed; anything else can never match. */
function normaliseLast4(input: string): string | null {
  const compact = input.replace(/\s/g, '');
  return /^\d{4}$/.test(compact) ? compact : null;
}

function debitIbanEndsWith(account: HolderRecord['accounts'][number], last4: string): boolean {
  if (!account.directDebit || account.iban === null) return false;
  const digits = account.iban.replace(/\D/g, '');
  return digits.length >= 4 && digits.slice(-4) === last4;
}

export function householdProofMatches(claim: HouseholdClaim, holder: HolderRecord | null): boolean {
  if (holder === null || holder.customerKind !== 'individual') return false;
  if (normaliseId(claim.taxId) === '' || normaliseId(claim.taxId) !== normaliseId(holder.customerTaxId)) return false;
  const last4 = normaliseLast4(claim.ibanLast4);
  if (last4 === null) return false;
  const number = normaliseId(claim.contractAccountNumber);
  if (number === '') return false;
  const account = holder.accounts.find((a) => normaliseId(a.number) === number);
  return account !== undefined && debitIbanEndsWith(account, last4);
}

export interface BusinessClaim {
  companyTaxId: string;
  ibanLast4?: string;
  invoiceTotalCents?: number;
  personNif: string;
}

export type BusinessProofResult = 'ok' | 'no_match' | 'not_representative';

/** Only the last three paid invoices count (seed 001), newest first in the record. */
const PROOF_INVOICES = 3;

/**
 * Proof is the last 4 digits of the IBAN of any direct-debit account, or the exact total of one
 * of the last three paid invoices (for companies paying by transfer). When both are given, both
 * must match: otherwise one submission would buy two guesses.
 */
export function businessProofMatches(claim: BusinessClaim, holder: HolderRecord | null): BusinessProofResult {
  if (holder === null || holder.customerKind === 'individual') return 'no_match';
  const taxId = normaliseId(claim.companyTaxId);
  if (taxId === '' || taxId !== normaliseId(holder.customerTaxId)) return 'no_match';

  // Decided before the proof is looked at: answering "not the representative" only after a
  // right proof would confirm the IBAN digits (or the invoice total) to whoever guessed them.
  const person = normaliseId(claim.personNif);
  if (holder.representativeNif === null || person === '' || person !== normaliseId(holder.representativeNif)) {
    return 'not_representative';
  }

  const ibanGiven = claim.ibanLast4 !== undefined && claim.ibanLast4.trim() !== '';
  const invoiceGiven = claim.invoiceTotalCents !== undefined;
  if (!ibanGiven && !invoiceGiven) return 'no_match';

  if (ibanGiven) {
    const last4 = normaliseLast4(claim.ibanLast4 ?? '');
    if (last4 === null || !holder.accounts.some((a) => debitIbanEndsWith(a, last4))) return 'no_match';
  }
  if (invoiceGiven) {
    const total = claim.invoiceTotalCents;
    // A zero or negative total is not a paid invoice, and "0" must not be a free guess.
    if (total === undefined || !Number.isSafeInteger(total) || total <= 0) return 'no_match';
    if (!holder.lastPaidInvoiceTotalsCents.slice(0, PROOF_INVOICES).includes(total)) return 'no_match';
  }

  return 'ok';
}

/**
 * Amounts as people type them from a Spanish invoice: "123,45", "123.45", "1.234,56", "€ 12",
 * "12 €", "1 234,56". A dot followed by exactly three digits is a thousands separator
 * ("1.234" = 1234 €); a comma followed by three digits is refused as ambiguous. More than two
 * decimals, signs, or anything else → null.
 */
export function parseEuroAmountToCents(input: string): number | null {
  const s = input.replace(/€|EUR/gi, '').replace(/\s/g, '');
  let integer: string;
  let decimals: string;
  let m: RegExpMatchArray | null;
  if ((m = s.match(/^(\d+)(?:[.,](\d{1,2}))?$/))) {
    integer = m[1] ?? '';
    decimals = m[2] ?? '';
  } else if ((m = s.match(/^(\d{1,3}(?:\.\d{3})+)(?:,(\d{1,2}))?$/))) {
    integer = (m[1] ?? '').replace(/\./g, '');
    decimals = m[2] ?? '';
  } else if ((m = s.match(/^(\d{1,3}(?:,\d{3})+)\.(\d{1,2})$/))) {
    integer = (m[1] ?? '').replace(/,/g, '');
    decimals = m[2] ?? '';
  } else {
    return null;
  }
  const cents = Number(integer) * 100 + Number(decimals.padEnd(2, '0'));
  return Number.isSafeInteger(cents) ? cents : null;
}
