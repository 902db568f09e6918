/**
 * Change of holder (cambio de titular) of a supply contract: the new holder's identity and
 * IBAN, how the current holder consents, which confirmations the request still waits for, and
 * the day the contract passes to the new holder. Pure.
 */
import { cleanIbanInput } from './direct-debit';
import { classifyTaxId, isSepaIban, isValidIban, maskIban } from './ids';
import { letterDay } from './letter-format';

/**
 * How the current holder agrees: both sides confirm from an emailed link, or documents prove
 * the change when the current holder cannot consent (deed, death certificate…).
 */
export const CONSENT_METHODS = ['email', 'documents'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

export const HOLDER_DOCUMENT_TYPES = ['deed', 'death_certificate', 'inheritance', 'court_order', 'other'] as const;
export type HolderDocumentType = (typeof HOLDER_DOCUMENT_TYPES)[number];

export const MAX_HOLDER_DOCUMENTS = 5;
export const NAME_MAX = 200;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export interface HolderChangeInput {
  taxId: string; name: string; email: string; phone: string; iban: string; consent: string; documentType: string;
}

export type HolderChangeField = 'taxId' | 'name' | 'email' | 'phone' | 'iban' | 'consent' | 'documentType';
export type HolderChangeError = {
  field: HolderChangeField;
  code: 'required' | 'invalid' | 'passport' | 'same_holder' | 'too_long' | 'iban_invalid' | 'iban_not_sepa';
};

export interface NewHolder {
  taxId: string;
  /** A company or community (CIF) becomes a company customer; a NIF/NIE an individual. */
  kind: 'individual' | 'company';
  name: string; email: string; phone: string | null; iban: string;
  consent: ConsentMethod;
  documentType: HolderDocumentType | null;
}

/**
 * The form's checks. The new holder is identified by a Spanish NIF, NIE or CIF (a supply
 * contract needs one; a passport is refused with its own message) and cannot be the current
 * holder.
 */
export function checkHolderChange(input: HolderChangeInput, currentTaxId: string):
  { ok: true; value: NewHolder } | { ok: false; errors: HolderChangeError[] } {
  const errors: HolderChangeError[] = [];
  const taxRaw = input.taxId.trim();
  const tax = taxRaw ? classifyTaxId(taxRaw) : null;
  if (!taxRaw) errors.push({ field: 'taxId', code: 'required' });
  else if (!tax) errors.push({ field: 'taxId', code: 'invalid' });
  else if (tax.kind === 'passport') errors.push({ field: 'taxId', code: 'passport' });
  else if (tax.value === currentTaxId.toUpperCase()) errors.push({ field: 'taxId', code: 'same_holder' });

  const name = input.name.replace(/\s+/g, ' ').trim();
  if (!name) errors.push({ field: 'name', code: 'required' });
  else if (name.length > NAME_MAX) errors.push({ field: 'name', code: 'too_long' });
  else if (!/\p{L}/u.test(name) || /[<>{}[\]\\|^~`$=@#*_]/.test(name)) errors.push({ field: 'name', code: 'invalid' });

  const email = input.email.trim();
  if (!email) errors.push({ field: 'email', code: 'required' });
  else if (email.length > 254 || !EMAIL.test(email)) errors.push({ field: 'email', code: 'invalid' });

  const phone = input.phone.replace(/[\s.-]/g, '');
  if (phone && !/^(\+34)?[6-9]\d{8}$/.test(phone)) errors.push({ field: 'phone', code: 'invalid' });

  // the same checks as a direct-debit change: the new account is debited by SEPA
  const iban = cleanIbanInput(input.iban);
  if (!iban) errors.push({ field: 'iban', code: 'required' });
  else if (!isValidIban(iban)) errors.push({ field: 'iban', code: 'iban_invalid' });
  else if (!isSepaIban(iban)) errors.push({ field: 'iban', code: 'iban_not_sepa' });

  const consent = (CONSENT_METHODS as readonly string[]).includes(input.consent)
    ? input.consent as ConsentMethod : null;
  if (!consent) errors.push({ field: 'consent', code: 'required' });
  const documentType = (HOLDER_DOCUMENT_TYPES as readonly string[]).includes(input.documentType)
    ? input.documentType as HolderDocumentType : null;
  if (consent === 'documents' && !documentType) errors.push({ field: 'documentType', code: 'required' });

  if (errors.length || !tax || !consent) return { ok: false, errors };
  return {
    ok: true,
    value: {
      taxId: tax.value, kind: tax.kind === 'cif' ? 'company' : 'individual', name, email, phone: phone || null, iban,
      consent,
      documentType: consent === 'documents' ? documentType : null,
    },
  };
}

export type ConfirmationSide = 'current' | 'new';

/**
 * Who must confirm by email. The new holder always does: they accept the contract and sign the
 * SEPA mandate of their IBAN. The current holder does unless documents stand in for them.
 */
export function confirmationsNeeded(consent: ConsentMethod): ConfirmationSide[] {
  return consent === 'email' ? ['current', 'new'] : ['new'];
}

export interface HolderChangeState {
  consent: ConsentMethod;
  currentConfirmedAt: string | null;
  newConfirmedAt: string | null;
}

/** The sides still to confirm; empty when an administrator may complete the change. */
export function pendingConfirmations(s: HolderChangeState): ConfirmationSide[] {
  return confirmationsNeeded(s.consent)
    .filter((side) => (side === 'current' ? !s.currentConfirmedAt : !s.newConfirmedAt));
}

export function readyToComplete(s: HolderChangeState): boolean {
  return pendingConfirmations(s).length === 0;
}

/** The confirmation state kept in a request's payload (as the repositories return it). */
export function stateOfPayload(p: Record<string, unknown>): HolderChangeState {
  const day = (v: unknown) => (typeof v === 'string' && v ? v : null);
  return {
    consent: p.consent === 'documents' ? 'documents' : 'email',
    currentConfirmedAt: day(p.currentConfirmedAt), newConfirmedAt: day(p.newConfirmedAt),
  };
}

/**
 * The day the contract passes to the new holder: the 1st of the month after completion, and
 * never inside a period already invoiced to the current holder. Billing periods are calendar
 * months, so each invoice belongs to one holder and the current one gets a final invoice for
 * their last month.
 */
export function holderChangeEffectiveDay(today: string, lastInvoicedDay: string | null): string {
  const firstOfNext = (iso: string) => {
    const [y, m] = iso.split('-').map(Number) as [number, number];
    return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  };
  const base = firstOfNext(today);
  if (lastInvoicedDay && lastInvoicedDay >= base) return firstOfNext(lastInvoicedDay);
  return base;
}

/** The day before, when the current holder's contract ends. */
export function dayBefore(iso: string): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/** The request's facts as a letter: names, a masked IBAN, the consent and each confirmation. */
export function holderChangeFacts(p: Record<string, unknown>): { label: string; value: string; valueKey?: string }[] {
  const s = stateOfPayload(p);
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const out: { label: string; value: string; valueKey?: string }[] = [
    { label: 'holderChange.facts.newHolder', value: `${str(p.newHolderName)} (${str(p.newHolderTaxId)})` },
    { label: 'holderChange.facts.newIban', value: str(p.newIban) ? maskIban(str(p.newIban)) : '' },
    { label: 'holderChange.facts.consent', value: s.consent, valueKey: `holderChange.consent.${s.consent}` },
  ];
  if (s.consent === 'documents' && str(p.documentType)) {
    out.push({
      label: 'holderChange.facts.documentType', value: str(p.documentType),
      valueKey: `holderChange.documentTypes.${str(p.documentType)}`,
    });
  }
  for (const side of confirmationsNeeded(s.consent)) {
    const at = side === 'current' ? s.currentConfirmedAt : s.newConfirmedAt;
    out.push(at
      ? { label: `holderChange.facts.${side}Confirmed`, value: letterDay(at) }
      : { label: `holderChange.facts.${side}Confirmed`, value: 'pending', valueKey: 'holderChange.facts.pending' });
  }
  return out;
}

/** What happens next, for the letter: who still has to confirm, or the administrator's review. */
export function holderChangeNext(status: string, p: Record<string, unknown>, effectiveDate: string | null):
  { key: string; params: Record<string, string> } {
  if (status === 'completada' && effectiveDate) {
    return { key: 'holderChange.next.applied', params: { date: letterDay(effectiveDate) } };
  }
  const pending = pendingConfirmations(stateOfPayload(p));
  if (pending.length === 2) return { key: 'holderChange.next.waitingBoth', params: {} };
  if (pending.length === 1) return { key: `holderChange.next.waiting_${pending[0]}`, params: {} };
  return { key: 'holderChange.next.review', params: {} };
}
