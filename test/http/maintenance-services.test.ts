/**
 * Issue 15 item 3: a maintenance service contracted on a supply (confirm step), shown on the
 * contract page, billed on the next invoice through the billing function (and printed on its
 * PDF), cancelled at the end of the month; read-only contacts may look but not act.
 */
import { expect } from 'chai';
import type { Knex } from 'knex';
import request from 'supertest';
import { testContext, TEST_START, type TestContext } from '../support/context';
import {
  addConsumption, createContractAccount, createHousehold, createSupply, createUser, csrfFrom, issueInvoices, linkUser,
  loginAs, mailsTo, pageText,
} from '../support/factories';
import { fieldError } from '../support/pages';
import { binary, pdfText } from '../support/pdf-text';

/** How many rows of a table match. */
async function count(db: Knex, table: string, where: Record<string, unknown>): Promise<number> {
  return Number((await db(table).where(where).count('* as n').first())!.n);
}

/** The amounts of an invoice's lines of one kind. */
function amounts(db: Knex, where: { invoice_id: number; kind: string }): Promise<number[]> {
  return db('invoice_lines').where(where).pluck('amount_cents');
}

describe('maintenance services: contract, bill, cancel', () => {
  let ctx: TestContext;
  before(async function () {
    this.timeout(180_000);
    ctx = await testContext();
  });
  afterEach(() => ctx.clock.set(TEST_START));

  it('contracts a service with a confirm step and the next invoice carries its fee, on the PDF too', async function () {
    this.timeout(60_000);
    const db = ctx.db.knex;
    const h = await createHousehold(db);
    const contractId = h.supply.contractId;
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);

    const list = await agent.get(`/contratos/${contractId}/servicios`).expect(200);
    expect(pageText(list.text)).to.include('Urgencias eléctricas 24 h')
      .and.to.include('Revisión de instalación eléctrica');
    // a boiler needs gas: not offered on an electricity supply, and refused if posted anyway
    expect(list.text).not.to.include('/servicios/gas_boiler/contratar');
    const path = `/contratos/${contractId}/servicios/electric_urgent/contratar`;
    const confirm = await agent.get(path).expect(200);
    expect(pageText(confirm.text)).to.include('4,90 € al mes + IVA (21 %)').and.to.include('Sin permanencia');
    const csrf = csrfFrom(confirm.text);
    const gas = await agent.post(`/contratos/${contractId}/servicios/gas_boiler/contratar`).type('form')
      .send({ _csrf: csrf, conditions: '1' });
    expect(gas.status).to.equal(303);

    // the conditions must be accepted: explained by the checkbox, 422
    const missing = await agent.post(path).type('form').send({ _csrf: csrf });
    expect(missing.status).to.equal(422);
    expect(fieldError(missing.text, 'conditions'))
      .to.equal('Para contratar el servicio tienes que aceptar sus condiciones');
    expect(await count(db, 'contract_services', { contract_id: contractId })).to.equal(0);

    const done = await agent.post(path).type('form').send({ _csrf: csrf, conditions: '1' });
    expect(done.status).to.equal(303);
    expect(done.headers.location).to.equal(`/contratos/${contractId}/servicios`);
    const row = await db('contract_services').where({ contract_id: contractId })
      .first('service_code', 'monthly_fee_cents', 'start_date', 'end_date');
    expect(row).to.deep.equal({
      service_code: 'electric_urgent', monthly_fee_cents: 490, start_date: '2026-11-20', end_date: null,
    });
    expect(await count(db, 'audit_log', { action: 'service.contracted', target_id: String(contractId) })).to.equal(1);
    expect((await mailsTo(db, h.user.email)).map((m) => m.template)).to.include('service_contracted');
    // kept as an applied gestión, which the customer follows and staff see in their queue
    const lead = await db('requests').where({ contract_id: contractId, type: 'maintenance_service' }).first('id', 'status');
    expect(lead.status).to.equal('completada');
    const letter = pageText((await agent.get(`/gestiones/${lead.id}`).expect(200)).text);
    expect(letter).to.include('Contratación del servicio').and.to.include('Urgencias eléctricas 24 h')
      .and.to.include('4,90 €');
    // twice: refused, still one
    await agent.post(path).type('form').send({ _csrf: csrf, conditions: '1' }).expect(303);
    expect(await count(db, 'contract_services', { contract_id: contractId })).to.equal(1);

    const page = pageText((await agent.get(`/contratos/${contractId}`).expect(200)).text);
    expect(page).to.include('Servicios de mantenimiento')
      .and.to.include('Urgencias eléctricas 24 h · 4,90 € al mes + IVA');

    // November: in force from the 20th, 11 of 30 days: 4,90 × 11/30 = 1,7966… → 1,80
    await addConsumption(db, contractId, [{ month: '2026-11', P1: 60, P2: 50, P3: 90 }]);
    const [november] = await issueInvoices(db, contractId, ['2026-11']);
    const lines = await db('invoice_lines').where({ invoice_id: november!.id, kind: 'service' })
      .select('detail', 'amount_cents');
    expect(lines).to.deep.equal([{ detail: 'Urgencias eléctricas 24 h: 4,90 €/mes × 11/30 días', amount_cents: 180 }]);
    const summary = pageText((await agent.get(`/facturas/${november!.id}`).expect(200)).text);
    const detail = 'Urgencias eléctricas 24 h: 4,90 €/mes × 11/30 días';
    expect(summary).to.include('Servicio de mantenimiento').and.to.include(detail);
    const pdf = await agent.get(`/facturas/${november!.id}/pdf`).buffer(true).parse(binary).expect(200);
    const text = await pdfText(pdf.body as Buffer);
    expect(text).to.include('Servicio de mantenimiento').and.to.include(detail);
  });

  it('cancels at the end of the month, explaining the minimum term; billed up to that day', async function () {
    this.timeout(60_000);
    const db = ctx.db.knex;
    const h = await createHousehold(db);
    const contractId = h.supply.contractId;
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const path = `/contratos/${contractId}/servicios/electric_check/contratar`;
    const confirm = await agent.get(path).expect(200);
    // 12 months from 20/11/2026: to 19/11/2027
    expect(pageText(confirm.text)).to.include('12 meses, hasta el 19/11/2027');
    await agent.post(path).type('form').send({ _csrf: csrfFrom(confirm.text), conditions: '1' }).expect(303);
    const { id } = await db('contract_services').where({ contract_id: contractId }).first('id');

    const cancelPage = await agent.get(`/contratos/${contractId}/servicios/${id}/baja`).expect(200);
    const text = pageText(cancelPage.text);
    expect(text).to.include('La baja será efectiva el 30/11/2026');
    expect(text).to.include('Todavía estás dentro de la permanencia, que termina el 19/11/2027');
    const done = await agent.post(`/contratos/${contractId}/servicios/${id}/baja`).type('form')
      .send({ _csrf: csrfFrom(cancelPage.text) });
    expect(done.status).to.equal(303);
    expect(await db('contract_services').where({ id }).first('end_date')).to.deep.equal({ end_date: '2026-11-30' });
    expect(await count(db, 'audit_log', { action: 'service.cancelled', target_id: String(contractId) })).to.equal(1);
    expect((await mailsTo(db, h.user.email)).map((m) => m.template)).to.include('service_cancelled');
    const leads = await db('requests').where({ contract_id: contractId, type: 'maintenance_service' }).select('payload');
    expect(leads.map((r: { payload: { action: string } }) => r.payload.action).sort()).to.deep.equal(['cancel', 'contract']);
    expect(pageText((await agent.get(`/contratos/${contractId}/servicios`).expect(200)).text)).to.include('30/11/2026');

    // November billed 20–30 (11 days: 6,90 × 11/30 = 2,53); December has no line
    await addConsumption(db, contractId, ['2026-11', '2026-12'].map((month) => ({ month, P1: 60, P2: 50, P3: 90 })));
    const [nov, dec] = await issueInvoices(db, contractId, ['2026-11', '2026-12']);
    expect(await amounts(db, { invoice_id: nov!.id, kind: 'service' })).to.deep.equal([253]);
    expect(await amounts(db, { invoice_id: dec!.id, kind: 'service' })).to.deep.equal([]);
  });

  it('a boiler fits a gas supply; a read-only contact sees the services but gets 403 on acting', async function () {
    this.timeout(60_000);
    const db = ctx.db.knex;
    const h = await createHousehold(db);
    const gas = await createSupply(db, await createContractAccount(db, h.customer), { energy: 'gas' });
    const holder = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const gasPage = await holder.get(`/contratos/${gas.contractId}/servicios`).expect(200);
    expect(gasPage.text).to.include(`/contratos/${gas.contractId}/servicios/gas_boiler/contratar`);
    expect(gasPage.text).not.to.include('electric_urgent');

    const reader = await createUser(db);
    await linkUser(db, reader, h.customer, 'authorized_read');
    const agent = await loginAs(request.agent(ctx.app), reader.loginId, reader.password);
    const path = `/contratos/${gas.contractId}/servicios/gas_boiler/contratar`;
    const page = await agent.get(path).expect(200);
    expect(pageText(page.text)).to.include('Mantenimiento de caldera de gas');
    expect(page.text).not.to.include('name="conditions"');
    const res = await agent.post(path).type('form').send({ _csrf: csrfFrom(page.text), conditions: '1' });
    expect(res.status).to.equal(403);
    expect(await count(db, 'contract_services', { contract_id: gas.contractId })).to.equal(0);
  });

  it('the conditions PDF downloads in the page language', async () => {
    const res = await request(ctx.app).get('/servicios/gas_boiler/condiciones.pdf')
      .buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).to.include('application/pdf');
    const text = (await pdfText(res.body as Buffer)).replace(/\s+/g, ' ');
    expect(text).to.include('Mantenimiento de caldera de gas').and.to.include('Permanencia').and.to.include('9,90 €');
    const ca = await request(ctx.app).get('/servicios/gas_boiler/condiciones.pdf').set('Cookie', 'lang=ca')
      .buffer(true).parse(binary).expect(200);
    const caText = (await pdfText(ca.body as Buffer)).replace(/\s+/g, ' ');
    expect(caText).to.include('Manteniment de caldera de gas').and.to.include('Permanència').and.to.include('Desistiment');
  });
});
