import { deserializeAndVerifyJSONResponse } from 'redsys-easy';
import { DomainError } from './errors';

/**
 * Card payment of invoices over the Redsys redirect protocol (DESIGN.md §4 rule 15): which
 * invoices can be paid, order ids, amounts, and the verification of the gateway's signed
 * notification — the only thing that marks an invoice paid.
 */

/** ISO 4217 numeric code of the euro, as Redsys expects it. */
export const EURO = '978';

export type PaymentStatus = 'pending' | 'paid' | 'declined' | 'duplicate' | 'expired';

/**
 * An order nobody finished at the gateway is abandoned after `minutes`: it stops blocking a
 * new attempt for its invoice. A late notification for it is still honoured (the bank did charge).
 */
export function isOrderAbandoned(createdAt: Date, now: Date, minutes: number): boolean {
  return now.getTime() - createdAt.getTime() >= minutes * 60_000;
}

/** When an open order stops blocking a new attempt. */
export function orderExpiresAt(createdAt: Date, minutes: number): Date {
  return new Date(createdAt.getTime() + minutes * 60_000);
}

// ---------------------------------------------------------------------------------------------
// Which invoices can be paid by card

export interface PayableInput {
  status: 'pending' | 'paid' | 'returned';
  paymentMethod: 'direct_debit' | 'transfer';
  issueDate: string;
}

export type NotPayableReason = 'paid' | 'direct_debit_scheduled' | 'unavailable';
export type Payability = { payable: true } | { payable: false; reason: NotPayableReason };

/**
 * An unpaid invoice within retention can be paid by card, except a pending one on direct
 * debit: the bank will charge it, and paying it by card too would charge it twice. Once the
 * bank returns it, it can be paid by card.
 */
export function cardPayability(invoice: PayableInput, retentionCutoff: string): Payability {
  if (invoice.issueDate < retentionCutoff) return { payable: false, reason: 'unavailable' };
  if (invoice.status === 'paid') return { payable: false, reason: 'paid' };
  if (invoice.status === 'pending' && invoice.paymentMethod === 'direct_debit') {
    return { payable: false, reason: 'direct_debit_scheduled' };
  }
  return { payable: true };
}

// ---------------------------------------------------------------------------------------------
// Order ids

const ORDER_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const ORDER_ID_LENGTH = 12;

/**
 * Redsys orders are 4 to 12 characters, the first 4 digits, the rest letters or digits, and
 * never reused by a merchant. Ours are always 12: 4 digits + 8 upper-case letters or digits
 * (no lower case, so an order read out over the phone is unambiguous). The entropy comes
 * from a CSPRNG (at least 12 bytes); uniqueness is enforced by the database.
 */
export function orderIdFrom(entropy: Uint8Array): string {
  if (entropy.length < ORDER_ID_LENGTH) throw new Error(`an order id needs ${ORDER_ID_LENGTH} random bytes`);
  let out = '';
  for (let i = 0; i < ORDER_ID_LENGTH; i++) {
    const b = entropy[i]!;
    out += i < 4 ? String(b % 10) : ORDER_ALPHABET[b % 36];
  }
  return out;
}

export function isValidOrderId(v: unknown): v is string {
  return typeof v === 'string' && /^\d{4}[0-9A-Z]{8}$/.test(v);
}

// ---------------------------------------------------------------------------------------------
// Amounts: Redsys takes the amount in cents, as a string of digits

export function formatRedsysAmount(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents <= 0) {
    throw new DomainError('invalid_input', `not a payable amount: ${cents}`);
  }
  return String(cents);
}

export function parseRedsysAmount(v: unknown): number | null {
  if (typeof v !== 'string' || !/^\d{1,12}$/.test(v)) return null;
  return Number(v);
}

/** Ds_Response 0000–0099 is an authorised payment; anything else is a denial or an error. */
export function isAuthorised(code: unknown): boolean {
  if (typeof code !== 'string' || !/^\d{1,4}$/.test(code)) return false;
  return Number(code) <= 99;
}

// ---------------------------------------------------------------------------------------------
// The gateway's notification

/** What the gateway posts (form-urlencoded) to the merchant's notification URL. */
export interface SignedMessage {
  Ds_SignatureVersion: string;
  Ds_MerchantParameters: string;
  Ds_Signature: string;
}

export type NotificationParams = Record<string, unknown>;

/** The three signed fields of a form body, or null when any is missing. */
export function signedMessageFrom(body: unknown): SignedMessage | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  const fields = ['Ds_SignatureVersion', 'Ds_MerchantParameters', 'Ds_Signature'] as const;
  for (const f of fields) if (typeof b[f] !== 'string' || b[f] === '' || (b[f] as string).length > 20_000) return null;
  return {
    Ds_SignatureVersion: b.Ds_SignatureVersion as string, Ds_MerchantParameters: b.Ds_MerchantParameters as string,
    Ds_Signature: b.Ds_Signature as string,
  };
}

