/**
 * Gestiones on the contract account: direct debit / IBAN (with its confirmation step), payment
 * day for businesses, correspondence address. Each happy path, each bad input, and the guard.
 */
import { expect } from 'chai';
import request from 'supertest';
import type { Knex } from 'knex';
import { testContext, type TestContext } from '../support/context';
import {
  createContractAccount, createCustomer, createHousehold, createSupply, createUser, csrfFrom, linkUser, loginAs, mailsTo, pageText,
  type Agent, type HouseholdFixture,
} from '../support/factories';
import { formatIban, maskIban } from '../../src/domain/ids';
import { fieldError, formTokenOf, inputValue, requestIdFrom } from '../support/pages';

const NEW_IBAN = 'ES7921000813610123456789';
const GERMAN_IBAN = 'DE89370400440532013000';

interface Business {
  agent: Agent;
  user: Awaited<ReturnType<typeof createUser>>;
  customer: Awaited<ReturnType<typeof createCustomer>>;
  account: Awaited<ReturnType<typeof createContractAccount>>;
  contractId: number;
  otherContractId: number;
}

async function household(ctx: TestContext): Promise<HouseholdFixture & { agent: Agent }> {
  const h = await createHousehold(ctx.db.knex);
  const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
  return { ...h, agent };
}

/** A company (or community) with a representative, two supplies on one account paying on day 5. */
async function business(ctx: TestContext, kind: 'company' | 'community' = 'company', paymentDay: number | null = 5): Promise<Business> {
  const db = ctx.db.knex;
  const user = await createUser(db);
  const customer = await createCustomer(db, { kind, representativeNif: user.loginId });
  const account = await createContractAccount(db, customer, { paymentDay });
  const a = await createSupply(db, account, { street: 'Calle de Sueca' });
  const b = await createSupply(db, account, { street: 'Calle de la Industria' });
  await linkUser(db, user, customer, 'representative');
  const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
  return { agent, user, customer, account, contractId: a.contractId, otherContractId: b.contractId };
}

async function accountRow(db: Knex, id: number) {
  return db('contract_accounts').where({ id }).first();
}

async function requestCount(db: Knex, customerId: number): Promise<number> {
  const r = await db('requests').where({ customer_id: customerId }).count<{ count: string }[]>('* as count').first();
  return Number(r?.count ?? 0);
}





