import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Access } from '../domain/access';
import { DomainError } from '../domain/errors';
import { retentionCutoff } from '../domain/invoices';
import {
  cardPayability, claimedOrder, isOrderAbandoned, orderExpiresAt, orderIdFrom, signedMessageFrom, verifyNotification,
  type NotPayableReason, type Payability,
} from '../domain/payments';
import type { RequestStatus } from '../domain/requests';
import { todayInSpain } from '../domain/time';
import { findContract, type ContractView } from '../data/contracts-repo';
import { audit } from '../data/audit-repo';
import {
  abandonedPayments, insertPayment, invoiceNumberAndContract, isUniqueViolation, lockInvoiceToPay, lockPaymentByOrder,
  markInvoicePaid,
  markPaymentDeclined, markPaymentDuplicate, markPaymentExpired, markPaymentPaid, openPaymentOfInvoice,
  paymentRecipient, recentPayments,
  unpaidInvoices, type PayableInvoiceRow, type PaymentRow, type PaymentView,
} from '../data/payments-repo';
import { insertEvent, mergeRequestPayload, updateRequestStatus } from '../data/requests-repo';
import type { RedirectForm } from 'redsys-easy';
import { gatewaySettings, NOTIFICATION_PATH, orderEntropy, redirectForm } from '../adapters/redsys';
import { queueMail } from '../adapters/mail/outbox';
import { isLanguage, translator, type Language } from '../i18n';
import type { SystemContext, UseCaseContext } from './context';
import { createRequest } from './requests';
import { retailer } from '../domain/retailer';
import { letterEuros } from '../domain/letter-format';

/**
 * Card payment of pending invoices over the Redsys redirect protocol (seed 000 "Pagar facturas
 * con tarjeta"). An invoice has at most one open order: a second attempt by the same person
 * continues it, anyone else is told a payment is under way, and an order left unfinished for
 * `config.paymentOrderMinutes` expires so a new one may start. Each order is a gestión
 * ("card_payment") the customer follows in Mis gestiones. Only the gateway's signed
 * notification marks an invoice paid; a charge for an invoice already paid is kept as a
 * duplicate for staff to refund.
 */

const RECENT_PAYMENTS = 5;

function money(cents: number, lang: Language): string {
  return letterEuros(cents, lang);
}

// ---------------------------------------------------------------------------------------------
// The contract's page of unpaid invoices

export interface PayableRow extends PayableInvoiceRow {
  payability: Payability;
  /** An order under way for this invoice (started less than the expiry time ago). */
  openOrder: { orderId: string; mine: boolean; expiresAt: Date } | null;
}

export interface CardPaymentsPage {
  contract: ContractView;
  rows: PayableRow[];
  payments: PaymentView[];
  gatewayOff: boolean;
}

export async function cardPaymentsOfContract(
  ctx: UseCaseContext, input: { contractId: number },
): Promise<CardPaymentsPage> {
  const contract = await findContract(ctx.db, input.contractId);
  if (!contract) throw new DomainError('not_found');
  const cutoff = retentionCutoff(todayInSpain(ctx.now));
  const [invoices, payments] = await Promise.all(
    [unpaidInvoices(ctx.db, contract.id, cutoff), recentPayments(ctx.db, contract.id, RECENT_PAYMENTS)],
  );
  const open = new Map(payments.filter((p) => p.status === 'pending').map((p) => [p.invoice_id, p]));
  const rows = invoices.map((i): PayableRow => {
    const o = open.get(i.id);
    const live = o && !isOrderAbandoned(o.created_at, ctx.now, ctx.config.paymentOrderMinutes) ? o : undefined;
    return {
      ...i,
      payability: cardPayability(
        { status: i.status, paymentMethod: i.payment_method, issueDate: i.issue_date }, cutoff,
      ),
      openOrder: live ? {
        orderId: live.order_id, mine: live.user_id === ctx.actor.userId,
        expiresAt: orderExpiresAt(live.created_at, ctx.config.paymentOrderMinutes),
      } : null,
    };
  });
  return { contract, rows, payments, gatewayOff: gatewaySettings(ctx.config.production).mode === 'off' };
}

// ---------------------------------------------------------------------------------------------
// Starting (or continuing) a payment

