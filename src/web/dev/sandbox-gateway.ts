import crypto from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../deps';
import {
  isAuthorised, isValidOrderId, maskCard, parseRedsysAmount, RESPONSE_CANCELLED, sandboxCardDecision, signedMessageFrom,
  type CardField, type NotificationParams, type SignedMessage,
} from '../../domain/payments';
import {
  gatewaySettings, NOTIFICATION_PATH, sandboxEnabled, signNotification, verifyMerchantRequest, type GatewaySettings,
  type MerchantRequest,
} from '../../adapters/redsys';
import { handleRedsysNotification } from '../../services/card-payments';
import { formFields } from '../forms';
import { systemContext } from '../use-case-context';

/**
 * A stand-in for the Redsys payment page, for development and tests: it receives the signed
 * form exactly as Redsys would, shows a card page, accepts the test card and denies others,
 * signs a notification exactly as Redsys does and delivers it to this app's notification
 * handler in-process (same form-urlencoded payload, no HTTP call to ourselves), then sends the
 * browser back to the merchant's UrlOK or UrlKO. Only mounted when no real gateway is
 * configured, and never in production.
 */

interface SandboxError { code: string; status: number }

const SIS_SIGNATURE: SandboxError = { code: 'SIS0042', status: 400 };
const SIS_PARAMETERS: SandboxError = { code: 'SIS0431', status: 400 };

interface Transaction {
  message: SignedMessage; request: MerchantRequest; amountCents: number; settings: GatewaySettings,
}

/** The merchant's signed request, as the bank checks it: signature, merchant, order, amount. */
function readTransaction(deps: AppDeps, req: Request): Transaction | SandboxError {
  const settings = gatewaySettings(deps.config.production);
  if (settings.mode !== 'sandbox') return SIS_PARAMETERS;
  const message = signedMessageFrom(req.body);
  if (!message) return SIS_PARAMETERS;
  const request = verifyMerchantRequest(settings.secretKey, message);
  if (!request) return SIS_SIGNATURE;
  const amountCents = parseRedsysAmount(request.DS_MERCHANT_AMOUNT);
  const ok = request.DS_MERCHANT_MERCHANTCODE === settings.merchantCode
    && request.DS_MERCHANT_TERMINAL === settings.terminal
    && isValidOrderId(request.DS_MERCHANT_ORDER) && amountCents !== null && amountCents > 0
    && request.DS_MERCHANT_CURRENCY === settings.currency && request.DS_MERCHANT_TRANSACTIONTYPE === '0'
    && !!request.DS_MERCHANT_MERCHANTURL && !!request.DS_MERCHANT_URLOK && !!request.DS_MERCHANT_URLKO;
  if (!ok) return SIS_PARAMETERS;
  return { message, request, amountCents: amountCents!, settings };
}

function money(cents: number, lang: string): string {
  const locale = lang === 'ca' ? 'ca-ES' : 'es-ES';
  return `${(cents / 100).toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} €`;
}

function renderSandbox(req: Request, res: Response, view: string, data: Record<string, unknown>, status = 200): void {
  const eta = req.app.locals.eta as { render(name: string, data: object): string };
  res.set('Cache-Control', 'no-store');
  res.status(status).type('html').send(eta.render(view, { ...res.locals, ...data }));
}

function cardPage(
  req: Request, res: Response, tx: Transaction,
  extra: { errors?: Partial<Record<CardField, string>>; form?: Record<string, string> } = {}, status = 200,
): void {
  renderSandbox(req, res, 'sandbox/card', {
    title: res.locals.t('payments.sandbox.title'),
    message: tx.message,
    merchant: tx.request.DS_MERCHANT_MERCHANTNAME || tx.request.DS_MERCHANT_MERCHANTCODE,
    order: tx.request.DS_MERCHANT_ORDER,
    description: tx.request.DS_MERCHANT_PRODUCTDESCRIPTION ?? '',
    amount: money(tx.amountCents, res.locals.lang),
    errors: extra.errors ?? {},
    form: extra.form ?? { cardNumber: '', expiry: '' },
  }, status);
}

function errorPage(req: Request, res: Response, e: SandboxError): void {
  renderSandbox(
    req, res, 'sandbox/error', { title: res.locals.t('payments.sandbox.errorTitle'), code: e.code }, e.status,
  );
}

/** Madrid date and time as Redsys writes them in notifications (URL-encoded inside the JSON). */
function redsysDateTime(now: Date): { date: string; hour: string } {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Madrid', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now).map((p) => [p.type, p.value]));
  return {
    date: encodeURIComponent(`${parts.day}/${parts.month}/${parts.year}`),
    hour: encodeURIComponent(`${parts.hour}:${parts.minute}`),
  };
}