describe('gestiones: direct debit and IBAN', () => {
  let ctx: TestContext;
  let db: Knex;
  before(async () => {
    ctx = await testContext();
    db = ctx.db.knex;
  });

  it('shows the current account masked, the mandate text and which contracts the change reaches', async () => {
    const b = await business(ctx);
    const res = await b.agent.get(`/contratos/${b.contractId}/domiciliacion`).expect(200);
    const text = pageText(res.text);
    expect(text).to.include(`Las facturas se cargan en la cuenta ${maskIban(b.account.iban!)}`);
    expect(res.text).not.to.include(b.account.iban!);
    expect(text).to.include(`cuenta contrato ${b.account.number}`);
    expect(text).to.include('a todos sus contratos (2)');
    expect(text).to.include('Calle de Sueca').and.to.include('Calle de la Industria');
    expect(text).to.include('Enerlia Comercializadora, S.L.');
    expect(text).to.include('ES11ZZZB12345674');
    expect(text).to.include('CORE');
    expect(text).to.include('Recurrente');
    expect(text).to.include('dentro de las ocho semanas');
    expect(res.headers['cache-control']).to.equal('no-store');
  });

  it('says "sin domiciliar" for an account paid by transfer', async () => {
    const h = await household(ctx);
    await db('contract_accounts').where({ id: h.account.id }).update({ iban: null, iban_holder: null, direct_debit: false, mandate_ref: null, mandate_signed_at: null });
    const res = await h.agent.get(`/contratos/${h.supply.contractId}/domiciliacion`).expect(200);
    expect(pageText(res.text)).to.include('Sin domiciliar');
  });

  it('validates, asks for confirmation without saving, then applies the change to the contract account in one go', async () => {
    const b = await business(ctx);
    const before = await accountRow(db, b.account.id);
    const path = `/contratos/${b.contractId}/domiciliacion`;
    const token = await formTokenOf(b.agent, path);
    const step1 = await b.agent.post(path).type('form').send({ _csrf: token, iban: ' es79 2100-0813 6101 2345 6789 ', holder: '  Panadería   Ruiz S.L.', mandate: '1' }).expect(200);
    const text1 = pageText(step1.text);
    expect(text1).to.include('Confirma la domiciliación');
    expect(text1).to.include(maskIban(NEW_IBAN));
    expect(text1).to.include('Panadería Ruiz S.L.');
    expect(text1).to.include('ES11ZZZB12345674');
    expect(step1.text).to.include(`<input type="hidden" name="iban" value="${NEW_IBAN}">`);
    expect(step1.headers['cache-control']).to.equal('no-store');
    // nothing saved yet
    expect(await accountRow(db, b.account.id)).to.deep.equal(before);
    expect(await requestCount(db, b.customer.id)).to.equal(0);

    const confirm = await b.agent.post(`${path}/confirmar`).type('form')
      .send({ _csrf: csrfFrom(step1.text), iban: NEW_IBAN, holder: 'Panadería Ruiz S.L.', mandate: '1', action: 'confirm' }).expect(303);
    const requestId = requestIdFrom(confirm.headers.location);

    const after = await accountRow(db, b.account.id);
    expect(after.iban).to.equal(NEW_IBAN);
    expect(after.iban_holder).to.equal('Panadería Ruiz S.L.');
    expect(after.direct_debit).to.equal(true);
    expect(after.mandate_ref).to.equal(`ENL-${b.account.number}-${ctx.clock.now().toISOString().replace(/\D/g, '').slice(0, 14)}-01`);
    expect(new Date(after.mandate_signed_at).getTime()).to.equal(ctx.clock.now().getTime());

    const r = await db('requests').where({ id: requestId }).first();
    expect(r.type).to.equal('direct_debit');
    expect(r.status).to.equal('completada');
    expect(r.customer_id).to.equal(b.customer.id);
    expect(r.contract_id).to.equal(b.contractId);
    expect(r.payload).to.deep.equal({ contractAccount: b.account.number, maskedIban: maskIban(NEW_IBAN), holder: 'Panadería Ruiz S.L.', mandateReference: after.mandate_ref });
    const events = await db('request_events').where({ request_id: requestId }).orderBy('id').select('kind', 'status', 'note');
    expect(events.map((e) => e.status)).to.deep.equal(['recibida', 'completada']);
    expect(events[1].note).to.include(maskIban(NEW_IBAN));

    const audits = await db('audit_log').where({ target_type: 'request', target_id: String(requestId) }).select('action', 'actor_id', 'customer_id', 'details');
    expect(audits).to.have.length(1);
    expect(audits[0]).to.include({ action: 'request.direct_debit', customer_id: b.customer.id, actor_id: b.user.id });

    const mails = await mailsTo(db, b.user.email);
    expect(mails.map((m) => m.template)).to.deep.equal(['request_created', 'direct_debit_changed']);
    const notice = mails[1]!;
    expect(notice.text_body).to.include(maskIban(NEW_IBAN));
    expect(notice.text_body).to.include(after.mandate_ref);
    expect(notice.text_body).to.include('ES11ZZZB12345674');
    expect(notice.text_body).to.include(b.account.number);

    // the full IBAN is nowhere but in the contract account
    const everywhere = [
      JSON.stringify(r.payload), ...events.map((e) => e.note ?? ''), ...audits.map((a) => JSON.stringify(a.details)),
      ...mails.flatMap((m) => [m.subject, m.text_body, m.html_body]),
    ].join('\n');
    for (const form of [NEW_IBAN, formatIban(NEW_IBAN), NEW_IBAN.slice(4, -4)]) expect(everywhere).not.to.include(form);

    const detail = await b.agent.get(confirm.headers.location!).expect(200);
    const detailText = pageText(detail.text);
    expect(detailText).to.include(`Hemos domiciliado la cuenta contrato en ${maskIban(NEW_IBAN)}`);
    expect(detailText).to.include('Domiciliación y cuenta bancaria');
    expect(detailText).to.include('Completada');
    expect(detailText).to.include(`Cuenta bancaria (IBAN) ${maskIban(NEW_IBAN)}`);
    expect(detailText).to.include(`Referencia del mandato SEPA ${after.mandate_ref}`);
    expect(detail.text).not.to.include(NEW_IBAN);

    // applies to every contract of the account (after the detail page: it shows the message once)
    const other = await b.agent.get(`/contratos/${b.otherContractId}`).expect(200);
    expect(pageText(other.text)).to.include(`Domiciliación bancaria en ${maskIban(NEW_IBAN)}`);

  });

  it('accepts another SEPA country and gives every change its own mandate reference', async () => {
    const h = await household(ctx);
    const path = `/contratos/${h.supply.contractId}/domiciliacion`;
    const refs: string[] = [];
    for (const iban of [GERMAN_IBAN, NEW_IBAN]) {
      const token = await formTokenOf(h.agent, path);
      await h.agent.post(`${path}/confirmar`).type('form').send({ _csrf: token, iban, holder: 'María García', mandate: '1' }).expect(303);
      const row = await accountRow(db, h.account.id);
      expect(row.iban).to.equal(iban);
      refs.push(row.mandate_ref);
    }
    expect(refs[0]).not.to.equal(refs[1]);
    expect(refs.every((r) => r.length <= 35)).to.equal(true);
  });

  const BAD: { name: string; body: Record<string, string>; field: string; message: string; kept?: [string, string] }[] = [
    { name: 'an empty IBAN', body: { iban: '', holder: 'Ana Pérez', mandate: '1' }, field: 'iban', message: 'Este campo es requerido' },
    { name: 'bad check digits', body: { iban: 'ES92 2100 0418 4502 0005 1332', holder: 'Ana Pérez', mandate: '1' }, field: 'iban', message: 'El IBAN no es correcto', kept: ['iban', 'ES92 2100 0418 4502 0005 1332'] },
    { name: 'a non-SEPA IBAN', body: { iban: 'BR1800360305000010009795493C1', holder: 'Ana Pérez', mandate: '1' }, field: 'iban', message: 'zona SEPA', kept: ['iban', 'BR1800360305000010009795493C1'] },
    { name: 'no holder', body: { iban: NEW_IBAN, holder: ' ', mandate: '1' }, field: 'holder', message: 'Este campo es requerido', kept: ['iban', NEW_IBAN] },
    { name: 'the mandate not accepted', body: { iban: NEW_IBAN, holder: 'Ana Pérez' }, field: 'mandate', message: 'tienes que aceptar la orden de domiciliación SEPA', kept: ['holder', 'Ana Pérez'] },
  ];
  for (const bad of BAD) {
    it(`refuses ${bad.name}: 422, the error by the field, input kept, nothing saved`, async () => {
      const h = await household(ctx);
      const before = await accountRow(db, h.account.id);
      const path = `/contratos/${h.supply.contractId}/domiciliacion`;
      const res = await h.agent.post(path).type('form').send({ _csrf: await formTokenOf(h.agent, path), ...bad.body }).expect(422);
      expect(fieldError(res.text, bad.field)).to.include(bad.message);
      expect(res.text).to.include(`href="#f-${bad.field}"`);
      if (bad.kept) expect(inputValue(res.text, bad.kept[0])).to.equal(bad.kept[1]);
      expect(pageText(res.text)).not.to.include('Confirma la domiciliación');
      expect(await accountRow(db, h.account.id)).to.deep.equal(before);
      expect(await requestCount(db, h.customer.id)).to.equal(0);
    });
  }

  it('keeps the mandate box ticked when another field is wrong', async () => {
    const h = await household(ctx);
    const path = `/contratos/${h.supply.contractId}/domiciliacion`;
    const res = await h.agent.post(path).type('form').send({ _csrf: await formTokenOf(h.agent, path), iban: 'ES00', holder: 'Ana', mandate: '1' }).expect(422);
    expect(res.text).to.match(/id="f-mandate" name="mandate" value="1" checked/);
  });

  const TAMPERED: { name: string; body: Record<string, string>; field: string }[] = [
    { name: 'an IBAN with bad check digits', body: { iban: 'ES7921000813610123456788', holder: 'Ana Pérez', mandate: '1' }, field: 'iban' },
    { name: 'a non-SEPA IBAN', body: { iban: 'TR330006100519786457841326', holder: 'Ana Pérez', mandate: '1' }, field: 'iban' },
    { name: 'an empty holder', body: { iban: NEW_IBAN, holder: '', mandate: '1' }, field: 'holder' },
    { name: 'the mandate acceptance removed', body: { iban: NEW_IBAN, holder: 'Ana Pérez' }, field: 'mandate' },
    { name: 'the mandate acceptance forged', body: { iban: NEW_IBAN, holder: 'Ana Pérez', mandate: 'no' }, field: 'mandate' },
  ];
  for (const t of TAMPERED) {
    it(`checks the hidden fields again on confirming: ${t.name} → 422, nothing saved`, async () => {
      const h = await household(ctx);
      const before = await accountRow(db, h.account.id);
      const path = `/contratos/${h.supply.contractId}/domiciliacion`;
      const res = await h.agent.post(`${path}/confirmar`).type('form').send({ _csrf: await formTokenOf(h.agent, path), ...t.body, action: 'confirm' }).expect(422);
      expect(fieldError(res.text, t.field)).to.be.a('string');
      expect(await accountRow(db, h.account.id)).to.deep.equal(before);
      expect(await requestCount(db, h.customer.id)).to.equal(0);
      expect(await mailsTo(db, h.user.email)).to.have.length(0);
    });
  }

  it('goes back to the form with the values to correct them', async () => {
    const h = await household(ctx);
    const before = await accountRow(db, h.account.id);
    const path = `/contratos/${h.supply.contractId}/domiciliacion`;
    const res = await h.agent.post(`${path}/confirmar`).type('form')
      .send({ _csrf: await formTokenOf(h.agent, path), iban: NEW_IBAN, holder: 'Ana Pérez', mandate: '1', action: 'edit' }).expect(200);
    expect(inputValue(res.text, 'iban')).to.equal(NEW_IBAN);
    expect(inputValue(res.text, 'holder')).to.equal('Ana Pérez');
    expect(await accountRow(db, h.account.id)).to.deep.equal(before);
  });
});

