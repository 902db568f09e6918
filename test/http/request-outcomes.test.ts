/**
 * Issue 14 item 1: what a finished request did reaches the customer. A complaint's resolution
 * and outcome; the day a change applied at once took effect, on the request and its timeline.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import { createHousehold, csrfFrom, loginAs, mailsTo, pageText, type Agent } from '../support/factories';
import { createStaff, loginStaff } from '../support/staff';
import { fieldError, formTokenOf, requestIdFrom } from '../support/pages';
import { createRequest } from '../../src/services/requests';

describe('request outcomes the customer reads', () => {
  let ctx: TestContext;
  before(async () => { ctx = await testContext(); });

  it('a complaint is completed by its resolution: outcome and text on the request, timeline and email', async function () {
    this.timeout(30_000);
    const db = ctx.db.knex;
    const h = await createHousehold(db);
    const u = h.user;
    const { id, reference } = await db.transaction((trx) => createRequest(trx, {
      type: 'complaint', customerId: h.customer.id, contractId: h.supply.contractId, payload: { category: 'billing' },
      access: { read: true, act: true, manageContacts: true, via: null },
    }, { userId: u.id, email: u.email, firstName: u.firstName, language: 'es', ip: '127.0.0.1' }, ctx.clock.now(), ctx.config));
    // several complaints on one contract are fine (no "one open" rule for them)
    await db.transaction((trx) => createRequest(trx, {
      type: 'complaint', customerId: h.customer.id, contractId: h.supply.contractId, payload: {}, access: { read: true, act: true, manageContacts: true, via: null },
    }, { userId: u.id, email: u.email, firstName: u.firstName, language: 'es', ip: '127.0.0.1' }, ctx.clock.now(), ctx.config));

    const staff: Agent = await loginStaff(request.agent(ctx.app), await createStaff(db), ctx.clock);
    const detail = await staff.get(`/admin/gestiones/${id}`).expect(200);
    expect(detail.text).to.include(`href="/admin/gestiones/${id}/resolucion"`).and.not.to.include('<option value="completada"');
    const csrf = csrfFrom(detail.text);
    const generic = await staff.post(`/admin/gestiones/${id}/estado`).type('form').send({ _csrf: csrf, status: 'completada', note: 'Resuelta' });
    expect(generic.status).to.equal(422);

    const empty = await staff.post(`/admin/gestiones/${id}/resolucion`).type('form').send({ _csrf: csrf, outcome: '', resolution: 'corta' });
    expect(empty.status).to.equal(422);
    expect(fieldError(empty.text, 'outcome')).to.equal('Elige el resultado de la reclamación');
    expect(fieldError(empty.text, 'resolution')).to.equal('Explica la resolución en al menos 20 caracteres');
    expect(empty.text).to.include('>corta</textarea>');

    const text = 'Hemos revisado la lectura de octubre: era estimada y demasiado alta. Te emitiremos una factura rectificativa.';
    await staff.post(`/admin/gestiones/${id}/resolucion`).type('form').send({ _csrf: csrf, outcome: 'favourable', resolution: text }).expect(303);
    expect(await db('requests').where({ id }).first('status', 'outcome', 'resolution')).to.deep.equal({ status: 'completada', outcome: 'favourable', resolution: text });

    const customer = await loginAs(request.agent(ctx.app), u.loginId, u.password);
    const mine = pageText((await customer.get(`/gestiones/${id}`).expect(200)).text);
    expect(mine).to.include('Resultado favorable').and.to.include(`Resolución ${text}`);
    expect(mine).to.include('Resolución de tu reclamación: favorable.');
    const mail = (await mailsTo(db, u.email)).filter((m) => m.template === 'request_status').pop();
    expect(mail?.text_body).to.include(text);
    expect(await db('audit_log').where({ action: 'complaint.resolved', target_id: String(id) }).first('details')).to.deep.equal({ details: { reference, outcome: 'favourable' } });
    // already answered: the page sends back to the request, a second answer changes nothing
    await staff.get(`/admin/gestiones/${id}/resolucion`).expect(303);
    await staff.post(`/admin/gestiones/${id}/resolucion`).type('form').send({ _csrf: csrf, outcome: 'unfavourable', resolution: text }).expect(303);
    expect((await db('requests').where({ id }).first('outcome')).outcome).to.equal('favourable');
  });

  it('a change applied at once shows the day it took effect, on the request and its timeline', async function () {
    this.timeout(30_000);
    const h = await createHousehold(ctx.db.knex);
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const path = `/contratos/${h.supply.contractId}/correspondencia`;
    const res = await agent.post(path).type('form').send({
      _csrf: await formTokenOf(agent, path), street: 'Calle del Mar', number: '7', floorDoor: 'Bajo', postalCode: '03700', municipality: 'Dénia', province: 'Alicante',
    }).expect(303);
    const id = requestIdFrom(res.headers.location);
    expect((await ctx.db.knex('requests').where({ id }).first('effective_date')).effective_date).to.equal('2026-11-20');
    const text = pageText((await agent.get(`/gestiones/${id}`).expect(200)).text);
    expect(text).to.include('Aplicada desde el 20/11/2026').and.to.include('Cambio aplicado desde el 20/11/2026.');
  });
});
