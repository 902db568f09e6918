import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { AppDeps } from '../../deps';
import { findContract } from '../../data/contracts-repo';
import { findInvoice } from '../../data/invoices-repo';
import { audit } from '../../data/audit-repo';
import {
  findPaymentByOrder, insertPayment, isUniqueViolation, lockPaymentByOrder, markInvoicePaid, markPaymentDeclined, markPaymentDuplicate,
  markPaymentPaid, recentPayments, unpaidInvoices, type PaymentView,
} from '../../data/payments-repo';
import { retentionCutoff } from '../../domain/invoices';
import { DomainError } from '../../domain/errors';
import {
  cardPayability, claimedOrder, isValidOrderId, orderIdFrom, signedMessageFrom, verifyNotification, type NotPayableReason,
} from '../../domain/payments';
import { gatewaySettings, NOTIFICATION_PATH, orderEntropy, redirectForm } from '../../adapters/redsys';
import { queueMail } from '../../adapters/mail/outbox';
import { retailer } from '../../services/retailer';
import { isLanguage, translator, type Language } from '../../i18n';
import { deps, requireUser, userAccess } from '../../web/middleware/auth';
import { contractGuard, invoiceGuard } from '../../web/middleware/guards';
import { render } from '../../web/render';
import { clientIp } from '../../web/forms';
import { today } from '../contracts';
import { sandboxGatewayRoutes } from '../../web/dev/sandbox-gateway';

/**
 * Card payment of pending invoices (seed 000 "Pagar facturas con tarjeta") over the Redsys
 * redirect protocol: the user picks an invoice, we record a payment attempt and send the
 * browser to the gateway with signed parameters; only the gateway's signed server-to-server
 * notification marks the invoice paid. The return pages show what the database says.
 */

const RECENT_PAYMENTS = 5;

function money(cents: number, lang: Language): string {
  return `${(cents / 100).toLocaleString(lang === 'ca' ? 'ca-ES' : 'es-ES', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} €`;
}

function noStore(res: Response): void {
  res.set('Cache-Control', 'private, no-store');
}

function unavailable(req: Request, res: Response, reason: NotPayableReason | 'gateway_off', invoice: { number: string; contract_id: number }, status: number): void {
  render(req, res, 'gestiones/pay-unavailable', { title: res.locals.t('payments.unavailable.title'), reason, invoice }, { status });
}

/** The user may see the payment: its customer is readable (404 otherwise, as for ids that don't exist). */
async function loadVisiblePayment(req: Request, orderParam: unknown, action: 'read' | 'act'): Promise<PaymentView> {
  if (!isValidOrderId(orderParam)) throw new DomainError('not_found');
  const payment = await findPaymentByOrder(deps(req).db.knex, orderParam);
  if (!payment) throw new DomainError('not_found');
  const access = (await userAccess(req)).to(payment.customer_id);
  if (!access.read) throw new DomainError('not_found');
  if (action === 'act' && !access.act) throw new DomainError('forbidden');
  return payment;
}

// ---------------------------------------------------------------------------------------------
// The gateway's notification

export interface NotificationResult {
  /** HTTP answer to the gateway: 200 'OK' when understood (even a denial or a replay), 400 'KO' otherwise. */
  status: number;
  body: 'OK' | 'KO';
  outcome: 'paid' | 'declined' | 'replay' | 'duplicate' | 'unknown_order' | 'disabled' | 'malformed' | 'bad_signature' | 'order_mismatch' | 'amount_mismatch' | 'currency_mismatch';
}

/**
 * Handles a Redsys notification (the form fields Ds_SignatureVersion, Ds_MerchantParameters,
 * Ds_Signature), in one transaction with the payment row locked, so replays and concurrent
 * deliveries queue and find the work done. Exported for the sandbox gateway, which delivers
 * its notifications in-process with exactly the payload it would post.
 */
