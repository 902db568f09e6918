import crypto from 'node:crypto';
import { expect } from 'chai';
import { createRedsysAPI, SANDBOX_URLS } from 'redsys-easy';
import {
  isOrderAbandoned, orderExpiresAt,
  cardPayability, claimedOrder, formatRedsysAmount, isAuthorised, isValidOrderId, maskCard, orderIdFrom, parseRedsysAmount,
  sandboxCardDecision, signedMessageFrom, verifyNotification, type ExpectedPayment, type NotificationVerdict, type SignedMessage,
} from '../../src/domain/payments';
import { DomainError } from '../../src/domain/errors';
import { gatewayFormOrigin, gatewaySettings, RedsysConfigError, redirectForm, sandboxEnabled, signNotification, verifyMerchantRequest } from '../../src/adapters/redsys';

// Redsys's published test key, and another valid key that is not the merchant's.
const KEY = 'sq7HjrUOBfKmC576ILgskD5srU870gJ7';
const OTHER_KEY = crypto.randomBytes(24).toString('base64');
const ORDER = '1234ABCD5678';

function notification(overrides: Record<string, string> = {}, key = KEY): SignedMessage {
  return signNotification(key, {
    Ds_Date: '20%2F11%2F2026', Ds_Hour: '11%3A00', Ds_SecurePayment: '1', Ds_Amount: '4567', Ds_Currency: '978', Ds_Order: ORDER,
    Ds_MerchantCode: '999008881', Ds_Terminal: '001', Ds_Response: '0000', Ds_TransactionType: '0', Ds_MerchantData: '',
    Ds_AuthorisationCode: '123456', Ds_ConsumerLanguage: '1', ...overrides,
  });
}

/** Replaces the parameters but keeps the signature: what an attacker who edits the form does. */
function tampered(message: SignedMessage, change: Record<string, string>): SignedMessage {
  const params = JSON.parse(Buffer.from(message.Ds_MerchantParameters, 'base64').toString('utf8')) as Record<string, string>;
  return { ...message, Ds_MerchantParameters: Buffer.from(JSON.stringify({ ...params, ...change })).toString('base64') };
}

const expected = (over: Partial<ExpectedPayment> = {}): ExpectedPayment => ({ order: ORDER, amountCents: 4567, currency: '978', alreadyPaid: false, ...over });

const outcome = (v: NotificationVerdict) => (v.outcome === 'rejected' ? `rejected:${v.reason}` : v.outcome);

