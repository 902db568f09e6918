import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../support/context';
import {
  createContractAccount, createCustomer, createSupply, createUser, csrfFrom, issueInvoices, linkUser, loginAs, mailsTo, pageText,
  type Agent, type InvoiceFixture, type UserFixture,
} from '../support/factories';
import { signNotification } from '../../src/adapters/redsys';
import { expireAbandonedPayments } from '../../src/services/card-payments';
import { createStaff, loginStaff } from '../support/staff';
import type { SignedMessage } from '../../src/domain/payments';

// The sandbox runs with Redsys's published test merchant unless REDSYS_* say otherwise.
const TEST_KEY = 'sq7HjrUOBfKmC576ILgskD5srU870gJ7';
const TEST_CARD = { cardNumber: '4548 8100 0000 0003', expiry: '12/29', cvv: '123' };

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The hidden fields of the form posting to `action` (the values the browser would send). */
function hiddenFields(html: string, action: string): Record<string, string> {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`no form posting to ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) out[m[1]!] = decode(m[2]!);
  return out;
}

interface Payer {
  user: UserFixture; customerId: number; contractId: number; invoices: InvoiceFixture[]; agent: Agent;
}

/** A household paying by transfer (so its pending invoices can be paid by card), logged in. */
async function payer(months = ['2026-09', '2026-10'], opts: { directDebit?: boolean; status?: 'pending' | 'paid' | 'returned'; language?: 'es' | 'ca' } = {}): Promise<Payer> {
  const ctx = await testContext();
  const db = ctx.db.knex;
  const user = await createUser(db, { language: opts.language });
  const customer = await createCustomer(db, { kind: 'individual', taxId: user.loginId, name: `${user.firstName} ${user.lastName}`, email: user.email });
  const account = await createContractAccount(db, customer, { directDebit: opts.directDebit ?? false });
  const supply = await createSupply(db, account, { consumption: months.map((m, i) => ({ month: m, P1: 50 + i, P2: 60, P3: 80 })) });
  await linkUser(db, user, customer, 'holder');
  const invoices = await issueInvoices(db, supply.contractId, months, { status: opts.status });
  const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
  return { user, customerId: customer.id, contractId: supply.contractId, invoices, agent };
}

/** "Pagar con tarjeta" on the contract's page: the payment is created, the gateway page shown. */
async function startPayment(p: Payer, invoiceId: number): Promise<{ order: string; gatewayPage: string }> {
  const list = await p.agent.get(`/contratos/${p.contractId}/pagar`).expect(200);
  const started = await p.agent.post(`/facturas/${invoiceId}/pagar`).type('form').send(hiddenFields(list.text, `/facturas/${invoiceId}/pagar`)).expect(303);
  const m = /^\/pagos\/(\d{4}[0-9A-Z]{8})\/pasarela$/.exec(started.headers.location!);
  expect(m, started.headers.location).to.not.equal(null);
  const page = await p.agent.get(started.headers.location!).expect(200);
  return { order: m![1]!, gatewayPage: page.text };
}

/** The browser at the sandbox bank: posts the signed form, then the card page. Returns the redirect back. */
async function payAtSandbox(p: Payer, gatewayPage: string, card: Record<string, string> = TEST_CARD, action = 'pay'): Promise<string> {
  const cardPage = await p.agent.post('/sandbox/redsys/realizarPago').type('form').send(hiddenFields(gatewayPage, '/sandbox/redsys/realizarPago')).expect(200);
  expect(pageText(cardPage.text)).to.include('Número de tarjeta');
  const done = await p.agent.post('/sandbox/redsys/pagar').type('form').send({ ...hiddenFields(cardPage.text, '/sandbox/redsys/pagar'), ...card, action }).expect(303);
  return done.headers.location!;
}

/** The signed notification the sandbox sent, which it also appends to the return URL as Redsys does. */
function notificationIn(returnUrl: string): SignedMessage {
  const q = new URL(returnUrl, 'http://x').searchParams;
  return { Ds_SignatureVersion: q.get('Ds_SignatureVersion')!, Ds_MerchantParameters: q.get('Ds_MerchantParameters')!, Ds_Signature: q.get('Ds_Signature')! };
}

/** A notification signed as the bank would for `order`, to post by hand. */
function bankNotification(order: string, amountCents: number, over: Record<string, string> = {}, key = TEST_KEY): SignedMessage {
  return signNotification(key, {
    Ds_Date: '20%2F11%2F2026', Ds_Hour: '11%3A00', Ds_Amount: String(amountCents), Ds_Currency: '978', Ds_Order: order, Ds_MerchantCode: '999008881',
    Ds_Terminal: '001', Ds_Response: '0000', Ds_TransactionType: '0', Ds_SecurePayment: '1', Ds_AuthorisationCode: '654321', ...over,
  });
}

async function notify(body: object): Promise<request.Response> {
  const ctx = await testContext();
  return request(ctx.app).post('/pagos/redsys/notificacion').type('form').send(body);
}

async function state(invoiceId: number) {
  const db = (await testContext()).db.knex;
  const invoice = await db('invoices').where({ id: invoiceId }).first('status', 'paid_at');
  const payments = await db('payments').where({ invoice_id: invoiceId }).orderBy('id').select('order_id', 'status', 'response_code', 'authorisation_code', 'notification', 'amount_cents');
  const audits = await db('audit_log').where({ target_type: 'invoice', target_id: String(invoiceId) }).where('action', 'like', 'payment.%').orderBy('id').pluck('action');
  return { invoice, payments, audits };
}

describe('card payment of invoices (Redsys redirect + sandbox gateway)', () => {
  it('pays a pending invoice with the test card: invoice and payment paid, email queued, audit rows', async () => {
    const p = await payer();
    const inv = p.invoices[0]!;
    const list = await p.agent.get(`/contratos/${p.contractId}/pagar`).expect(200);
    const text = pageText(list.text);
    expect(text).to.include('Pagar facturas con tarjeta');
    expect(text).to.include(inv.number);
    expect(list.headers['cache-control']).to.include('no-store');

    const { order, gatewayPage } = await startPayment(p, inv.id);
    expect(pageText(gatewayPage)).to.include(inv.number);
    expect(gatewayPage).to.include('action="/sandbox/redsys/realizarPago"');
    expect(gatewayPage).to.include('hx-boost="false"');
    expect(gatewayPage).to.include('Ir a la pasarela de pago');
    expect(gatewayPage).not.to.match(/<script(?![^>]*src=)/);
    const fields = hiddenFields(gatewayPage, '/sandbox/redsys/realizarPago');
    expect(fields.Ds_SignatureVersion).to.equal('HMAC_SHA256_V1');
    const merchantParams = JSON.parse(Buffer.from(fields.Ds_MerchantParameters!, 'base64').toString('utf8')) as Record<string, string>;
    expect(merchantParams).to.include({ DS_MERCHANT_ORDER: order, DS_MERCHANT_AMOUNT: String(inv.totalCents), DS_MERCHANT_CURRENCY: '978', DS_MERCHANT_TRANSACTIONTYPE: '0' });
    expect(merchantParams.DS_MERCHANT_MERCHANTURL).to.match(/\/pagos\/redsys\/notificacion$/);
    expect(merchantParams.DS_MERCHANT_URLOK).to.match(new RegExp(`/pagos/ok\\?order=${order}$`));
    expect(merchantParams.DS_MERCHANT_URLKO).to.match(new RegExp(`/pagos/ko\\?order=${order}$`));
    expect((await state(inv.id)).payments).to.have.length(1);
    expect((await state(inv.id)).payments[0]).to.include({ status: 'pending', amount_cents: inv.totalCents });

    const back = await payAtSandbox(p, gatewayPage);
    expect(back).to.match(new RegExp(`^/pagos/ok\\?order=${order}&Ds_SignatureVersion=`));
    const result = await p.agent.get(back).expect(200);
    expect(pageText(result.text)).to.include('Pago recibido');

    const s = await state(inv.id);
    expect(s.invoice.status).to.equal('paid');
    expect(s.invoice.paid_at).to.be.instanceOf(Date);
    expect(s.payments).to.have.length(1);
    expect(s.payments[0]).to.include({ order_id: order, status: 'paid', response_code: '0000' });
    expect(s.payments[0].authorisation_code).to.match(/^\d{6}$/);
    expect(s.payments[0].notification).to.include({ Ds_Order: order, Ds_Amount: String(inv.totalCents), Ds_Response: '0000' });
    expect(s.audits).to.deep.equal(['payment.started', 'payment.paid']);

    const db = (await testContext()).db.knex;
    const mails = (await mailsTo(db, p.user.email)).filter((m) => m.template === 'payment_received');
    expect(mails).to.have.length(1);
    expect(mails[0]!.subject).to.equal(`Hemos recibido el pago de tu factura ${inv.number}`);
    expect(mails[0]!.text_body).to.include(order);

    const invoices = await p.agent.get(`/contratos/${p.contractId}/facturas`).expect(200);
    const row = invoices.text.split('<tr>').find((r) => r.includes(inv.number))!;
    expect(pageText(row)).to.include('Pagada');
    const after = pageText((await p.agent.get(`/contratos/${p.contractId}/pagar`).expect(200)).text);
    expect(after).to.include(p.invoices[1]!.number);
    expect(after).to.include('Pagado'); // in the recent payments
    expect((await p.agent.get(`/contratos/${p.contractId}/pagar`)).text).not.to.include(`action="/facturas/${inv.id}/pagar"`);
  });

  it('leaves the invoice pending when the card is declined (0190) or the payment cancelled (9915)', async () => {
    const p = await payer();
    const inv = p.invoices[0]!;
    const first = await startPayment(p, inv.id);
    const back = await payAtSandbox(p, first.gatewayPage, { cardNumber: '4000000000000002', expiry: '12/29', cvv: '123' });
    expect(back).to.match(new RegExp(`^/pagos/ko\\?order=${first.order}&`));
    const page = await p.agent.get(back).expect(200);
    expect(pageText(page.text)).to.include('El pago no se ha realizado');
    expect(page.text).to.include(`href="/contratos/${p.contractId}/pagar"`);

    const second = await startPayment(p, inv.id);
    const cancelled = await payAtSandbox(p, second.gatewayPage, {}, 'cancel');
    expect(cancelled).to.match(/^\/pagos\/ko\?/);

    const s = await state(inv.id);
    expect(s.invoice.status).to.equal('pending');
    expect(s.invoice.paid_at).to.equal(null);
    expect(s.payments.map((x) => [x.status, x.response_code])).to.deep.equal([['declined', '0190'], ['declined', '9915']]);
    expect(s.audits).to.deep.equal(['payment.started', 'payment.declined', 'payment.started', 'payment.declined']);
    const db = (await testContext()).db.knex;
    expect((await mailsTo(db, p.user.email)).filter((m) => m.template === 'payment_received')).to.have.length(0);
  });

  it('ignores a replayed notification: nothing changes, no second payment, no second email', async () => {
    const p = await payer();
    const inv = p.invoices[0]!;
    const { gatewayPage } = await startPayment(p, inv.id);
    const back = await payAtSandbox(p, gatewayPage);
    const before = await state(inv.id);
    const db = (await testContext()).db.knex;
    const mailsBefore = (await mailsTo(db, p.user.email)).length;

    const replay = notificationIn(back);
    for (let i = 0; i < 3; i++) {
      const res = await notify(replay);
      expect(res.status).to.equal(200);
      expect(res.text).to.equal('OK');
    }
    const after = await state(inv.id);
    expect(after.invoice.paid_at.getTime()).to.equal(before.invoice.paid_at.getTime());
    expect(after.payments).to.deep.equal(before.payments);
    expect(after.audits).to.deep.equal(['payment.started', 'payment.paid']);
    expect((await mailsTo(db, p.user.email)).length).to.equal(mailsBefore);
  });

  it('marks an invoice paid once when the same notification arrives many times at once', async () => {
    const p = await payer();
    const inv = p.invoices[0]!;
    const { order } = await startPayment(p, inv.id);
    const message = bankNotification(order, inv.totalCents);
    const results = await Promise.all(Array.from({ length: 8 }, () => notify(message)));
    expect(results.map((r) => r.status)).to.deep.equal(Array(8).fill(200));
    const s = await state(inv.id);
    expect(s.invoice.status).to.equal('paid');
    expect(s.audits).to.deep.equal(['payment.started', 'payment.paid']);
    const db = (await testContext()).db.knex;
    expect((await mailsTo(db, p.user.email)).filter((m) => m.template === 'payment_received')).to.have.length(1);
  });

  it('rejects tampered, mis-signed, wrong-amount, wrong-currency and unknown-order notifications, changing nothing', async () => {
    const p = await payer();
    const inv = p.invoices[0]!;
    const { order } = await startPayment(p, inv.id);
    const good = bankNotification(order, inv.totalCents);
    const params = JSON.parse(Buffer.from(good.Ds_MerchantParameters, 'base64').toString('utf8')) as Record<string, string>;
    const tampered = { ...good, Ds_MerchantParameters: Buffer.from(JSON.stringify({ ...params, Ds_Amount: '1' })).toString('base64') };
    const bad: [string, object][] = [
      ['amount changed, signature kept', tampered],
      ['signed with another key', bankNotification(order, inv.totalCents, {}, Buffer.alloc(24, 7).toString('base64'))],
      ['a signed notification of another amount', bankNotification(order, inv.totalCents - 1)],
      ['a signed notification in another currency', bankNotification(order, inv.totalCents, { Ds_Currency: '840' })],
      ['an order that does not exist', bankNotification('0000ZZZZZZZZ', inv.totalCents)],
      ['no signature', { Ds_SignatureVersion: good.Ds_SignatureVersion, Ds_MerchantParameters: good.Ds_MerchantParameters }],
      ['an empty body', {}],
    ];
    for (const [name, body] of bad) {
      const res = await notify(body);
      expect(res.status, name).to.equal(400);
      expect(res.text, name).to.equal('KO');
    }
    let s = await state(inv.id);
    expect(s.invoice.status).to.equal('pending');
    expect(s.payments.map((x) => x.status)).to.deep.equal(['pending']);
    expect(s.audits).to.deep.equal(['payment.started']);

    // the genuine notification still works afterwards
    expect((await notify(good)).status).to.equal(200);
    s = await state(inv.id);
    expect(s.invoice.status).to.equal('paid');
  });

  it('refuses a payment request whose parameters were changed at the sandbox (signature kept)', async () => {
    const p = await payer();
    const inv = p.invoices[0]!;
    const { gatewayPage } = await startPayment(p, inv.id);
    const fields = hiddenFields(gatewayPage, '/sandbox/redsys/realizarPago');
    const params = JSON.parse(Buffer.from(fields.Ds_MerchantParameters!, 'base64').toString('utf8')) as Record<string, string>;
    const changed = Buffer.from(JSON.stringify({ ...params, DS_MERCHANT_AMOUNT: '1' })).toString('base64');
    const res = await p.agent.post('/sandbox/redsys/realizarPago').type('form').send({ ...fields, Ds_MerchantParameters: changed }).expect(400);
    expect(pageText(res.text)).to.include('SIS0042');
    const cardPage = await p.agent.post('/sandbox/redsys/realizarPago').type('form').send(fields).expect(200);
    const paying = await p.agent.post('/sandbox/redsys/pagar').type('form')
      .send({ ...hiddenFields(cardPage.text, '/sandbox/redsys/pagar'), Ds_MerchantParameters: changed, ...TEST_CARD, action: 'pay' }).expect(400);
    expect(pageText(paying.text)).to.include('SIS0042');
    expect((await state(inv.id)).invoice.status).to.equal('pending');
  });

  it('shows card errors next to the fields, keeps what was typed, and notifies nothing', async () => {
    const p = await payer();
    const inv = p.invoices[0]!;
    const { gatewayPage } = await startPayment(p, inv.id);
    const cardPage = await p.agent.post('/sandbox/redsys/realizarPago').type('form').send(hiddenFields(gatewayPage, '/sandbox/redsys/realizarPago')).expect(200);
    const res = await p.agent.post('/sandbox/redsys/pagar').type('form')
      .send({ ...hiddenFields(cardPage.text, '/sandbox/redsys/pagar'), cardNumber: '4548 8100', expiry: '10/26', cvv: '', action: 'pay' }).expect(422);
    const text = pageText(res.text);
    expect(text).to.include('Escribe el número de la tarjeta');
    expect(text).to.include('La tarjeta está caducada');
    expect(text).to.include('Este campo es requerido');
    expect(res.text).to.include('value="4548 8100"');
    expect(res.text).to.include('href="#f-cardNumber"');
    expect(res.text).to.include('aria-invalid="true"');
    expect((await state(inv.id)).payments.map((x) => x.status)).to.deep.equal(['pending']);
  });

  it('shows the result from the database: "Estamos confirmando tu pago" until the notification arrives', async () => {
    const p = await payer();
    const inv = p.invoices[0]!;
    const { order } = await startPayment(p, inv.id);
    const ok = await p.agent.get(`/pagos/ok?order=${order}`).expect(200);
    expect(pageText(ok.text)).to.include('Estamos confirmando tu pago');
    expect(ok.text).to.include(`href="/pagos/ok?order=${order}"`);
    const ko = await p.agent.get(`/pagos/ko?order=${order}`).expect(200);
    expect(pageText(ko.text)).to.include('El pago no se ha completado');
    expect((await state(inv.id)).invoice.status).to.equal('pending');

    await notify(bankNotification(order, inv.totalCents));
    expect(pageText((await p.agent.get(`/pagos/ok?order=${order}`).expect(200)).text)).to.include('Pago recibido');
    // the gateway page of a finished payment goes to its result
    const again = await p.agent.get(`/pagos/${order}/pasarela`).expect(303);
    expect(again.headers.location).to.equal(`/pagos/ok?order=${order}`);
  });

  it('keeps one open order per invoice: the same person continues it, anyone else is refused (409)', async () => {
    const p = await payer();
    const inv = p.invoices[0]!;
    const first = await startPayment(p, inv.id);
    const again = await startPayment(p, inv.id);
    expect(again.order).to.equal(first.order);
    const list = await p.agent.get(`/contratos/${p.contractId}/pagar`).expect(200);
    expect(pageText(list.text)).to.include('Continuar el pago');
    // a second person who may act for the customer cannot start a second charge meanwhile
    const ctx = await testContext();
    const other = await createUser(ctx.db.knex);
    await linkUser(ctx.db.knex, other, { id: p.customerId }, 'authorized_full');
    const agent = await loginAs(request.agent(ctx.app), other.loginId, other.password);
    const page = await agent.get(`/contratos/${p.contractId}/pagar`).expect(200);
    expect(pageText(page.text)).to.include('Pago en curso hasta el');
    const refused = await agent.post(`/facturas/${inv.id}/pagar`).type('form').send({ _csrf: csrfFrom(page.text) }).expect(409);
    expect(pageText(refused.text)).to.include('Ya hay un pago con tarjeta en curso');
    expect((await state(inv.id)).payments.map((x) => x.status)).to.deep.equal(['pending']);
  });

  it('lets an abandoned order expire after PAYMENT_ORDER_MINUTES so the customer can retry, and shows it in Mis gestiones', async () => {
    const p = await payer();
    const inv = p.invoices[0]!;
    const ctx = await testContext();
    const db = ctx.db.knex;
    const first = await startPayment(p, inv.id);
    const minutes = ctx.config.paymentOrderMinutes;
    expect(minutes).to.equal(30);
    // the order was started just under the limit: it still blocks a new one
    await db('payments').where({ order_id: first.order }).update({ created_at: new Date(ctx.clock.now().getTime() - (minutes * 60_000 - 1000)) });
    expect((await startPayment(p, inv.id)).order).to.equal(first.order);
    // past the limit, the next attempt closes it and opens a new order
    await db('payments').where({ order_id: first.order }).update({ created_at: new Date(ctx.clock.now().getTime() - minutes * 60_000) });
    const ko = await p.agent.get(`/pagos/ko?order=${first.order}`).expect(200);
    expect(pageText(ko.text)).to.include('El pago ha caducado');
    const second = await startPayment(p, inv.id);
    expect(second.order).to.not.equal(first.order);
    expect((await state(inv.id)).payments.map((x) => x.status)).to.deep.equal(['expired', 'pending']);
    expect((await state(inv.id)).audits).to.deep.equal(['payment.started', 'payment.expired', 'payment.started']);
    const back = await payAtSandbox(p, second.gatewayPage);
    expect(pageText((await p.agent.get(back).expect(200)).text)).to.include('Pago recibido');

    // Mis gestiones: one card payment per order, with its invoice, order and result
    const list = await p.agent.get('/gestiones?tipo=card_payment').expect(200);
    const text = pageText(list.text);
    expect(text.match(/Pago con tarjeta/g)?.length).to.be.at.least(2);
    const requests = await db('requests').where({ customer_id: p.customerId, type: 'card_payment' }).orderBy('id').select('id', 'status', 'payload');
    expect(requests.map((r) => [r.status, r.payload.order, r.payload.invoice, r.payload.result])).to.deep.equal([
      ['rechazada', first.order, inv.number, 'expired'], ['completada', second.order, inv.number, 'paid'],
    ]);
    const detail = pageText((await p.agent.get(`/gestiones/${requests[1].id}`).expect(200)).text);
    expect(detail).to.include(second.order);
    expect(detail).to.include(inv.number);
    expect(detail).to.include('Pagado');
    expect(detail).to.include('El banco ha confirmado el pago');
    const expired = pageText((await p.agent.get(`/gestiones/${requests[0].id}`).expect(200)).text);
    expect(expired).to.include('Caducado sin cargo');
  });

  it('expires abandoned orders in the background sweep, on the passed-in clock', async () => {
    const p = await payer();
    const inv = p.invoices[0]!;
    const ctx = await testContext();
    const db = ctx.db.knex;
    const { order } = await startPayment(p, inv.id);
    const sweep = () => expireAbandonedPayments({ db, now: ctx.clock.now(), config: ctx.config, actor: null });
    await sweep();
    expect((await state(inv.id)).payments.map((x) => x.status)).to.deep.equal(['pending']);
    await db('payments').where({ order_id: order }).update({ created_at: new Date(ctx.clock.now().getTime() - 31 * 60_000) });
    expect(await sweep()).to.be.at.least(1);
    expect((await state(inv.id)).payments.map((x) => x.status)).to.deep.equal(['expired']);
    const request = await db('requests').where({ customer_id: p.customerId, type: 'card_payment' }).first('status');
    expect(request.status).to.equal('rechazada');
    // the invoice can be paid again: a new order starts
    const retry = await startPayment(p, inv.id);
    expect(retry.order).to.not.equal(order);
  });

  it('records a late charge for an invoice already paid as a duplicate, listed in /admin/reembolsos until a refund is recorded', async () => {
    const p = await payer();
    const inv = p.invoices[0]!;
    const ctx = await testContext();
    const db = ctx.db.knex;
    const first = await startPayment(p, inv.id);
    await db('payments').where({ order_id: first.order }).update({ created_at: new Date(ctx.clock.now().getTime() - 31 * 60_000) });
    const second = await startPayment(p, inv.id);
    expect((await notify(bankNotification(second.order, inv.totalCents))).status).to.equal(200);
    const paidAt = (await state(inv.id)).invoice.paid_at as Date;
    // the bank confirms the abandoned order after all: a second charge
    expect((await notify(bankNotification(first.order, inv.totalCents))).status).to.equal(200);
    const s = await state(inv.id);
    expect(s.payments.map((x) => x.status)).to.deep.equal(['duplicate', 'paid']);
    expect(s.invoice.paid_at.getTime()).to.equal(paidAt.getTime());
    expect(s.audits).to.deep.equal(['payment.started', 'payment.expired', 'payment.started', 'payment.paid', 'payment.duplicate']);
    expect(pageText((await p.agent.get(`/pagos/ok?order=${first.order}`).expect(200)).text)).to.include('Esta factura ya estaba pagada');
    // and the database itself refuses a second paid payment for one invoice
    let error: unknown;
    try {
      await db('payments').where({ order_id: first.order }).update({ status: 'paid' });
    } catch (err) {
      error = err;
    }
    expect((error as { code?: string } | undefined)?.code).to.equal('23505');

    // staff see it among the refunds to make, record the refund once, with an audit row
    const agente = await createStaff(db, { role: 'agente' });
    const staff = await loginStaff(request.agent(ctx.app), agente);
    // the card payment's gestión is moved by its order only, never by hand
    await startPayment(p, p.invoices[1]!.id);
    const cardRequest = await db('requests').where({ customer_id: p.customerId, type: 'card_payment', status: 'recibida' }).first('id');
    const detail = await staff.get(`/admin/gestiones/${cardRequest.id}`).expect(200);
    expect(pageText(detail.text)).to.include('Este pago con tarjeta sigue su pedido en la pasarela');
    expect(detail.text).not.to.include(`action="/admin/gestiones/${cardRequest.id}/estado"`);
    await staff.post(`/admin/gestiones/${cardRequest.id}/estado`).type('form').send({ _csrf: csrfFrom(detail.text), status: 'completada', note: '' }).expect(422);
    const list = await staff.get('/admin/reembolsos').expect(200);
    expect(pageText(list.text)).to.include(first.order);
    const paymentId = (await db('payments').where({ order_id: first.order }).first('id')).id as number;
    const tooLong = await staff.post(`/admin/reembolsos/${paymentId}/hecho`).type('form').send({ _csrf: csrfFrom(list.text), nota: 'x'.repeat(501) }).expect(422);
    expect(tooLong.text).to.include(`href="#f-nota-${paymentId}"`);
    expect(tooLong.text).to.include('aria-invalid="true"');
    const done = await staff.post(`/admin/reembolsos/${paymentId}/hecho`).type('form').send({ _csrf: csrfFrom(list.text), nota: 'Devolución TPV 4471' }).expect(303);
    expect(done.headers.location).to.equal('/admin/reembolsos');
    expect(pageText((await staff.get('/admin/reembolsos').expect(200)).text)).not.to.include(first.order);
    const refunded = pageText((await staff.get('/admin/reembolsos?estado=hechos').expect(200)).text);
    expect(refunded).to.include(first.order);
    expect(refunded).to.include('Devolución TPV 4471');
    await staff.post(`/admin/reembolsos/${paymentId}/hecho`).type('form').send({ _csrf: csrfFrom(list.text) }).expect(303);
    const rows = await db('audit_log').where({ action: 'payment.refunded', target_id: String(inv.id) }).select('actor_type', 'actor_id', 'details');
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ actor_type: 'staff', actor_id: agente.id });
    expect(rows[0].details).to.include({ order: first.order, note: 'Devolución TPV 4471' });
  });

  it('answers 409 for an invoice already paid and for a pending direct debit, creating no payment', async () => {
    const paid = await payer(['2026-08'], { status: 'paid' });
    const list = await paid.agent.get(`/contratos/${paid.contractId}/pagar`).expect(200);
    expect(pageText(list.text)).to.include('No tienes facturas pendientes de pago');
    const res = await paid.agent.post(`/facturas/${paid.invoices[0]!.id}/pagar`).type('form').send({ _csrf: csrfFrom(list.text) }).expect(409);
    expect(pageText(res.text)).to.include('ya está pagada');
    expect((await state(paid.invoices[0]!.id)).payments).to.have.length(0);

    const debit = await payer(['2026-08'], { directDebit: true });
    const page = await debit.agent.get(`/contratos/${debit.contractId}/pagar`).expect(200);
    expect(pageText(page.text)).to.include('Domiciliada');
    expect(page.text).not.to.include(`action="/facturas/${debit.invoices[0]!.id}/pagar"`);
    const refused = await debit.agent.post(`/facturas/${debit.invoices[0]!.id}/pagar`).type('form').send({ _csrf: csrfFrom(page.text) }).expect(409);
    expect(pageText(refused.text)).to.include('está domiciliada');
    expect((await state(debit.invoices[0]!.id)).payments).to.have.length(0);
  });

  it('lets a returned direct debit be paid by card', async () => {
    const p = await payer(['2026-08'], { directDebit: true, status: 'returned' });
    const { order } = await startPayment(p, p.invoices[0]!.id);
    await notify(bankNotification(order, p.invoices[0]!.totalCents));
    expect((await state(p.invoices[0]!.id)).invoice.status).to.equal('paid');
  });

  it("answers 404 for another customer's invoice, contract and payment", async () => {
    const owner = await payer();
    const other = await payer();
    const { order } = await startPayment(owner, owner.invoices[0]!.id);
    const page = await other.agent.get(`/contratos/${other.contractId}/pagar`).expect(200);
    await other.agent.post(`/facturas/${owner.invoices[0]!.id}/pagar`).type('form').send({ _csrf: csrfFrom(page.text) }).expect(404);
    await other.agent.get(`/contratos/${owner.contractId}/pagar`).expect(404);
    await other.agent.get(`/pagos/ok?order=${order}`).expect(404);
    await other.agent.get(`/pagos/${order}/pasarela`).expect(404);
    await other.agent.get('/pagos/ok?order=not-an-order').expect(404);
    expect((await state(owner.invoices[0]!.id)).payments).to.have.length(1);
  });

  it('answers 403 to a read-only contact, who may still see the result of a payment', async () => {
    const owner = await payer();
    const ctx = await testContext();
    const db = ctx.db.knex;
    const reader = await createUser(db);
    await linkUser(db, reader, { id: owner.customerId }, 'authorized_read');
    const agent = await loginAs(request.agent(ctx.app), reader.loginId, reader.password);
    const contract = await agent.get(`/contratos/${owner.contractId}`).expect(200);
    await agent.get(`/contratos/${owner.contractId}/pagar`).expect(403);
    await agent.post(`/facturas/${owner.invoices[0]!.id}/pagar`).type('form').send({ _csrf: csrfFrom(contract.text) }).expect(403);
    expect((await state(owner.invoices[0]!.id)).payments).to.have.length(0);
    const { order } = await startPayment(owner, owner.invoices[0]!.id);
    await agent.get(`/pagos/${order}/pasarela`).expect(403);
    await agent.get(`/pagos/ok?order=${order}`).expect(200);
  });

  it('refuses to start a payment without the CSRF token (403) and sends visitors to log in', async () => {
    const p = await payer();
    const res = await p.agent.post(`/facturas/${p.invoices[0]!.id}/pagar`).type('form').send({}).expect(403);
    expect(res.headers['content-type']).to.match(/text\/html/);
    expect((await state(p.invoices[0]!.id)).payments).to.have.length(0);
    const ctx = await testContext();
    const anon = await request(ctx.app).get('/pagos/ok?order=1234ABCD5678').expect(303);
    expect(anon.headers.location).to.equal('/');
    await request(ctx.app).get(`/contratos/${p.contractId}/pagar`).expect(303);
  });

  it('posts to the real gateway (no sandbox, no CSRF token sent away) when REDSYS_URL is set', async () => {
    const p = await payer();
    const saved = { ...process.env };
    Object.assign(process.env, {
      REDSYS_URL: 'https://sis-t.redsys.es:25443/sis/realizarPago', REDSYS_MERCHANT_CODE: '999008881', REDSYS_TERMINAL: '1', REDSYS_SECRET_KEY: TEST_KEY,
    });
    try {
      const { gatewayPage } = await startPayment(p, p.invoices[0]!.id);
      const fields = hiddenFields(gatewayPage, 'https://sis-t.redsys.es:25443/sis/realizarPago');
      expect(Object.keys(fields).sort()).to.deep.equal(['Ds_MerchantParameters', 'Ds_Signature', 'Ds_SignatureVersion']);
      const res = await p.agent.post('/sandbox/redsys/realizarPago').type('form').send({ ...fields, _csrf: csrfFrom(gatewayPage) });
      expect(res.status).to.equal(404);
      expect((await state(p.invoices[0]!.id)).payments[0]).to.include({ status: 'pending' });
    } finally {
      for (const k of ['REDSYS_URL', 'REDSYS_MERCHANT_CODE', 'REDSYS_TERMINAL', 'REDSYS_SECRET_KEY']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });

  it('speaks Catalan on the pages and in the email', async () => {
    const p = await payer(['2026-07'], { language: 'ca' });
    const db = (await testContext()).db.knex;
    const list = await p.agent.get(`/contratos/${p.contractId}/pagar`).expect(200);
    expect(pageText(list.text)).to.include('Pagar factures amb targeta');
    const { order, gatewayPage } = await startPayment(p, p.invoices[0]!.id);
    expect(pageText(gatewayPage)).to.include('Anar a la passarel·la de pagament');
    const params = JSON.parse(Buffer.from(hiddenFields(gatewayPage, '/sandbox/redsys/realizarPago').Ds_MerchantParameters!, 'base64').toString('utf8')) as Record<string, string>;
    expect(params.DS_MERCHANT_CONSUMERLANGUAGE).to.equal('3');
    await notify(bankNotification(order, p.invoices[0]!.totalCents));
    expect(pageText((await p.agent.get(`/pagos/ok?order=${order}`).expect(200)).text)).to.include('Pagament rebut');
    const mail = (await mailsTo(db, p.user.email)).find((m) => m.template === 'payment_received')!;
    expect(mail.subject).to.equal(`Hem rebut el pagament de la teva factura ${p.invoices[0]!.number}`);
  });
});
