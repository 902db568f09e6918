import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../support/context';
import {
  createCustomer, createHousehold, createUser, csrfFrom, linkUser, loginAs, mailsTo, pageText, uniqueCups,
  type HouseholdFixture,
} from '../support/factories';
import { createStaff, loginStaff, staffCsrf } from '../support/staff';
import { todayInSpain } from '../../src/domain/time';

const IBAN = 'ES91 2100 0418 4502 0005 1332';

describe('contract another energy or a new supply', () => {
  before(async function () {
    this.timeout(180_000); // the first test of a run starts the app and its database
    await testContext();
  });

  async function household(): Promise<{ h: HouseholdFixture; agent: ReturnType<typeof request.agent>; url: string }> {
    const ctx = await testContext();
    const h = await createHousehold(ctx.db.knex);
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    return { h, agent, url: `/contratos/${h.supply.contractId}/otra-energia` };
  }

  async function staffAgent(role: 'agente' | 'supervisor' = 'agente') {
    const ctx = await testContext();
    return loginStaff(request.agent(ctx.app), await createStaff(ctx.db.knex, { role }));
  }

  it('household contracts gas at its electricity-only Valencia address; an agent completes it; the contract is on /suministros', async () => {
    const ctx = await testContext();
    const db = ctx.db.knex;
    const { h, agent, url } = await household();
    // the offer is on the contract page, on Nuevos productos and on the supplies list
    const contractPage = await agent.get(`/contratos/${h.supply.contractId}`).expect(200);
    expect(contractPage.text).to.include(`href="${url}"`);
    expect(pageText((await agent.get('/nuevos-productos').expect(200)).text)).to.include('Contrata gas en Calle de Colón 12');
    expect((await agent.get('/suministros').expect(200)).text).to.include(`href="${url}"`);

    const page = await agent.get(url).expect(200);
    const text = pageText(page.text);
    expect(text).to.include('Contrata gas en Calle de Colón 12, 2º 1ª, 46004 València');
    // 3.000 kWh a year on RL.1: 29,74 € a month (hand-checked in test/domain/new-supply.test.ts)
    expect(text).to.match(/Tarifa Gas RL\.1 \(hasta 5\.000 kWh\/año\)\s*RL\.1\s*3\.000 kWh al año\s*29,74 €/);
    const own = await agent.get(url).query({ yearlyKwh: '1200' }).expect(200);
    expect(pageText(own.text)).to.include('14,80 €');

    const res = await agent.post(url).type('form').send({
      _csrf: csrfFrom(page.text), product: 'tarifa-gas-rl1', cups: '', payment: 'account', account: h.account.number,
      iban: '', holder: '', yearlyKwh: '', conditions: '1',
    }).expect(303);
    const id = Number(/\/gestiones\/(\d+)$/.exec(res.headers.location as string)?.[1]);
    const row = await db('requests').where({ id }).first('type', 'status', 'customer_id', 'payload');
    expect(row).to.include({ type: 'new_energy', status: 'recibida', customer_id: h.customer.id });
    expect(row.payload).to.include({ energy: 'gas', productCode: 'tarifa-gas-rl1', contractAccount: h.account.number, monthlyEstimateCents: 2974 });
    const list = pageText((await agent.get('/gestiones').expect(200)).text);
    expect(list).to.include('Contratar otra energía');
    const detail = pageText((await agent.get(`/gestiones/${id}`).expect(200)).text);
    expect(detail).to.include('Factura estimada al mes 29,74 €').and.to.include(`Cuenta de contrato ${h.account.number}`);
    expect(detail).to.include('Lo pediremos a la distribuidora');
    expect((await mailsTo(db, h.user.email)).some((m) => m.template === 'request_created')).to.equal(true);

    // a second one for the same address and energy is refused, with a link to the open one
    const again = await agent.post(url).type('form').send({
      _csrf: csrfFrom(page.text), product: 'tarifa-gas-rl2', payment: 'account', account: h.account.number, conditions: '1',
    }).expect(409);
    expect(again.text).to.include(`href="/gestiones/${id}"`);

    // the admin queue: details readable, completed by its own form only
    const staff = await staffAgent('agente');
    const adminPage = await staff.get(`/admin/gestiones/${id}`).expect(200);
    const adminText = pageText(adminPage.text);
    expect(adminText).to.include('Factura estimada al mes 29,74 €').and.to.include('Alta del contrato');
    expect(adminText).not.to.include('addressKey');
    const csrf = await staffCsrf(staff, `/admin/gestiones/${id}/alta`);
    await staff.post(`/admin/gestiones/${id}/estado`).type('form').send({ _csrf: csrf, status: 'completada', note: '' }).expect(422);
    const form = await staff.get(`/admin/gestiones/${id}/alta`).expect(200);
    expect(form.text).to.include(`value="${todayInSpain(ctx.clock.now())}"`).and.to.include('value="Nedgia Cegas"');
    const bad = await staff.post(`/admin/gestiones/${id}/alta`).type('form')
      .send({ _csrf: csrf, cups: 'ES1234', startDate: '2020-01-01', distributor: 'Nedgia Cegas' }).expect(422);
    expect(bad.text).to.include('id="f-cups-error"').and.to.include('id="f-startDate-error"').and.to.include('value="ES1234"');
    const gasCups = uniqueCups('gas');
    await staff.post(`/admin/gestiones/${id}/alta`).type('form')
      .send({ _csrf: csrf, cups: gasCups, startDate: todayInSpain(ctx.clock.now()), distributor: 'Nedgia Cegas' }).expect(303);

    const done = await db('requests').where({ id }).first('status', 'contract_id', 'effective_date');
    expect(done.status).to.equal('completada');
    const contract = await db('contracts as c').join('supply_points as sp', 'sp.id', 'c.supply_point_id').where('c.id', done.contract_id)
      .first('c.customer_id', 'c.contract_account_id', 'c.product_code', 'sp.cups', 'sp.energy', 'sp.tariff', 'sp.street');
    expect(contract).to.include({ customer_id: h.customer.id, contract_account_id: h.account.id, product_code: 'tarifa-gas-rl1' });
    expect(contract).to.include({ cups: gasCups, energy: 'gas', tariff: 'RL.1', street: 'Calle de Colón' });
    const audit = await db('audit_log').where({ action: 'new_supply.contracted', target_id: done.contract_id }).first('actor_type');
    expect(audit?.actor_type).to.equal('staff');
    const status = (await mailsTo(db, h.user.email)).find((m) => m.template === 'request_status');
    expect(JSON.stringify(status)).to.include('Tu contrato de gas');
    const supplies = pageText((await agent.get('/suministros').expect(200)).text);
    expect(supplies).to.include(gasCups);
    // both energies now: no more offer for this address
    expect((await agent.get(url).expect(200)).text).to.include('id="energy-offer-none"');
  });

  it('says what is wrong next to each field, keeps what was typed, answers 422 and files nothing', async () => {
    const ctx = await testContext();
    const { h, agent, url } = await household();
    const page = await agent.get(url).expect(200);
    const res = await agent.post(url).type('form').send({
      _csrf: csrfFrom(page.text), product: '', cups: 'ES0021 0000 0000 0000 01XX', payment: 'iban', iban: 'ES00 1234', holder: 'María', yearlyKwh: '',
    }).expect(422);
    for (const f of ['product', 'cups', 'iban', 'conditions']) expect(res.text).to.include(`id="f-${f}-error"`);
    expect(pageText(res.text)).to.include('Este CUPS no es válido').and.to.include('Tienes que aceptar las condiciones');
    expect(res.text).to.include('value="ES0021 0000 0000 0000 01XX"').and.to.include('value="ES00 1234"');
    expect(res.text).to.match(/<title>Error: /);
    const [n] = await ctx.db.knex('requests').where({ customer_id: h.customer.id }).count<{ count: string }[]>('* as count');
    expect(Number(n?.count)).to.equal(0);
    // the catalan page says it in catalan
    await agent.post('/idioma').type('form').send({ _csrf: csrfFrom(page.text), lang: 'ca' });
    const ca = await agent.get(url).expect(200);
    expect(pageText(ca.text)).to.include('Contracta gas a');
  });

  it('refuses read-only contacts (403), other customers (404) and posts without the CSRF token (403)', async () => {
    const ctx = await testContext();
    const { h, url } = await household();
    const reader = await createUser(ctx.db.knex);
    await linkUser(ctx.db.knex, reader, h.customer, 'authorized_read');
    const readerAgent = await loginAs(request.agent(ctx.app), reader.loginId, reader.password);
    const view = await readerAgent.get(url).expect(200);
    expect(view.text).not.to.include(`action="${url}" novalidate hx-boost="false"`);
    const body = { _csrf: csrfFrom(view.text), product: 'tarifa-gas-rl1', payment: 'account', account: h.account.number, conditions: '1' };
    await readerAgent.post(url).type('form').send(body).expect(403);
    await readerAgent.get(`/clientes/${h.customer.id}/nuevo-suministro`).expect(403);
    const stranger = await createHousehold(ctx.db.knex);
    const strangerAgent = await loginAs(request.agent(ctx.app), stranger.user.loginId, stranger.user.password);
    await strangerAgent.get(url).expect(404);
    await strangerAgent.post(url).type('form').send({ ...body, _csrf: csrfFrom((await strangerAgent.get('/suministros')).text) }).expect(404);
    await strangerAgent.get(`/clientes/${h.customer.id}/nuevo-suministro`).expect(404);
    const { agent } = await household();
    await agent.post(url).type('form').send({ product: 'tarifa-gas-rl1' }).expect(403);
    const [n] = await ctx.db.knex('requests').where({ customer_id: h.customer.id }).count<{ count: string }[]>('* as count');
    expect(Number(n?.count)).to.equal(0);
  });

  it('a new supply at a new address with a new IBAN: checked address, then a new contract account on completion', async () => {
    const ctx = await testContext();
    const db = ctx.db.knex;
    const { h, agent } = await household();
    const url = `/clientes/${h.customer.id}/nuevo-suministro`;
    const page = await agent.get(url).expect(200);
    const fields = {
      _csrf: csrfFrom(page.text), street: 'Calle de Ruzafa', number: '40', floorDoor: '2º 4ª', postalCode: '28001', municipality: 'València',
      province: 'Valencia', energy: 'electricity', product: 'tarifa-luz-estable', power: '5.75', cups: '', payment: 'iban', account: '',
      iban: IBAN, holder: 'María García', yearlyKwh: '2400', conditions: '1',
    };
    const bad = await agent.post(url).type('form').send(fields).expect(422);
    expect(bad.text).to.include('id="f-postalCode-error"').and.to.include('value="Calle de Ruzafa"');
    expect(pageText(bad.text)).to.include('El código postal 28001 es de la provincia de Madrid');
    const res = await agent.post(url).type('form').send({ ...fields, postalCode: '46006' }).expect(303);
    const id = Number(/\/gestiones\/(\d+)$/.exec(res.headers.location as string)?.[1]);
    const row = await db('requests').where({ id }).first('type', 'payload');
    expect(row.type).to.equal('new_supply');
    expect(row.payload).to.include({ energy: 'electricity', powerKw: 5.75, payment: 'iban', yearlyKwh: 2400 });
    // only the masked IBAN travels with the request; the IBAN waits apart for the new account
    expect(JSON.stringify(row.payload)).not.to.include('21000418450200051332');
    expect(await db('new_supply_bank_details').where({ request_id: id }).first('iban')).to.deep.equal({ iban: 'ES9121000418450200051332' });

    const staff = await staffAgent('supervisor');
    const csrf = await staffCsrf(staff, `/admin/gestiones/${id}/alta`);
    const cups = uniqueCups('electricity');
    await staff.post(`/admin/gestiones/${id}/alta`).type('form')
      .send({ _csrf: csrf, cups, startDate: todayInSpain(ctx.clock.now()), distributor: 'i-DE Redes Eléctricas Inteligentes' }).expect(303);
    const done = await db('requests').where({ id }).first('status', 'contract_id');
    expect(done.status).to.equal('completada');
    const c = await db('contracts as c').join('contract_accounts as ca', 'ca.id', 'c.contract_account_id')
      .join('supply_points as sp', 'sp.id', 'c.supply_point_id').where('c.id', done.contract_id)
      .first('ca.id as account_id', 'ca.iban', 'ca.direct_debit', 'ca.mandate_ref', 'sp.power_p1_kw', 'sp.postal_code');
    expect(c.account_id).not.to.equal(h.account.id);
    expect(c).to.include({ iban: 'ES9121000418450200051332', direct_debit: true, postal_code: '46006' });
    expect(Number(c.power_p1_kw)).to.equal(5.75);
    expect(c.mandate_ref).to.match(/^ENL-/);
    expect(await db('new_supply_bank_details').where({ request_id: id }).first()).to.equal(undefined);
    // a CUPS already under contract is refused to the administrator
    const other = await agent.post(url).type('form').send({ ...fields, postalCode: '46006', street: 'Calle de Cuba', cups: '' }).expect(303);
    const otherId = Number(/\/gestiones\/(\d+)$/.exec(other.headers.location as string)?.[1]);
    const taken = await staff.post(`/admin/gestiones/${otherId}/alta`).type('form')
      .send({ _csrf: csrf, cups, startDate: todayInSpain(ctx.clock.now()), distributor: 'i-DE' }).expect(422);
    expect(pageText(taken.text)).to.include('Este CUPS ya tiene un contrato en vigor');
    // refused instead: the IBAN it was holding for a new account goes with it
    await staff.post(`/admin/gestiones/${otherId}/estado`).type('form')
      .send({ _csrf: csrf, status: 'rechazada', note: 'No hay suministro de gas en esa calle.' }).expect(303);
    expect(await db('new_supply_bank_details').where({ request_id: otherId }).first()).to.equal(undefined);
  });

  it('shows the solar study lead in the admin queue in euros and kWh, not cents', async () => {
    const ctx = await testContext();
    const customer = await createCustomer(ctx.db.knex);
    const [row] = await ctx.db.knex('requests').insert({
      reference: `G-2026-9${String(Date.now()).slice(-5)}`, type: 'solar_study', customer_id: customer.id, status: 'recibida',
      payload: JSON.stringify({ orientation: 'S', tiltDeg: 30, panels: 6, kwp: 2.7, batteryKwh: 5, yearlySavingCents: 45678, paybackYears: 7.4 }),
      created_at: ctx.clock.now(), updated_at: ctx.clock.now(),
    }).returning('id');
    const staff = await staffAgent();
    const text = pageText((await staff.get(`/admin/gestiones/${row.id}`).expect(200)).text);
    expect(text).to.include('Ahorro estimado al año 456,78 €').and.to.include('Potencia pico 2,70 kWp').and.to.include('Batería 5 kWh');
    expect(text).not.to.include('45678');
  });
});