describe('payment notification verification', () => {
  const cases: [string, SignedMessage, ExpectedPayment, string][] = [
    ['a good, authorised notification', notification(), expected(), 'paid'],
    ['response 0099 is still authorised', notification({ Ds_Response: '0099' }), expected(), 'paid'],
    ['response 0100 is a denial', notification({ Ds_Response: '0100' }), expected(), 'declined'],
    ['response 0190 (denied) is a denial', notification({ Ds_Response: '0190' }), expected(), 'declined'],
    ['response 9915 (cancelled by the user) is a denial', notification({ Ds_Response: '9915' }), expected(), 'declined'],
    ['a missing response code is a denial', notification({ Ds_Response: '' }), expected(), 'declined'],
    ['signed with another key', notification({}, OTHER_KEY), expected(), 'rejected:bad_signature'],
    ['amount changed, signature kept', tampered(notification(), { Ds_Amount: '1' }), expected(), 'rejected:bad_signature'],
    ['response changed to authorised, signature kept', tampered(notification({ Ds_Response: '0190' }), { Ds_Response: '0000' }), expected(), 'rejected:bad_signature'],
    ['an empty signature', { ...notification(), Ds_Signature: 'AAAA' }, expected(), 'rejected:bad_signature'],
    ['an unknown signature version', { ...notification(), Ds_SignatureVersion: 'HMAC_SHA512_V2' }, expected(), 'rejected:bad_signature'],
    ['parameters that are not base64 JSON', { ...notification(), Ds_MerchantParameters: 'not json at all' }, expected(), 'rejected:malformed'],
    ['parameters without an order', { ...notification(), Ds_MerchantParameters: Buffer.from('{"Ds_Amount":"4567"}').toString('base64') }, expected(), 'rejected:malformed'],
    ['a properly signed notification of a wrong amount', notification({ Ds_Amount: '4566' }), expected(), 'rejected:amount_mismatch'],
    ['a properly signed notification of a non-numeric amount', notification({ Ds_Amount: '45.67' }), expected(), 'rejected:amount_mismatch'],
    ['a properly signed notification in dollars', notification({ Ds_Currency: '840' }), expected(), 'rejected:currency_mismatch'],
    ['a notification for another order', notification({ Ds_Order: '9999ZZZZ0000' }), expected(), 'rejected:order_mismatch'],
    ['a replay of the authorised notification', notification(), expected({ alreadyPaid: true }), 'replay'],
    ['a denial arriving after the payment was paid', notification({ Ds_Response: '0190' }), expected({ alreadyPaid: true }), 'replay'],
    ['a replay with a bad signature is still a bad signature', notification({}, OTHER_KEY), expected({ alreadyPaid: true }), 'rejected:bad_signature'],
    ['upper-case field names (DS_ORDER…)', signNotification(KEY, { Ds_Order: ORDER, DS_AMOUNT: '4567', DS_CURRENCY: '978', DS_RESPONSE: '0000' }), expected(), 'paid'],
  ];
  for (const [name, message, exp, want] of cases) {
    it(`${name} → ${want}`, () => expect(outcome(verifyNotification(message, exp, KEY))).to.equal(want));
  }

  it('returns the verified parameters and the authorisation code', () => {
    const v = verifyNotification(notification(), expected(), KEY);
    expect(v.outcome).to.equal('paid');
    if (v.outcome !== 'paid') return;
    expect(v.responseCode).to.equal('0000');
    expect(v.authorisationCode).to.equal('123456');
    expect(v.params.Ds_Order).to.equal(ORDER);
  });

  it('accepts the signature in standard base64 as well as base64url', () => {
    const m = notification();
    const standard = { ...m, Ds_Signature: m.Ds_Signature.replace(/-/g, '+').replace(/_/g, '/') };
    expect(outcome(verifyNotification(standard, expected(), KEY))).to.equal('paid');
  });

  it('reads the claimed order without trusting it, and only a well-formed one', () => {
    expect(claimedOrder(notification())).to.equal(ORDER);
    expect(claimedOrder(notification({ Ds_Order: 'abc' }))).to.equal(null);
    expect(claimedOrder({ ...notification(), Ds_MerchantParameters: '%%%' })).to.equal(null);
  });

  it('takes the three signed fields from a form body and nothing else', () => {
    const m = notification();
    expect(signedMessageFrom({ ...m, extra: 'x' })).to.deep.equal(m);
    expect(signedMessageFrom({ Ds_MerchantParameters: m.Ds_MerchantParameters, Ds_Signature: m.Ds_Signature })).to.equal(null);
    expect(signedMessageFrom({ ...m, Ds_Signature: ['a', 'b'] })).to.equal(null);
    expect(signedMessageFrom(undefined)).to.equal(null);
  });
});

