import crypto from 'node:crypto';
import {
  createRedsysAPI, LANGUAGES, PRODUCTION_URLS, SANDBOX_URLS, type CurrencyNum, type RedirectForm,
} from 'redsys-easy';
import { EURO, formatRedsysAmount, type NotificationParams, type SignedMessage } from '../domain/payments';

/**
 * The Redsys redirect gateway: its settings (from the environment), the signed form that sends
 * the browser to it, and — for the built-in sandbox, which plays the bank — the bank side of
 * the signatures.
 *
 * Environment:
 *   REDSYS_URL            the gateway's realizarPago URL, e.g. https://sis.redsys.es/sis/realizarPago
 *                         (test: https://sis-t.redsys.es:25443/sis/realizarPago). Without it the
 *                         built-in sandbox is used, except in production, where card payment is off.
 *   REDSYS_MERCHANT_CODE  the merchant's FUC code (required with REDSYS_URL)
 *   REDSYS_TERMINAL       terminal number (default 1)
 *   REDSYS_SECRET_KEY     the merchant's SHA-256 key, base64 as Redsys gives it (required with REDSYS_URL)
 *   REDSYS_CURRENCY       ISO 4217 numeric currency (default 978, euro)
 */

export const SANDBOX_GATEWAY_PATH = '/sandbox/redsys/realizarPago';
export const NOTIFICATION_PATH = '/pagos/redsys/notificacion';

/** Redsys's published test merchant, used by the sandbox when no key is configured. */
const TEST_MERCHANT = { merchantCode: '999008881', secretKey: 'sq7HjrUOBfKmC576ILgskD5srU870gJ7' };

export interface GatewaySettings {
  mode: 'redsys' | 'sandbox';
  /** Where the browser's form posts to: the bank's URL, or the sandbox's path on this site. */
  url: string;
  merchantCode: string;
  terminal: string;
  secretKey: string;
  currency: string;
}

export type Gateway = GatewaySettings | { mode: 'off' };

export class RedsysConfigError extends Error {}

function checkKey(key: string): string {
  // 3DES needs a 24-byte key
  if (Buffer.from(key, 'base64').length !== 24) {
    throw new RedsysConfigError('REDSYS_SECRET_KEY must be the base64 key Redsys gives (24 bytes)');
  }
  return key;
}

/**
 * Read at each use, so a change of the environment needs no code path of its own. A real
 * gateway needs every setting; without one, development and tests get the sandbox when they
 * ask for it (SANDBOX_GATEWAY=1), and otherwise (always in production) no card payment at all.
 */
export function gatewaySettings(production: boolean, env: NodeJS.ProcessEnv = process.env): Gateway {
  const url = env.REDSYS_URL?.trim();
  const currency = env.REDSYS_CURRENCY?.trim() || EURO;
  if (!/^\d{3}$/.test(currency)) throw new RedsysConfigError('REDSYS_CURRENCY must be an ISO 4217 numeric code, e.g. 978');
  const terminal = env.REDSYS_TERMINAL?.trim() || '1';
  if (!/^\d{1,3}$/.test(terminal)) throw new RedsysConfigError('REDSYS_TERMINAL must be a number of up to 3 digits');
  if (!url) {
    if (!sandboxEnabled(production, env)) return { mode: 'off' };
    return {
      mode: 'sandbox', url: SANDBOX_GATEWAY_PATH, currency,
      merchantCode: env.REDSYS_MERCHANT_CODE?.trim() || TEST_MERCHANT.merchantCode,
      terminal,
      secretKey: checkKey(env.REDSYS_SECRET_KEY?.trim() || TEST_MERCHANT.secretKey),
    };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedsysConfigError('REDSYS_URL must be an absolute URL');
  }
  if (parsed.protocol !== 'https:') throw new RedsysConfigError('REDSYS_URL must use https');
  const merchantCode = env.REDSYS_MERCHANT_CODE?.trim();
  const secretKey = env.REDSYS_SECRET_KEY?.trim();
  if (!merchantCode || !/^\d{1,12}$/.test(merchantCode)) throw new RedsysConfigError('REDSYS_MERCHANT_CODE is required with REDSYS_URL');
  if (!secretKey) throw new RedsysConfigError('REDSYS_SECRET_KEY is required with REDSYS_URL');
  return { mode: 'redsys', url, merchantCode, terminal, secretKey: checkKey(secretKey), currency };
}

/** The built-in sandbox runs only when asked for (SANDBOX_GATEWAY=1), without a real gateway, never in production. */
export function sandboxEnabled(production: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return !production && !env.REDSYS_URL?.trim() && env.SANDBOX_GATEWAY === '1';
}

