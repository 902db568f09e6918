import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../support/context';
import { createContractAccount, createCustomer, createHousehold, createSupply, createUser, csrfFrom, linkUser, loginAs, pageText } from '../support/factories';
import { createStaff, loginStaff, staffCsrf } from '../support/staff';

describe('advantages and promotions', () => {
  before(async function () {
    this.timeout(180_000); // the first test of a run starts the app and its database
    await testContext();
  });

  async function publish(fields: Record<string, string | string[]>): Promise<{ status: number; text: string }> {
    const ctx = await testContext();
    const staff = await createStaff(ctx.db.knex, { role: 'supervisor' });
    const admin = await loginStaff(request.agent(ctx.app), staff);
    const token = await staffCsrf(admin, '/admin/promociones/nueva');
    const res = await admin.post('/admin/promociones').type('form').send({ _csrf: token, ...fields });
    return { status: res.status, text: res.text };
  }

  it('a promotion published in /admin for Valencia households shows to a Valencia household and not to a gestoría', async () => {
    const ctx = await testContext();
    const db = ctx.db.knex;
    const title = `Descuento Valencia ${Date.now()}`;
    const res = await publish({
      titleEs: title, titleCa: `Descompte València ${Date.now()}`, bodyEs: 'Un 10 % en la revisión.', bodyCa: 'Un 10 % en la revisió.', code: 'val-26',
      validFrom: '2026-11-01', validTo: '2026-12-31', kinds: 'household', energy: '', tariff: '', province: 'Valencia',
    });
    expect(res.status).to.equal(303);
    const row = await db('promotions').where({ title_es: title }).first('id', 'code');
    expect(row.code).to.equal('VAL-26');
    expect(await db('audit_log').where({ action: 'promotion.create', target_id: String(row.id) }).first('id')).to.not.equal(undefined);

    const h = await createHousehold(db); // supplied in Valencia
    const household = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const seen = pageText((await household.get('/ventajas').expect(200)).text);
    expect(seen).to.include(title).and.to.include('VAL-26');
    // the landing page highlights one promotion (the one ending soonest) and leads to the rest
    const landing = (await household.get('/suministros').expect(200)).text;
    expect(landing).to.include('promotion-highlight').and.to.include('href="/ventajas"');

    // a gestoría: a company in Valencia that manages another customer's supplies
    const gestoria = await createCustomer(db, { kind: 'company' });
    await createSupply(db, await createContractAccount(db, gestoria), {});
    const client = await createCustomer(db, { kind: 'company' });
    await db('external_managers').insert({ customer_id: client.id, manager_customer_id: gestoria.id, status: 'active', created_at: ctx.clock.now(), decided_at: ctx.clock.now() });
    const rep = await createUser(db);
    await linkUser(db, rep, gestoria, 'representative');
    const agent = await loginAs(request.agent(ctx.app), rep.loginId, rep.password);
    expect(pageText((await agent.get('/ventajas').expect(200)).text)).not.to.include(title);
    expect(pageText((await agent.get('/suministros').expect(200)).text)).not.to.include(title);

    // withdrawn by staff: gone for everybody
    const staff = await createStaff(db, { role: 'supervisor' });
    const admin = await loginStaff(request.agent(ctx.app), staff);
    await admin.post(`/admin/promociones/${row.id}/estado`).type('form').send({ _csrf: await staffCsrf(admin, '/admin/promociones'), active: '0' }).expect(303);
    expect(pageText((await household.get('/ventajas').expect(200)).text)).not.to.include(title);
  });

  it('refuses an incomplete promotion with the errors by the fields and the text kept (422)', async () => {
    const res = await publish({ titleEs: 'Sin catalán', titleCa: '', bodyEs: 'Texto', bodyCa: 'Text', validFrom: '2026-12-10', validTo: '2026-12-01', province: 'Valencia' });
    expect(res.status).to.equal(422);
    const text = pageText(res.text);
    expect(text).to.include('Este campo es requerido').and.to.include('La fecha final no puede ser anterior a la inicial');
    expect(res.text).to.include('value="Sin catalán"');
  });

  it('commercial communications are off until the customer says yes, and each decision is kept', async () => {
    const ctx = await testContext();
    const h = await createHousehold(ctx.db.knex);
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const page = await agent.get('/ajustes/comunicaciones').expect(200);
    expect(pageText(page.text)).to.include('No recibes ofertas ni promociones por email');
    await agent.post('/ajustes/comunicaciones').type('form').send({ _csrf: csrfFrom(page.text), granted: '1' }).expect(303);
    const on = await agent.get('/ajustes/comunicaciones').expect(200);
    expect(pageText(on.text)).to.include('Recibes ofertas y promociones por email');
    await agent.post('/ajustes/comunicaciones').type('form').send({ _csrf: csrfFrom(on.text), granted: '0' }).expect(303);
    const rows = await ctx.db.knex('marketing_consents').where({ user_id: h.user.id }).orderBy('id').select('granted', 'text_version');
    expect(rows.map((r: { granted: boolean }) => r.granted)).to.deep.equal([true, false]);
    expect(await ctx.db.knex('audit_log').where({ actor_id: h.user.id }).whereIn('action', ['consent.marketing.granted', 'consent.marketing.withdrawn']).count<{ c: string }[]>('* as c'))
      .to.satisfy((r: { c: string | number }[]) => Number(r[0]?.c) === 2);
  });
});