describe('order ids', () => {
  const table: [number[], string][] = [
    [Array(12).fill(0), '000000000000'],
    [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], '0123456789AB'],
    [[19, 255, 10, 7, 35, 36, 71, 255, 100, 200, 250, 251], '9507Z0Z3SKYZ'],
  ];
  for (const [bytes, id] of table) it(`${bytes.join(',')} → ${id}`, () => expect(orderIdFrom(Uint8Array.from(bytes))).to.equal(id));

  it('needs 12 bytes of entropy', () => expect(() => orderIdFrom(new Uint8Array(11))).to.throw());

  it('always gives 12 characters, 4 digits first, accepted by Redsys', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = orderIdFrom(crypto.randomBytes(12));
      expect(id).to.match(/^\d{4}[0-9A-Z]{8}$/);
      expect(isValidOrderId(id)).to.equal(true);
      seen.add(id);
    }
    expect(seen.size).to.equal(2000);
  });

  const valid: [unknown, boolean][] = [
    ['1234ABCD5678', true], ['000000000000', true], ['1234abcd5678', false], ['123ABCD56789', false], ['1234ABCD567', false],
    ['1234ABCD56789', false], ['1234ABCD-678', false], [1234, false], [undefined, false],
  ];
  for (const [v, ok] of valid) it(`${String(v)} is ${ok ? '' : 'not '}a valid order id`, () => expect(isValidOrderId(v)).to.equal(ok));
});

describe('amounts and response codes', () => {
  const fmt: [number, string][] = [[1, '1'], [145, '145'], [12345, '12345'], [100000000, '100000000']];
  for (const [cents, s] of fmt) it(`${cents} cents → '${s}'`, () => expect(formatRedsysAmount(cents)).to.equal(s));
  for (const bad of [0, -5, 1.5, Number.NaN]) {
    it(`refuses to format ${bad}`, () => expect(() => formatRedsysAmount(bad)).to.throw(DomainError).with.property('code', 'invalid_input'));
  }
  const parse: [unknown, number | null][] = [['145', 145], ['0145', 145], ['1.45', null], ['', null], ['-1', null], [145, null], ['1e3', null]];
  for (const [v, n] of parse) it(`parses ${JSON.stringify(v)} → ${n}`, () => expect(parseRedsysAmount(v)).to.equal(n));

  const codes: [unknown, boolean][] = [
    ['0000', true], ['0', true], ['0099', true], ['99', true], ['0100', false], ['0190', false], ['0400', false], ['0900', false],
    ['9915', false], ['', false], ['00a0', false], [0, false], [undefined, false],
  ];
  for (const [c, ok] of codes) it(`Ds_Response ${JSON.stringify(c)} is ${ok ? 'authorised' : 'not authorised'}`, () => expect(isAuthorised(c)).to.equal(ok));
});

describe('which invoices can be paid by card', () => {
  const cutoff = '2021-11-20';
  const table: [string, Parameters<typeof cardPayability>[0], string][] = [
    ['pending, paid by transfer', { status: 'pending', paymentMethod: 'transfer', issueDate: '2026-10-01' }, 'payable'],
    ['returned by the bank', { status: 'returned', paymentMethod: 'direct_debit', issueDate: '2026-10-01' }, 'payable'],
    ['returned, paid by transfer', { status: 'returned', paymentMethod: 'transfer', issueDate: '2026-10-01' }, 'payable'],
    ['pending on direct debit (the bank will charge it)', { status: 'pending', paymentMethod: 'direct_debit', issueDate: '2026-10-01' }, 'direct_debit_scheduled'],
    ['already paid', { status: 'paid', paymentMethod: 'transfer', issueDate: '2026-10-01' }, 'paid'],
    ['older than five years', { status: 'pending', paymentMethod: 'transfer', issueDate: '2021-11-19' }, 'unavailable'],
    ['exactly five years old', { status: 'pending', paymentMethod: 'transfer', issueDate: '2021-11-20' }, 'payable'],
  ];
  for (const [name, input, want] of table) {
    it(`${name} → ${want}`, () => {
      const p = cardPayability(input, cutoff);
      expect(p.payable ? 'payable' : p.reason).to.equal(want);
    });
  }
});