export async function handleRedsysNotification(d: AppDeps, body: unknown, meta: { ip?: string; log?: Logger }): Promise<NotificationResult> {
  const reject = (outcome: NotificationResult['outcome']): NotificationResult => {
    meta.log?.warn({ outcome }, 'redsys notification rejected');
    return { status: 400, body: 'KO', outcome };
  };
  const message = signedMessageFrom(body);
  if (!message) return reject('malformed');
  const gateway = gatewaySettings(d.config.production);
  if (gateway.mode === 'off') return reject('disabled');
  const order = claimedOrder(message);
  if (!order) return reject('malformed');
  const now = d.clock.now();

  const outcome = await d.db.knex.transaction(async (trx): Promise<NotificationResult['outcome']> => {
    const payment = await lockPaymentByOrder(trx, order);
    if (!payment) return 'unknown_order';
    const verdict = verifyNotification(message, {
      order, amountCents: payment.amount_cents, currency: payment.currency, alreadyPaid: payment.status === 'paid' || payment.status === 'duplicate',
    }, gateway.secretKey);
    const auditBase = { actorType: 'system' as const, customerId: payment.customer_id, targetType: 'invoice', targetId: payment.invoice_id, ip: meta.ip ?? null, at: now };
    switch (verdict.outcome) {
      case 'rejected':
        return verdict.reason;
      case 'replay':
        return 'replay';
      case 'declined':
        if (await markPaymentDeclined(trx, payment.id, { responseCode: verdict.responseCode, notification: verdict.params, now })) {
          await audit(trx, { ...auditBase, action: 'payment.declined', details: { order, responseCode: verdict.responseCode } });
        }
        return 'declined';
      case 'paid': {
        const n = { responseCode: verdict.responseCode, authorisationCode: verdict.authorisationCode, notification: verdict.params, now };
        if (!await markInvoicePaid(trx, payment.invoice_id, now)) {
          // paid meanwhile by another payment: this charge is recorded, to be refunded
          await markPaymentDuplicate(trx, payment.id, n);
          await audit(trx, { ...auditBase, action: 'payment.duplicate', details: { order, amountCents: payment.amount_cents, authorisationCode: n.authorisationCode } });
          return 'duplicate';
        }
        await markPaymentPaid(trx, payment.id, n);
        await audit(trx, { ...auditBase, action: 'payment.paid', details: { order, amountCents: payment.amount_cents, authorisationCode: n.authorisationCode } });
        const invoice = await trx('invoices').where({ id: payment.invoice_id }).first('number', 'contract_id');
        const payer = payment.user_id ? await trx('users').where({ id: payment.user_id }).first('id', 'email', 'first_name', 'language') : undefined;
        const customer = payer ? undefined : await trx('customers').where({ id: payment.customer_id }).first('email', 'name');
        const to = payer?.email ?? customer?.email;
        if (to) {
          const lang: Language = isLanguage(payer?.language) ? payer.language : 'es';
          await queueMail(trx, {
            to, lang, template: 'payment_received', userId: payer?.id ?? null, customerId: payment.customer_id,
            params: { name: payer?.first_name ?? customer?.name ?? '', number: invoice.number, amount: money(payment.amount_cents, lang), order, authorisation: n.authorisationCode ?? '—' },
            actionUrl: `${d.config.publicUrl}/contratos/${invoice.contract_id}/facturas`,
          });
        }
        return 'paid';
      }
    }
  });
  if (['paid', 'declined', 'replay', 'duplicate'].includes(outcome)) {
    if (outcome === 'paid') d.mailer?.kick();
    return { status: 200, body: 'OK', outcome };
  }
  return reject(outcome);
}

// ---------------------------------------------------------------------------------------------