export type StartResult =
  | { kind: 'started' | 'continued'; order: string }
  | {
    kind: 'refused';
    reason: NotPayableReason | 'gateway_off' | 'in_progress';
    invoice: { number: string; contract_id: number };
    status: number;
  };

/** Closes an open order and its gestión: abandoned at the gateway, a new attempt may start. */
async function expireOrder(trx: Knex.Transaction, payment: PaymentRow, now: Date, minutes: number): Promise<void> {
  if (!(await markPaymentExpired(trx, payment.id, now))) return;
  await audit(trx, {
    actorType: 'system', customerId: payment.customer_id, action: 'payment.expired', targetType: 'invoice',
    targetId: payment.invoice_id, at: now,
    details: { order: payment.order_id, minutes },
  });
  await settleRequest(trx, payment, 'rechazada', 'expired', now);
}

/**
 * Moves the order's gestión to its result. A late notification can still settle an order that
 * had expired (the bank did charge it), so this follows the payment rather than the usual
 * state machine; the timeline keeps every step.
 */
async function settleRequest(
  trx: Knex, payment: PaymentRow, status: RequestStatus, result: string, now: Date,
): Promise<void> {
  if (!payment.request_id) return;
  // the timeline is written in the language of the person who started the payment
  const lang = (await paymentRecipient(trx, payment)).language;
  await updateRequestStatus(trx, payment.request_id, status, now);
  await mergeRequestPayload(trx, payment.request_id, { result }, now);
  await insertEvent(trx, {
    requestId: payment.request_id, at: now, kind: 'status', status, actorType: 'system',
    note: translator(isLanguage(lang) ? lang : 'es')(`payments.timeline.${result}`, { order: payment.order_id }),
  });
}