describe('sandbox bank card check', () => {
  const now = new Date('2026-11-20T10:00:00Z');
  const table: [string, { cardNumber: string; expiry: string; cvv: string }, string][] = [
    ['the test card', { cardNumber: '4548810000000003', expiry: '12/29', cvv: '123' }, '0000'],
    ['the test card written with spaces', { cardNumber: '4548 8100 0000 0003', expiry: '12/29', cvv: '123' }, '0000'],
    ['the test card expiring this month', { cardNumber: '4548810000000003', expiry: '11/26', cvv: '123' }, '0000'],
    ['expiry without slash', { cardNumber: '4548810000000003', expiry: '1229', cvv: '123' }, '0000'],
    ['the test card with another CVV', { cardNumber: '4548810000000003', expiry: '12/29', cvv: '999' }, '0190'],
    ['another card', { cardNumber: '4000000000000002', expiry: '12/29', cvv: '123' }, '0190'],
    ['an expired card', { cardNumber: '4548810000000003', expiry: '10/26', cvv: '123' }, 'expiry:expired'],
    ['month 13', { cardNumber: '4548810000000003', expiry: '13/27', cvv: '123' }, 'expiry:expiry'],
    ['letters in the number', { cardNumber: '4548abcd', expiry: '12/29', cvv: '123' }, 'cardNumber:cardNumber'],
    ['a short number', { cardNumber: '454881000000', expiry: '12/29', cvv: '123' }, 'cardNumber:cardNumber'],
    ['a 2-digit CVV', { cardNumber: '4548810000000003', expiry: '12/29', cvv: '12' }, 'cvv:cvv'],
    ['nothing typed', { cardNumber: '', expiry: '', cvv: '' }, 'cardNumber:required,expiry:required,cvv:required'],
  ];
  for (const [name, input, want] of table) {
    it(`${name} → ${want}`, () => {
      const d = sandboxCardDecision(input, now);
      expect(d.ok ? d.responseCode : Object.entries(d.errors).map(([f, e]) => `${f}:${e}`).join(',')).to.equal(want);
    });
  }
  it('gives the expiry as YYMM and masks the number', () => {
    const d = sandboxCardDecision({ cardNumber: '4548810000000003', expiry: '12/29', cvv: '123' }, now);
    expect(d.ok && d.expiry).to.equal('2912');
    expect(maskCard('4548810000000003')).to.equal('454881******0003');
  });
});