/** The origin the payment form posts to, for the CSP's form-action; null for the sandbox. */
export function gatewayFormOrigin(env: NodeJS.ProcessEnv = process.env): string | null {
  const url = env.REDSYS_URL?.trim();
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

export interface RedirectRequest {
  order: string;
  amountCents: number;
  description: string;
  merchantName: string;
  language: 'es' | 'ca';
  /** Absolute URLs: the server-to-server notification and the browser's return pages. */
  notificationUrl: string;
  urlOk: string;
  urlKo: string;
}

/** The signed form (Ds_SignatureVersion, Ds_MerchantParameters, Ds_Signature) and its target. */
export function redirectForm(settings: GatewaySettings, r: RedirectRequest): RedirectForm {
  const base = settings.mode === 'redsys' && settings.url.includes('sis-t.') ? SANDBOX_URLS : PRODUCTION_URLS;
  const api = createRedsysAPI({ secretKey: settings.secretKey, urls: { ...base, redirect: settings.url } });
  return api.createRedirectForm({
    DS_MERCHANT_MERCHANTCODE: settings.merchantCode,
    DS_MERCHANT_TERMINAL: settings.terminal,
    DS_MERCHANT_TRANSACTIONTYPE: '0',
    DS_MERCHANT_ORDER: r.order,
    DS_MERCHANT_AMOUNT: formatRedsysAmount(r.amountCents),
    DS_MERCHANT_CURRENCY: settings.currency as CurrencyNum,
    DS_MERCHANT_MERCHANTNAME: r.merchantName.slice(0, 25),
    DS_MERCHANT_PRODUCTDESCRIPTION: r.description.slice(0, 125),
    DS_MERCHANT_CONSUMERLANGUAGE: LANGUAGES[r.language],
    DS_MERCHANT_MERCHANTURL: r.notificationUrl,
    DS_MERCHANT_URLOK: r.urlOk,
    DS_MERCHANT_URLKO: r.urlKo,
  });
}

// ---------------------------------------------------------------------------------------------
// The bank's side, for the sandbox. redsys-easy signs requests and verifies notifications (the
// merchant's side); the bank verifies requests and signs notifications, with the same
// HMAC_SHA256_V1: the key is the merchant key 3DES-encrypted with the order, the MAC is over
// the base64 Ds_MerchantParameters exactly as sent.

function orderKey(secretKey: string, order: string): Buffer {
  const key = Buffer.from(secretKey, 'base64');
  const msg = Buffer.from(order, 'utf8');
  const padded = Buffer.concat([msg, Buffer.alloc((8 - (msg.length % 8)) % 8, 0)]);
  const cipher = crypto.createCipheriv('des-ede3-cbc', key, Buffer.alloc(8, 0));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]);
}

function mac(secretKey: string, order: string, merchantParameters: string): Buffer {
  return crypto.createHmac('sha256', orderKey(secretKey, order)).update(merchantParameters).digest();
}

/** Base64 and base64url signatures both appear in the wild; compare the bytes. */
function signatureBytes(signature: string): Buffer {
  return Buffer.from(signature.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

export type MerchantRequest = Record<string, string>;

/**
 * Verifies a merchant's payment request as the bank does and returns its parameters with
 * upper-case names (DS_MERCHANT_ORDER…), or null when it is malformed or wrongly signed.
 */
export function verifyMerchantRequest(secretKey: string, message: SignedMessage): MerchantRequest | null {
  if (message.Ds_SignatureVersion !== 'HMAC_SHA256_V1') return null;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(message.Ds_MerchantParameters, 'base64').toString('utf8'));
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const params: MerchantRequest = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v === 'string') params[k.toUpperCase()] = v;
  }
  const order = params.DS_MERCHANT_ORDER;
  if (!order) return null;
  const expected = mac(secretKey, order, message.Ds_MerchantParameters);
  const given = signatureBytes(message.Ds_Signature);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  return params;
}

/** Signs a notification as the bank does (Ds_Signature in base64url, as Redsys sends it). */
export function signNotification(secretKey: string, params: NotificationParams): SignedMessage {
  const order = params.Ds_Order;
  if (typeof order !== 'string' || !order) throw new Error('a notification needs Ds_Order');
  const merchantParameters = Buffer.from(JSON.stringify(params), 'utf8').toString('base64');
  const signature = mac(secretKey, order, merchantParameters).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  return { Ds_SignatureVersion: 'HMAC_SHA256_V1', Ds_MerchantParameters: merchantParameters, Ds_Signature: signature };
}

/** Fresh CSPRNG bytes for an order id (see orderIdFrom). */
export function orderEntropy(): Uint8Array {
  return crypto.randomBytes(12);
}