export async function startCardPayment(
  ctx: UseCaseContext, input: { invoiceId: number; access: Access },
): Promise<StartResult> {
  const { actor, now, config } = ctx;
  const gateway = gatewaySettings(config.production);
  const via = input.access.via?.kind === 'manager' ? input.access.via.managerCustomerId : undefined;
  for (let attempt = 1; ; attempt++) {
    const order = orderIdFrom(orderEntropy());
    try {
      return await ctx.db.transaction(async (trx): Promise<StartResult> => {
        const invoice = await lockInvoiceToPay(trx, input.invoiceId);
        if (!invoice) throw new DomainError('not_found');
        const payability = cardPayability(
          { status: invoice.status, paymentMethod: invoice.payment_method, issueDate: invoice.issue_date },
          retentionCutoff(todayInSpain(now)),
        );
        if (!payability.payable) {
          if (payability.reason === 'unavailable') throw new DomainError('not_found');
          return { kind: 'refused', reason: payability.reason, invoice, status: 409 };
        }
        if (gateway.mode === 'off') return { kind: 'refused', reason: 'gateway_off', invoice, status: 503 };
        const open = await openPaymentOfInvoice(trx, invoice.id);
        if (open && !isOrderAbandoned(open.created_at, now, config.paymentOrderMinutes)) {
          // the same person pressing "Pagar" again continues where they were; nobody starts a second charge
          if (open.user_id === actor.userId) return { kind: 'continued', order: open.order_id };
          return { kind: 'refused', reason: 'in_progress', invoice, status: 409 };
        }
        if (open) await expireOrder(trx, open, now, config.paymentOrderMinutes);
        const t = translator(actor.language);
        const request = await createRequest(trx, {
          type: 'card_payment', customerId: invoice.customer_id, contractId: invoice.contract_id, access: input.access,
          notifyCreator: false,
          payload: { invoice: invoice.number, order, amount: money(invoice.total_cents, 'es') },
        }, actor, now, config);
        await insertEvent(trx, {
          requestId: request.id, at: now, kind: 'note', actorType: 'user', actorId: actor.userId,
          note: t(
            'payments.timeline.started',
            { order, number: invoice.number, amount: money(invoice.total_cents, actor.language) },
          ),
        });
        await insertPayment(trx, {
          orderId: order, invoiceId: invoice.id, customerId: invoice.customer_id, userId: actor.userId,
          amountCents: invoice.total_cents, currency: gateway.currency, gateway: gateway.mode, now,
          requestId: request.id,
        });
        await audit(trx, {
          actorType: 'user', actorId: actor.userId, customerId: invoice.customer_id, action: 'payment.started',
          targetType: 'invoice', targetId: invoice.id,
          ip: actor.ip, at: now, details: {
            order, amountCents: invoice.total_cents, ...(via ? { viaManager: via } : {}),
          },
        });
        return { kind: 'started', order };
      });
    } catch (err) {
      // a collision of random order ids: draw another
      if (!isUniqueViolation(err) || attempt >= 5) throw err;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The page that sends the browser to the gateway

export type PaymentState = 'paid' | 'declined' | 'duplicate' | 'expired' | 'confirming' | 'failed' | 'open';

/** What a payment's pages say about it, from the database only: a return URL proves nothing. */
export function paymentState(
  p: Pick<PaymentRow, 'status' | 'created_at'>, now: Date, minutes: number, returned: 'ok' | 'ko' | null,
): PaymentState {
  if (p.status !== 'pending') return p.status;
  // the bank may still confirm an order that has just gone past its time: "confirming" after OK
  if (returned === 'ok') return 'confirming';
  if (isOrderAbandoned(p.created_at, now, minutes)) return 'expired';
  return returned === 'ko' ? 'failed' : 'open';
}

export type Checkout =
  | { kind: 'form'; form: RedirectForm; sandbox: boolean }
  | { kind: 'finished' }
  | { kind: 'refused'; reason: 'paid' | 'gateway_off'; status: number };

/** The signed form for an open order of the user's, in their language. */
export function checkoutFor(ctx: UseCaseContext, payment: PaymentView, lang: Language): Checkout {
  if (paymentState(payment, ctx.now, ctx.config.paymentOrderMinutes, null) !== 'open') return { kind: 'finished' };
  if (payment.invoice_status === 'paid') return { kind: 'refused', reason: 'paid', status: 409 };
  const gateway = gatewaySettings(ctx.config.production);
  if (gateway.mode === 'off') return { kind: 'refused', reason: 'gateway_off', status: 503 };
  const base = ctx.config.publicUrl;
  const form = redirectForm(gateway, {
    order: payment.order_id, amountCents: payment.amount_cents, language: lang, merchantName: retailer.brand,
    description: translator(lang)('payments.description', { number: payment.invoice_number }),
    notificationUrl: `${base}${NOTIFICATION_PATH}`,
    urlOk: `${base}/pagos/ok?order=${payment.order_id}`,
    urlKo: `${base}/pagos/ko?order=${payment.order_id}`,
  });
  return { kind: 'form', form, sandbox: gateway.mode === 'sandbox' };
}

// ---------------------------------------------------------------------------------------------
// Abandoned orders

/** Expires every order left unfinished longer than the configured time; returns how many. */
export async function expireAbandonedPayments(ctx: SystemContext): Promise<number> {
  const minutes = ctx.config.paymentOrderMinutes;
  const stale = await abandonedPayments(ctx.db, new Date(ctx.now.getTime() - minutes * 60_000), 200);
  let n = 0;
  for (const p of stale) {
    await ctx.db.transaction(async (trx) => {
      const locked = await lockPaymentByOrder(trx, p.order_id);
      if (locked?.status !== 'pending') return;
      await expireOrder(trx, locked, ctx.now, minutes);
      n++;
    });
  }
  return n;
}

/** A timer that expires abandoned orders once a minute, so Mis gestiones shows them as ended. */
export function startPaymentExpirySweep(make: () => SystemContext, logger: Logger): { stop(): void } {
  const timer = setInterval(() => {
    expireAbandonedPayments(make()).catch((err: unknown) => logger.error({ err }, 'payment expiry sweep failed'));
  }, 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

// ---------------------------------------------------------------------------------------------
// The gateway's notification

export interface NotificationResult {
  /** HTTP answer to the gateway: 200 'OK' when understood (even a denial or a replay), 400 'KO' otherwise. */
  status: number;
  body: 'OK' | 'KO';
  outcome:
    | 'paid' | 'declined' | 'replay' | 'duplicate' | 'unknown_order' | 'disabled' | 'malformed'
    | 'bad_signature' | 'order_mismatch' | 'amount_mismatch' | 'currency_mismatch';
}

/**
 * Handles a Redsys notification (the form fields Ds_SignatureVersion, Ds_MerchantParameters,
 * Ds_Signature), in one transaction with the payment row locked, so replays and concurrent
 * deliveries queue and find the work done. The sandbox gateway delivers its notifications
 * in-process through this same function.
 */
export async function handleRedsysNotification(
  ctx: SystemContext, body: unknown, meta: { ip?: string; log?: Logger },
): Promise<NotificationResult> {
  const reject = (outcome: NotificationResult['outcome']): NotificationResult => {
    meta.log?.warn({ outcome }, 'redsys notification rejected');
    return { status: 400, body: 'KO', outcome };
  };
  const message = signedMessageFrom(body);
  if (!message) return reject('malformed');
  const gateway = gatewaySettings(ctx.config.production);
  if (gateway.mode === 'off') return reject('disabled');
  const order = claimedOrder(message);
  if (!order) return reject('malformed');
  const now = ctx.now;

  const outcome = await ctx.db.transaction(async (trx): Promise<NotificationResult['outcome']> => {
    const payment = await lockPaymentByOrder(trx, order);
    if (!payment) return 'unknown_order';
    const verdict = verifyNotification(message, {
      order, amountCents: payment.amount_cents, currency: payment.currency,
      alreadyPaid: payment.status === 'paid' || payment.status === 'duplicate',
    }, gateway.secretKey);
    const auditBase = {
      actorType: 'system' as const, customerId: payment.customer_id, targetType: 'invoice',
      targetId: payment.invoice_id, ip: meta.ip ?? null, at: now,
    };
    switch (verdict.outcome) {
      case 'rejected':
        return verdict.reason;
      case 'replay':
        return 'replay';
      case 'declined':
        if (
          await markPaymentDeclined(
            trx, payment.id, { responseCode: verdict.responseCode, notification: verdict.params, now },
          )
        ) {
          await audit(
            trx, { ...auditBase, action: 'payment.declined', details: { order, responseCode: verdict.responseCode } },
          );
          await settleRequest(trx, payment, 'rechazada', 'declined', now);
        }
        return 'declined';
      case 'paid': {
        const n = {
          responseCode: verdict.responseCode, authorisationCode: verdict.authorisationCode,
          notification: verdict.params, now,
        };
        if (!await markInvoicePaid(trx, payment.invoice_id, now)) {
          // paid meanwhile by another payment: this charge is recorded, to be refunded (listed in /admin/reembolsos)
          await markPaymentDuplicate(trx, payment.id, n);
          await audit(
            trx,
            {
              ...auditBase, action: 'payment.duplicate',
              details: { order, amountCents: payment.amount_cents, authorisationCode: n.authorisationCode },
            },
          );
          await settleRequest(trx, payment, 'completada', 'duplicate', now);
          return 'duplicate';
        }
        await markPaymentPaid(trx, payment.id, n);
        await audit(
          trx,
          {
            ...auditBase, action: 'payment.paid',
            details: { order, amountCents: payment.amount_cents, authorisationCode: n.authorisationCode },
          },
        );
        await settleRequest(trx, payment, 'completada', 'paid', now);
        const invoice = await invoiceNumberAndContract(trx, payment.invoice_id);
        const to = await paymentRecipient(trx, payment);
        if (to.email) {
          const lang: Language = isLanguage(to.language) ? to.language : 'es';
          await queueMail(trx, {
            to: to.email, lang, template: 'payment_received', userId: to.userId, customerId: payment.customer_id,
            params: {
              name: to.name, number: invoice.number, amount: money(payment.amount_cents, lang), order,
              authorisation: n.authorisationCode ?? '—',
            },
            actionUrl: `${ctx.config.publicUrl}/contratos/${invoice.contract_id}/facturas`,
          });
        }
        return 'paid';
      }
    }
  });
  if (['paid', 'declined', 'replay', 'duplicate'].includes(outcome)) {
    if (outcome === 'paid') ctx.mailer?.kick();
    return { status: 200, body: 'OK', outcome };
  }
  return reject(outcome);
}