/** Redsys writes the same field as Ds_Order or DS_ORDER depending on the channel. */
export function param(params: NotificationParams, name: string): string | undefined {
  const v = params[name] ?? params[name.toUpperCase()];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Decodes Ds_MerchantParameters (base64 JSON) WITHOUT trusting it: only to find the order. */
export function decodeMerchantParameters(encoded: string): NotificationParams | null {
  try {
    const json: unknown = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
    return json && typeof json === 'object' && !Array.isArray(json) ? json as NotificationParams : null;
  } catch {
    return null;
  }
}

/** The order a notification claims to be about (unverified), to look up what to expect. */
export function claimedOrder(message: SignedMessage): string | null {
  const params = decodeMerchantParameters(message.Ds_MerchantParameters);
  const order = params ? param(params, 'Ds_Order') : undefined;
  return order && isValidOrderId(order) ? order : null;
}

export interface ExpectedPayment {
  order: string;
  amountCents: number;
  currency: string;
  /** This payment was already marked paid by an earlier notification. */
  alreadyPaid: boolean;
}

export type Rejection = 'malformed' | 'bad_signature' | 'order_mismatch' | 'amount_mismatch' | 'currency_mismatch';

export type NotificationVerdict =
  | { outcome: 'paid'; params: NotificationParams; responseCode: string; authorisationCode: string | null }
  | { outcome: 'declined'; params: NotificationParams; responseCode: string }
  | { outcome: 'replay'; params: NotificationParams }
  | { outcome: 'rejected'; reason: Rejection };

/**
 * Decides what a notification means for the payment we expect. The signature (HMAC-SHA256
 * with the merchant key diversified by the order, checked by redsys-easy) comes first: nothing
 * unsigned is believed. Then the order, amount and currency must be exactly ours. A payment
 * already paid is a replay whatever it says. Only then does the response code decide.
 */
export function verifyNotification(
  message: SignedMessage, expected: ExpectedPayment, merchantKey: string,
): NotificationVerdict {
  const claimed = decodeMerchantParameters(message.Ds_MerchantParameters);
  if (!claimed || !param(claimed, 'Ds_Order')) return { outcome: 'rejected', reason: 'malformed' };
  let params: NotificationParams;
  try {
    params = deserializeAndVerifyJSONResponse<{ Ds_Order: string }>(
      merchantKey, message,
    ) as unknown as NotificationParams;
  } catch {
    return { outcome: 'rejected', reason: 'bad_signature' };
  }
  if (param(params, 'Ds_Order') !== expected.order) return { outcome: 'rejected', reason: 'order_mismatch' };
  if (parseRedsysAmount(param(params, 'Ds_Amount')) !== expected.amountCents) {
    return { outcome: 'rejected', reason: 'amount_mismatch' };
  }
  if (param(params, 'Ds_Currency') !== expected.currency) return { outcome: 'rejected', reason: 'currency_mismatch' };
  if (expected.alreadyPaid) return { outcome: 'replay', params };
  const responseCode = param(params, 'Ds_Response') ?? '';
  if (!isAuthorised(responseCode)) return { outcome: 'declined', params, responseCode };
  return {
    outcome: 'paid', params, responseCode, authorisationCode: param(params, 'Ds_AuthorisationCode')?.trim() || null,
  };
}

// ---------------------------------------------------------------------------------------------
// The sandbox gateway's card check (development and tests only)

/** Redsys's published test card: accepted with any future expiry and CVV 123. */
export const SANDBOX_TEST_CARD = '4548810000000003';
export const SANDBOX_TEST_CVV = '123';
export const RESPONSE_AUTHORISED = '0000';
/** "Transacción denegada" */
export const RESPONSE_DENIED = '0190';
/** The cardholder cancelled on the payment page. */
export const RESPONSE_CANCELLED = '9915';

export type CardField = 'cardNumber' | 'expiry' | 'cvv';
export type CardError = 'required' | 'cardNumber' | 'expiry' | 'expired' | 'cvv';

export interface CardInput { cardNumber: string; expiry: string; cvv: string }

export type CardDecision =
  | { ok: false; errors: Partial<Record<CardField, CardError>> }
  | { ok: true; responseCode: string; cardNumber: string; expiry: string };

/**
 * The sandbox's bank: a well-formed card (13–19 digits, MM/AA not past, 3–4 digit CVV) is
 * authorised only if it is the test card with CVV 123; any other is denied (0190).
 */
export function sandboxCardDecision(input: CardInput, now: Date): CardDecision {
  const errors: Partial<Record<CardField, CardError>> = {};
  const number = input.cardNumber.replace(/[\s-]/g, '');
  const expiry = input.expiry.replace(/\s/g, '');
  const cvv = input.cvv.trim();
  if (!number) errors.cardNumber = 'required';
  else if (!/^\d{13,19}$/.test(number)) errors.cardNumber = 'cardNumber';
  const m = /^(\d{2})\/?(\d{2})$/.exec(expiry);
  if (!expiry) errors.expiry = 'required';
  else if (!m || Number(m[1]) < 1 || Number(m[1]) > 12) errors.expiry = 'expiry';
  else {
    const year = 2000 + Number(m[2]);
    const month = Number(m[1]);
    // a card is valid until the end of its expiry month
    if (year * 12 + month < now.getUTCFullYear() * 12 + now.getUTCMonth() + 1) errors.expiry = 'expired';
  }
  if (!cvv) errors.cvv = 'required';
  else if (!/^\d{3,4}$/.test(cvv)) errors.cvv = 'cvv';
  if (Object.keys(errors).length) return { ok: false, errors };
  const responseCode = number === SANDBOX_TEST_CARD && cvv === SANDBOX_TEST_CVV ? RESPONSE_AUTHORISED : RESPONSE_DENIED;
  return { ok: true, responseCode, cardNumber: number, expiry: `${m![2]}${m![1]}` };
}

/** The card number as gateways show it: first 6 and last 4 digits. */
export function maskCard(number: string): string {
  return number.length < 10 ? '****' : `${number.slice(0, 6)}${'*'.repeat(number.length - 10)}${number.slice(-4)}`;
}
