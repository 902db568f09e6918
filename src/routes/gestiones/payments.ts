import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../deps';
import type { Access } from '../../domain/access';
import { DomainError } from '../../domain/errors';
import { isValidOrderId, type NotPayableReason } from '../../domain/payments';
import { findPaymentByOrder, type PaymentView } from '../../data/payments-repo';
import { NOTIFICATION_PATH } from '../../adapters/redsys';
import {
  cardPaymentsOfContract, checkoutFor, handleRedsysNotification, paymentState, startCardPayment,
} from '../../services/card-payments';
import { isLanguage, type Language } from '../../i18n';
import { render } from '../../web/render';
import { clientIp } from '../../web/forms';
import { systemContext, userContext } from '../../web/use-case-context';
import { accessOf, requireUser } from '../../web/current-user';
import { guards } from '../../web/guards';

/**
 * Card payment of pending invoices (seed 000 "Pagar facturas con tarjeta") over the Redsys
 * redirect protocol: the user picks an invoice, the use case records (or continues) the
 * invoice's one open order and the browser goes to the gateway with signed parameters; only the
 * gateway's signed server-to-server notification marks the invoice paid. The return pages show
 * what the database says.
 */

function noStore(res: Response): void {
  res.set('Cache-Control', 'private, no-store');
}

type Refusal = NotPayableReason | 'gateway_off' | 'in_progress';

function unavailable(
  req: Request, res: Response, reason: Refusal, invoice: { number: string; contract_id: number }, status: number,
): void {
  render(
    req, res, 'gestiones/pay-unavailable', { title: res.locals.t('payments.unavailable.title'), reason, invoice },
    { status },
  );
}

/** The guard for pages addressed by order: its customer is readable (404 otherwise, as for ids that don't exist). */
async function loadVisiblePayment(
  deps: AppDeps, req: Request, orderParam: unknown, action: 'read' | 'act',
): Promise<PaymentView> {
  if (!isValidOrderId(orderParam)) throw new DomainError('not_found');
  const payment = await findPaymentByOrder(userContext(deps, req).db, orderParam);
  if (!payment) throw new DomainError('not_found');
  const access = (await accessOf(deps.db.knex, req)).to(payment.customer_id);
  if (!access.read) throw new DomainError('not_found');
  if (action === 'act' && !access.act) throw new DomainError('forbidden');
  return payment;
}

export function paymentRoutes(deps: AppDeps): Router {
  const router = Router();
  const guard = guards(deps);

  // The contract's unpaid invoices, each with its own "pay by card" button.
  router.get('/contratos/:contractId/pagar', guard.contract('act'), async (req, res) => {
    const page = await cardPaymentsOfContract(userContext(deps, req), { contractId: Number(req.params.contractId) });
    noStore(res);
    render(req, res, 'gestiones/pay', { title: res.locals.t('payments.title'), tab: '', ...page });
  });

  // Starts one payment (or continues the open one), then the gateway page.
  router.post('/facturas/:invoiceId/pagar', guard.invoice('act'), async (req, res) => {
    const result = await startCardPayment(
      userContext(deps, req), { invoiceId: Number(req.params.invoiceId), access: res.locals.customerAccess as Access },
    );
    if (result.kind === 'refused') return unavailable(req, res, result.reason, result.invoice, result.status);
    res.redirect(303, `/pagos/${result.order}/pasarela`);
  });

  // The page that sends the browser to the gateway with the signed parameters (a real form: no script).
  router.get('/pagos/:orderId/pasarela', requireUser, async (req, res) => {
    const payment = await loadVisiblePayment(deps, req, req.params.orderId, 'act');
    if (payment.user_id !== req.user!.id) throw new DomainError('not_found');
    const lang: Language = isLanguage(res.locals.lang) ? res.locals.lang : 'es';
    const checkout = checkoutFor(userContext(deps, req), payment, lang);
    if (checkout.kind === 'finished') return res.redirect(303, `/pagos/ok?order=${payment.order_id}`);
    const invoice = { number: payment.invoice_number, contract_id: payment.contract_id };
    if (checkout.kind === 'refused') return unavailable(req, res, checkout.reason, invoice, checkout.status);
    noStore(res);
    render(
      req, res, 'gestiones/pay-redirect',
      { title: res.locals.t('payments.redirect.title'), payment, form: checkout.form, sandbox: checkout.sandbox },
    );
  });

  // Server to server, from the gateway: no session; exempt from CSRF (it carries its own signature).
  router.post(NOTIFICATION_PATH, async (req, res) => {
    const result = await handleRedsysNotification(systemContext(deps), req.body, { ip: clientIp(req), log: req.log });
    res.status(result.status).type('text').send(result.body);
  });

  // Where the gateway sends the browser back. The URL proves nothing: the page shows the database.
  for (const kind of ['ok', 'ko'] as const) {
    router.get(`/pagos/${kind}`, requireUser, async (req, res) => {
      const payment = await loadVisiblePayment(deps, req, req.query.order, 'read');
      const state = paymentState(payment, deps.clock.now(), deps.config.paymentOrderMinutes, kind);
      noStore(res);
      render(
        req, res, 'gestiones/pay-result',
        { title: res.locals.t(`payments.result.${state}.title`), payment, state, kind },
      );
    });
  }

  return router;
}