describe('gestiones: payment day', () => {
  let ctx: TestContext;
  let db: Knex;
  before(async () => {
    ctx = await testContext();
    db = ctx.db.knex;
  });

  it('shows the current day and the due date each day would give an invoice issued today', async () => {
    const b = await business(ctx);
    const res = await b.agent.get(`/contratos/${b.contractId}/dia-pago`).expect(200);
    const text = pageText(res.text);
    expect(text).to.include('Pagas tus facturas el día 5 de cada mes');
    // the test clock says 2026-11-20: at least 15 days to pay, so day 5 → 5 December, day 4 → 4 January
    expect(text).to.include('Una factura emitida hoy vencería el 05/12/2026');
    expect(text).to.include('Día 15 · vencería el 15/12/2026');
    expect(text).to.include('Día 4 · vencería el 04/01/2027');
    expect(text).to.include('a las facturas que se emitan a partir de ahora');
    expect(text).to.include('a todos sus contratos (2)');
    expect([...res.text.matchAll(/<option value="\d+"/g)]).to.have.length(28);
  });

  it('saves the new day on the contract account, completed at once, with audit and email', async () => {
    const b = await business(ctx);
    const path = `/contratos/${b.contractId}/dia-pago`;
    const res = await b.agent.post(path).type('form').send({ _csrf: await formTokenOf(b.agent, path), paymentDay: '15' }).expect(303);
    const requestId = requestIdFrom(res.headers.location);
    expect((await accountRow(db, b.account.id)).payment_day).to.equal(15);
    const r = await db('requests').where({ id: requestId }).first();
    expect(r).to.include({ type: 'payment_day', status: 'completada', customer_id: b.customer.id, contract_id: b.contractId });
    expect(r.payload).to.deep.equal({ contractAccount: b.account.number, paymentDay: 15, previousPaymentDay: 5 });
    expect(await db('audit_log').where({ action: 'request.payment_day', target_id: String(requestId) }).first()).to.include({ actor_id: b.user.id, customer_id: b.customer.id });
    const mails = await mailsTo(db, b.user.email);
    expect(mails.map((m) => m.template)).to.deep.equal(['request_created']);
    expect(mails[0]!.subject).to.include('Día de pago');
    const detail = pageText((await b.agent.get(res.headers.location!).expect(200)).text);
    expect(detail).to.include('pagarás las nuevas facturas el día 15 de cada mes (una factura emitida hoy vencería el 15/12/2026)');
    expect(detail).to.include('Día de pago 15');
    // both contracts of the account show it
    const other = pageText((await b.agent.get(`/contratos/${b.otherContractId}`).expect(200)).text);
    expect(other).to.include('Día 15 de cada mes');
  });

  it('works for a community of owners without a day yet', async () => {
    const b = await business(ctx, 'community', null);
    const path = `/contratos/${b.contractId}/dia-pago`;
    const page = await b.agent.get(path).expect(200);
    expect(pageText(page.text)).to.include('No has elegido día de pago: cada factura vence 15 días después de su emisión');
    await b.agent.post(path).type('form').send({ _csrf: csrfFrom(page.text), paymentDay: '28' }).expect(303);
    expect((await accountRow(db, b.account.id)).payment_day).to.equal(28);
  });

  const BAD: [string, string, string][] = [
    ['', 'Elige un día de pago', ''],
    ['0', 'entre el 1 y el 28', '0'],
    ['29', 'entre el 1 y el 28', '29'],
    ['31', 'entre el 1 y el 28', '31'],
    ['abc', 'Elige un día de pago de la lista', 'abc'],
    ['5', 'Ya pagas el día 5: elige un día distinto', '5'],
  ];
  for (const [value, message, selected] of BAD) {
    it(`refuses ${JSON.stringify(value)}: 422, the error by the field, nothing saved`, async () => {
      const b = await business(ctx);
      const path = `/contratos/${b.contractId}/dia-pago`;
      const res = await b.agent.post(path).type('form').send({ _csrf: await formTokenOf(b.agent, path), paymentDay: value }).expect(422);
      expect(fieldError(res.text, 'paymentDay')).to.include(message);
      expect(res.text).to.include('href="#f-paymentDay"');
      if (['5'].includes(selected)) expect(res.text).to.match(new RegExp(`<option value="${selected}" selected>`));
      expect((await accountRow(db, b.account.id)).payment_day).to.equal(5);
      expect(await requestCount(db, b.customer.id)).to.equal(0);
    });
  }

  it('does not exist for households (404), page and form alike', async () => {
    const h = await household(ctx);
    const path = `/contratos/${h.supply.contractId}/dia-pago`;
    const page = await h.agent.get(path).expect(404);
    expect(pageText(page.text)).to.include('No encontramos esta página');
    const token = await formTokenOf(h.agent, `/contratos/${h.supply.contractId}/correspondencia`);
    await h.agent.post(path).type('form').send({ _csrf: token, paymentDay: '10' }).expect(404);
    expect((await accountRow(db, h.account.id)).payment_day).to.equal(null);
    expect(await requestCount(db, h.customer.id)).to.equal(0);
    // and the contract page does not offer it
    const contract = await h.agent.get(`/contratos/${h.supply.contractId}`).expect(200);
    expect(contract.text).not.to.include('/dia-pago"');
  });
});