describe('Redsys gateway settings and signatures', () => {
  it('uses the sandbox without REDSYS_URL outside production only when asked for, and nothing in production', () => {
    expect(gatewaySettings(false, {})).to.deep.equal({ mode: 'off' });
    expect(sandboxEnabled(false, {})).to.equal(false);
    expect(gatewaySettings(true, { SANDBOX_GATEWAY: '1' })).to.deep.equal({ mode: 'off' });
    const s = gatewaySettings(false, { SANDBOX_GATEWAY: '1' });
    expect(s).to.include({ mode: 'sandbox', url: '/sandbox/redsys/realizarPago', merchantCode: '999008881', terminal: '1', currency: '978' });
    expect(gatewaySettings(true, {})).to.deep.equal({ mode: 'off' });
    expect(sandboxEnabled(false, { SANDBOX_GATEWAY: '1' })).to.equal(true);
    expect(sandboxEnabled(true, { SANDBOX_GATEWAY: '1' })).to.equal(false);
    expect(sandboxEnabled(false, { REDSYS_URL: 'https://sis-t.redsys.es:25443/sis/realizarPago' })).to.equal(false);
  });

  it('uses a real gateway with its settings, and refuses incomplete ones', () => {
    const env = { REDSYS_URL: 'https://sis-t.redsys.es:25443/sis/realizarPago', REDSYS_MERCHANT_CODE: '123456789', REDSYS_SECRET_KEY: OTHER_KEY };
    expect(gatewaySettings(true, env)).to.deep.equal({ mode: 'redsys', url: env.REDSYS_URL, merchantCode: '123456789', terminal: '1', secretKey: OTHER_KEY, currency: '978' });
    expect(gatewaySettings(true, { ...env, REDSYS_TERMINAL: '2', REDSYS_CURRENCY: '840' })).to.include({ terminal: '2', currency: '840' });
    expect(gatewayFormOrigin(env)).to.equal('https://sis-t.redsys.es:25443');
    expect(gatewayFormOrigin({})).to.equal(null);
    expect(() => gatewaySettings(true, { ...env, REDSYS_SECRET_KEY: '' })).to.throw(RedsysConfigError, /REDSYS_SECRET_KEY/);
    expect(() => gatewaySettings(true, { ...env, REDSYS_SECRET_KEY: 'c2hvcnQ=' })).to.throw(RedsysConfigError, /24 bytes/);
    expect(() => gatewaySettings(true, { ...env, REDSYS_MERCHANT_CODE: '' })).to.throw(RedsysConfigError, /REDSYS_MERCHANT_CODE/);
    expect(() => gatewaySettings(true, { ...env, REDSYS_URL: 'http://sis.redsys.es/sis/realizarPago' })).to.throw(RedsysConfigError, /https/);
    expect(() => gatewaySettings(true, { ...env, REDSYS_CURRENCY: 'EUR' })).to.throw(RedsysConfigError, /REDSYS_CURRENCY/);
  });

  it("builds the merchant's signed form with redsys-easy, which the sandbox bank verifies", () => {
    const s = gatewaySettings(false, { SANDBOX_GATEWAY: '1' });
    if (s.mode === 'off') throw new Error('unreachable');
    const form = redirectForm(s, {
      order: ORDER, amountCents: 4567, description: 'Factura FE0000000001', merchantName: 'Enerlia', language: 'ca',
      notificationUrl: 'https://area.example/pagos/redsys/notificacion', urlOk: 'https://area.example/pagos/ok?order=1', urlKo: 'https://area.example/pagos/ko?order=1',
    });
    expect(form.url).to.equal('/sandbox/redsys/realizarPago');
    expect(form.body.Ds_SignatureVersion).to.equal('HMAC_SHA256_V1');
    const params = JSON.parse(Buffer.from(form.body.Ds_MerchantParameters, 'base64').toString('utf8')) as Record<string, string>;
    expect(params).to.include({ DS_MERCHANT_ORDER: ORDER, DS_MERCHANT_AMOUNT: '4567', DS_MERCHANT_CURRENCY: '978', DS_MERCHANT_CONSUMERLANGUAGE: '3', DS_MERCHANT_TRANSACTIONTYPE: '0' });
    expect(verifyMerchantRequest(KEY, form.body)).to.include({ DS_MERCHANT_ORDER: ORDER, DS_MERCHANT_URLOK: 'https://area.example/pagos/ok?order=1' });
    expect(verifyMerchantRequest(OTHER_KEY, form.body)).to.equal(null);
    expect(verifyMerchantRequest(KEY, tampered(form.body, { DS_MERCHANT_AMOUNT: '1' }))).to.equal(null);
  });

  it("signs notifications that redsys-easy's own merchant API accepts", () => {
    const api = createRedsysAPI({ secretKey: KEY, urls: SANDBOX_URLS });
    const params = api.processRedirectNotification(notification());
    expect(params).to.include({ Ds_Order: ORDER, Ds_Amount: '4567', Ds_Response: '0000', Ds_Date: '20/11/2026', Ds_Hour: '11:00' });
    expect(() => api.processRedirectNotification(notification({}, OTHER_KEY))).to.throw();
  });
});

describe('abandoned card-payment orders', () => {
  const start = new Date('2026-11-20T10:00:00Z');
  for (const [minutesLater, abandoned] of [[0, false], [29, false], [29.99, false], [30, true], [31, true], [600, true]] as const) {
    it(`${minutesLater} min after the start of a 30-minute order: ${abandoned ? 'abandoned' : 'still open'}`, () => {
      expect(isOrderAbandoned(start, new Date(start.getTime() + minutesLater * 60_000), 30)).to.equal(abandoned);
    });
  }
  it('says when an order stops blocking a new one', () => {
    expect(orderExpiresAt(start, 30).toISOString()).to.equal('2026-11-20T10:30:00.000Z');
  });
});