export function paymentRoutes(): Router {
  const router = Router();

  // The contract's unpaid invoices, each with its own "pay by card" button.
  router.get('/contratos/:contractId/pagar', contractGuard('act'), async (req, res) => {
    const db = deps(req).db.knex;
    const c = await findContract(db, Number(req.params.contractId));
    if (!c) throw new DomainError('not_found');
    const cutoff = retentionCutoff(today(req));
    const [invoices, payments] = await Promise.all([unpaidInvoices(db, c.id, cutoff), recentPayments(db, c.id, RECENT_PAYMENTS)]);
    const rows = invoices.map((i) => ({ ...i, payability: cardPayability({ status: i.status, paymentMethod: i.payment_method, issueDate: i.issue_date }, cutoff) }));
    const gatewayOff = gatewaySettings(deps(req).config.production).mode === 'off';
    noStore(res);
    render(req, res, 'gestiones/pay', { title: res.locals.t('payments.title'), contract: c, tab: '', rows, payments, gatewayOff });
  });

  // Starts one payment: a new gateway order for the invoice's total, then the gateway page.
  router.post('/facturas/:invoiceId/pagar', invoiceGuard('act'), async (req, res) => {
    const { db, clock, config } = deps(req);
    const now = clock.now();
    const invoice = await findInvoice(db.knex, Number(req.params.invoiceId));
    if (!invoice) throw new DomainError('not_found');
    const payability = cardPayability({ status: invoice.status, paymentMethod: invoice.payment_method, issueDate: invoice.issue_date }, retentionCutoff(today(req)));
    if (!payability.payable) {
      if (payability.reason === 'unavailable') throw new DomainError('not_found');
      return unavailable(req, res, payability.reason, invoice, 409);
    }
    const gateway = gatewaySettings(config.production);
    if (gateway.mode === 'off') return unavailable(req, res, 'gateway_off', invoice, 503);
    const via = res.locals.customerAccess?.via?.kind === 'manager' ? res.locals.customerAccess.via.managerCustomerId as number : undefined;
    let order = '';
    for (let attempt = 1; ; attempt++) {
      order = orderIdFrom(orderEntropy());
      try {
        await db.knex.transaction(async (trx) => {
          await insertPayment(trx, {
            orderId: order, invoiceId: invoice.id, customerId: invoice.customer_id, userId: req.user!.id,
            amountCents: invoice.total_cents, currency: gateway.currency, gateway: gateway.mode, now,
          });
          await audit(trx, {
            actorType: 'user', actorId: req.user!.id, customerId: invoice.customer_id, action: 'payment.started', targetType: 'invoice', targetId: invoice.id,
            ip: clientIp(req), at: now, details: { order, amountCents: invoice.total_cents, ...(via ? { viaManager: via } : {}) },
          });
        });
        break;
      } catch (err) {
        // a collision of random order ids: draw another
        if (!isUniqueViolation(err) || attempt >= 5) throw err;
      }
    }
    res.redirect(303, `/pagos/${order}/pasarela`);
  });

  // The page that sends the browser to the gateway with the signed parameters (a real form: no script).
  router.get('/pagos/:orderId/pasarela', requireUser, async (req, res) => {
    const { config } = deps(req);
    const payment = await loadVisiblePayment(req, req.params.orderId, 'act');
    if (payment.user_id !== req.user!.id) throw new DomainError('not_found');
    if (payment.status !== 'pending') return res.redirect(303, `/pagos/ok?order=${payment.order_id}`);
    const invoice = { number: payment.invoice_number, contract_id: payment.contract_id };
    if (payment.invoice_status === 'paid') return unavailable(req, res, 'paid', invoice, 409);
    const gateway = gatewaySettings(config.production);
    if (gateway.mode === 'off') return unavailable(req, res, 'gateway_off', invoice, 503);
    const lang: Language = isLanguage(res.locals.lang) ? res.locals.lang : 'es';
    const form = redirectForm(gateway, {
      order: payment.order_id, amountCents: payment.amount_cents, language: lang, merchantName: retailer.brand,
      description: translator(lang)('payments.description', { number: payment.invoice_number }),
      notificationUrl: `${config.publicUrl}${NOTIFICATION_PATH}`,
      urlOk: `${config.publicUrl}/pagos/ok?order=${payment.order_id}`,
      urlKo: `${config.publicUrl}/pagos/ko?order=${payment.order_id}`,
    });
    noStore(res);
    render(req, res, 'gestiones/pay-redirect', { title: res.locals.t('payments.redirect.title'), payment, form, sandbox: gateway.mode === 'sandbox' });
  });

  // Server to server, from the gateway: no session; exempt from CSRF (it carries its own signature).
  router.post(NOTIFICATION_PATH, async (req, res) => {
    const result = await handleRedsysNotification(deps(req), req.body, { ip: clientIp(req), log: req.log });
    res.status(result.status).type('text').send(result.body);
  });

  // Where the gateway sends the browser back. The URL proves nothing: the page shows the database.
  for (const kind of ['ok', 'ko'] as const) {
    router.get(`/pagos/${kind}`, requireUser, async (req, res) => {
      const payment = await loadVisiblePayment(req, req.query.order, 'read');
      const state = payment.status === 'pending' ? (kind === 'ok' ? 'confirming' : 'failed') : payment.status;
      noStore(res);
      render(req, res, 'gestiones/pay-result', { title: res.locals.t(`payments.result.${state}.title`), payment, state, kind });
    });
  }

  router.use(sandboxGatewayRoutes(handleRedsysNotification));
  return router;
}