describe('gestiones: correspondence address', () => {
  let ctx: TestContext;
  let db: Knex;
  before(async () => {
    ctx = await testContext();
    db = ctx.db.knex;
  });

  const GOOD = { street: 'Calle del Mar', number: '7', floorDoor: 'Bajo', postalCode: '03700', municipality: 'Dénia', province: 'Alicante' };

  it('says letters go to the billing address until one is set, and lists the 52 provinces', async () => {
    const h = await household(ctx);
    const res = await h.agent.get(`/contratos/${h.supply.contractId}/correspondencia`).expect(200);
    expect(pageText(res.text)).to.include('te escribimos a la dirección de facturación, Calle de Colón 12, 2º 1ª, 46004 València (Valencia)');
    expect(pageText(res.text)).to.include('a su contrato');
    expect([...res.text.matchAll(/<option value="[^"]+"/g)]).to.have.length(52);
  });

  it('saves the address on the contract account, completed at once, with audit and email', async () => {
    const h = await household(ctx);
    const path = `/contratos/${h.supply.contractId}/correspondencia`;
    const res = await h.agent.post(path).type('form').send({ _csrf: await formTokenOf(h.agent, path), ...GOOD, street: ' Calle  del Mar ' }).expect(303);
    const requestId = requestIdFrom(res.headers.location);
    const row = await accountRow(db, h.account.id);
    expect(row).to.include({ corr_street: 'Calle del Mar', corr_number: '7', corr_floor_door: 'Bajo', corr_postal_code: '03700', corr_municipality: 'Dénia', corr_province: 'Alicante' });
    const r = await db('requests').where({ id: requestId }).first();
    expect(r).to.include({ type: 'correspondence_address', status: 'completada' });
    expect(r.payload).to.deep.equal({ contractAccount: h.account.number, address: 'Calle del Mar 7, Bajo, 03700 Dénia (Alicante)' });
    expect(await db('audit_log').where({ action: 'request.correspondence_address', target_id: String(requestId) }).first()).to.include({ actor_id: h.user.id });
    expect((await mailsTo(db, h.user.email)).map((m) => m.template)).to.deep.equal(['request_created']);
    const detail = pageText((await h.agent.get(res.headers.location!).expect(200)).text);
    expect(detail).to.include('Hemos cambiado la dirección de correspondencia');
    expect(detail).to.include('Dirección de correspondencia Calle del Mar 7, Bajo, 03700 Dénia (Alicante)');
    const again = await h.agent.get(path).expect(200);
    expect(pageText(again.text)).to.include('Te enviamos la correspondencia a: Calle del Mar 7, Bajo, 03700 Dénia (Alicante)');
    expect(inputValue(again.text, 'street')).to.equal('Calle del Mar');
    expect(again.text).to.include('<option value="Alicante" selected>');
  });

  const BAD: { name: string; change: Record<string, string>; field: string; message: string }[] = [
    { name: 'a postal code of another province', change: { postalCode: '28001', province: 'Valencia' }, field: 'postalCode', message: 'El código postal 28001 es de la provincia de Madrid, no de Valencia' },
    { name: 'no street', change: { street: '' }, field: 'street', message: 'Este campo es requerido' },
    { name: 'no number', change: { number: '' }, field: 'number', message: 'Este campo es requerido' },
    { name: 'a 4-digit postal code', change: { postalCode: '3700' }, field: 'postalCode', message: 'tiene 5 dígitos' },
    { name: 'a postal code 53', change: { postalCode: '53001' }, field: 'postalCode', message: 'no existe' },
    { name: 'no municipality', change: { municipality: '' }, field: 'municipality', message: 'Este campo es requerido' },
    { name: 'no province', change: { province: '' }, field: 'province', message: 'Este campo es requerido' },
    { name: 'an unknown province', change: { province: 'Atlántida' }, field: 'province', message: 'Elige una provincia de la lista' },
    { name: 'a street too long', change: { street: 'x'.repeat(151) }, field: 'street', message: 'como máximo 150 caracteres' },
  ];
  for (const bad of BAD) {
    it(`refuses ${bad.name}: 422, the error by the field, input kept, nothing saved`, async () => {
      const h = await household(ctx);
      const path = `/contratos/${h.supply.contractId}/correspondencia`;
      const body = { ...GOOD, ...bad.change };
      const res = await h.agent.post(path).type('form').send({ _csrf: await formTokenOf(h.agent, path), ...body }).expect(422);
      expect(fieldError(res.text, bad.field)).to.include(bad.message);
      expect(res.text).to.include(`href="#f-${bad.field}"`);
      expect(inputValue(res.text, 'municipality')).to.equal(body.municipality);
      if (bad.field !== 'postalCode') expect(inputValue(res.text, 'postalCode')).to.equal(body.postalCode);
      else expect(inputValue(res.text, 'postalCode')).to.equal(bad.change.postalCode);
      expect((await accountRow(db, h.account.id)).corr_street).to.equal(null);
      expect(await requestCount(db, h.customer.id)).to.equal(0);
    });
  }
});

describe('gestiones on the contract account: access guard and CSRF', () => {
  let ctx: TestContext;
  let db: Knex;
  before(async () => {
    ctx = await testContext();
    db = ctx.db.knex;
  });

  const VALID: Record<string, Record<string, string>> = {
    domiciliacion: { iban: NEW_IBAN, holder: 'Ana Pérez', mandate: '1' },
    'domiciliacion/confirmar': { iban: NEW_IBAN, holder: 'Ana Pérez', mandate: '1' },
    'dia-pago': { paymentDay: '20' },
    correspondencia: { street: 'Calle Mayor', number: '1', floorDoor: '', postalCode: '46001', municipality: 'València', province: 'Valencia' },
  };
  const PAGES = ['domiciliacion', 'dia-pago', 'correspondencia'];

  it('answers 403 to a read-only contact, for pages and forms, and changes nothing', async () => {
    const b = await business(ctx);
    const reader = await createUser(db);
    await linkUser(db, reader, b.customer, 'authorized_read');
    const agent = await loginAs(request.agent(ctx.app), reader.loginId, reader.password);
    const token = csrfFrom((await agent.get(`/contratos/${b.contractId}`).expect(200)).text);
    for (const p of PAGES) {
      const res = await agent.get(`/contratos/${b.contractId}/${p}`).expect(403);
      expect(pageText(res.text)).to.include('No tienes permiso para hacer esto');
    }
    const before = await accountRow(db, b.account.id);
    for (const [p, body] of Object.entries(VALID)) {
      await agent.post(`/contratos/${b.contractId}/${p}`).type('form').send({ _csrf: token, ...body }).expect(403);
    }
    expect(await accountRow(db, b.account.id)).to.deep.equal(before);
    expect(await requestCount(db, b.customer.id)).to.equal(0);
  });

  it('lets an authorised contact with full access act', async () => {
    const b = await business(ctx);
    const full = await createUser(db);
    await linkUser(db, full, b.customer, 'authorized_full');
    const agent = await loginAs(request.agent(ctx.app), full.loginId, full.password);
    const path = `/contratos/${b.contractId}/dia-pago`;
    await agent.post(path).type('form').send({ _csrf: await formTokenOf(agent, path), paymentDay: '20' }).expect(303);
    expect((await accountRow(db, b.account.id)).payment_day).to.equal(20);
    expect(await mailsTo(db, full.email)).to.have.length(1);
  });

  it("answers 404 for another customer's contract, exactly as for one that does not exist", async () => {
    const b = await business(ctx);
    const stranger = await household(ctx);
    const token = csrfFrom((await stranger.agent.get(`/contratos/${stranger.supply.contractId}/correspondencia`).expect(200)).text);
    for (const p of PAGES) {
      const res = await stranger.agent.get(`/contratos/${b.contractId}/${p}`).expect(404);
      const missing = await stranger.agent.get(`/contratos/999999999/${p}`).expect(404);
      expect(pageText(res.text)).to.equal(pageText(missing.text));
    }
    const before = await accountRow(db, b.account.id);
    for (const [p, body] of Object.entries(VALID)) {
      await stranger.agent.post(`/contratos/${b.contractId}/${p}`).type('form').send({ _csrf: token, ...body }).expect(404);
    }
    expect(await accountRow(db, b.account.id)).to.deep.equal(before);
    expect(await requestCount(db, b.customer.id)).to.equal(0);
  });

  it('refuses every form without a CSRF token (403) and changes nothing', async () => {
    const b = await business(ctx);
    const before = await accountRow(db, b.account.id);
    for (const [p, body] of Object.entries(VALID)) {
      const res = await b.agent.post(`/contratos/${b.contractId}/${p}`).type('form').send(body).expect(403);
      expect(pageText(res.text)).to.include('El formulario ha caducado');
      await b.agent.post(`/contratos/${b.contractId}/${p}`).type('form').send({ _csrf: 'x'.repeat(64), ...body }).expect(403);
    }
    expect(await accountRow(db, b.account.id)).to.deep.equal(before);
    expect(await requestCount(db, b.customer.id)).to.equal(0);
  });

  it('sends anonymous visitors to the login page', async () => {
    const b = await business(ctx);
    for (const p of PAGES) {
      await request(ctx.app).get(`/contratos/${b.contractId}/${p}`).expect(303).expect('Location', '/');
    }
  });

  it('speaks Catalan', async () => {
    const b = await business(ctx);
    const token = await formTokenOf(b.agent, `/contratos/${b.contractId}/domiciliacion`);
    await b.agent.post('/idioma').type('form').send({ _csrf: token, lang: 'ca' }).expect(303);
    const page = pageText((await b.agent.get(`/contratos/${b.contractId}/dia-pago`).expect(200)).text);
    expect(page).to.include('Dia de pagament');
    expect(page).to.include('Dia 15 · venceria el 15/12/2026');
  });
});