function notificationParams(
  tx: Transaction, responseCode: string, now: Date, card: { number: string; expiry: string } | null,
): NotificationParams {
  const r = tx.request;
  const { date, hour } = redsysDateTime(now);
  const authorised = isAuthorised(responseCode);
  return {
    Ds_Date: date,
    Ds_Hour: hour,
    Ds_SecurePayment: authorised ? '1' : '0',
    Ds_Amount: r.DS_MERCHANT_AMOUNT!,
    Ds_Currency: r.DS_MERCHANT_CURRENCY!,
    Ds_Order: r.DS_MERCHANT_ORDER!,
    Ds_MerchantCode: r.DS_MERCHANT_MERCHANTCODE!,
    Ds_Terminal: r.DS_MERCHANT_TERMINAL!.padStart(3, '0'),
    Ds_Response: responseCode,
    Ds_MerchantData: r.DS_MERCHANT_MERCHANTDATA ?? '',
    Ds_TransactionType: r.DS_MERCHANT_TRANSACTIONTYPE!,
    Ds_ConsumerLanguage: r.DS_MERCHANT_CONSUMERLANGUAGE ?? '1',
    Ds_AuthorisationCode: authorised ? String(crypto.randomInt(100000, 1000000)) : '',
    ...(
      card ? {
        Ds_Card_Number: maskCard(card.number), Ds_ExpiryDate: card.expiry, Ds_Card_Country: '724', Ds_Card_Brand: '1',
        Ds_Card_Type: 'C',
      } : {}
    ),
    Ds_ProcessedPayMethod: '1',
  };
}

/** Only back into this site: the sandbox serves this app and nothing else. */
function localReturn(url: string | undefined, signed: SignedMessage): string {
  try {
    const u = new URL(url ?? '', 'http://sandbox.invalid');
    if (!u.pathname.startsWith('/pagos/')) return '/';
    for (const [k, v] of Object.entries(signed)) u.searchParams.set(k, v);
    return u.pathname + u.search;
  } catch {
    return '/';
  }
}

export function sandboxGatewayRoutes(deps: AppDeps): Router {
  const router = Router();

  router.use('/sandbox/redsys', (_req, _res, next) => {
    if (sandboxEnabled(deps.config.production)) next();
    else next('router');
  });

  // The payment page: what Redsys shows after the merchant's form posts the browser to it.
  router.post('/sandbox/redsys/realizarPago', (req, res) => {
    const tx = readTransaction(deps, req);
    if ('code' in tx) return errorPage(req, res, tx);
    cardPage(req, res, tx);
  });

  router.post('/sandbox/redsys/pagar', async (req, res) => {
    const tx = readTransaction(deps, req);
    if ('code' in tx) return errorPage(req, res, tx);
    const now = deps.clock.now();
    const body = req.body as Record<string, unknown>;
    const form = formFields(req, ['cardNumber', 'expiry', 'cvv'] as const);
    let responseCode = RESPONSE_CANCELLED;
    let card: { number: string; expiry: string } | null = null;
    if (body.action !== 'cancel') {
      const decision = sandboxCardDecision(form, now);
      if (!decision.ok) {
        const t = res.locals.t;
        const errors = Object.fromEntries(
          Object.entries(decision.errors).map(([f, e]) => [f, t(`payments.sandbox.errors.${e}`)]),
        );
        return cardPage(req, res, tx, { errors, form: { cardNumber: form.cardNumber, expiry: form.expiry } }, 422);
      }
      responseCode = decision.responseCode;
      card = { number: decision.cardNumber, expiry: decision.expiry };
    }
    const signed = signNotification(tx.settings.secretKey, notificationParams(tx, responseCode, now, card));

    // The notification, exactly as it would be posted: form-urlencoded, parsed back on arrival.
    const target = new URL(tx.request.DS_MERCHANT_MERCHANTURL!, 'http://sandbox.invalid');
    if (target.pathname === NOTIFICATION_PATH) {
      const payload = new URLSearchParams({ ...signed }).toString();
      const result = await handleRedsysNotification(
        systemContext(deps), Object.fromEntries(new URLSearchParams(payload)), { log: req.log },
      );
      req.log?.info({ outcome: result.outcome, status: result.status }, 'sandbox gateway delivered a notification');
    } else {
      req.log?.warn('sandbox gateway: the notification URL is not this app; nothing delivered');
    }
    res.redirect(
      303,
      localReturn(isAuthorised(responseCode) ? tx.request.DS_MERCHANT_URLOK : tx.request.DS_MERCHANT_URLKO, signed),
    );
  });

  return router;
}
