import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../support/context';
import { createHousehold, csrfFrom, loginAs, mailsTo, pageText, type Agent, type HouseholdFixture } from '../support/factories';
import { createStaff, loginStaff, type StaffFixture } from '../support/staff';
import { createRequest } from '../../src/services/requests';
import type { RequestType } from '../../src/domain/requests';

async function staffAgent(role: 'agente' | 'supervisor'): Promise<{ agent: Agent; staff: StaffFixture }> {
  const ctx = await testContext();
  const staff = await createStaff(ctx.db.knex, { role });
  return { agent: await loginStaff(request.agent(ctx.app), staff, ctx.clock), staff };
}

/** A household customer with one request of `type` filed by its holder. */
async function filed(type: RequestType = 'power_change', h?: HouseholdFixture) {
  const ctx = await testContext();
  const db = ctx.db.knex;
  const house = h ?? await createHousehold(db);
  const u = house.user;
  const r = await db.transaction((trx) => createRequest(trx, {
    type, customerId: house.customer.id, contractId: null, payload: { p1Kw: 4.6, p2Kw: 4.6 }, access: { read: true, act: true, manageContacts: true, via: null },
  }, { userId: u.id, email: u.email, firstName: u.firstName, language: 'es', ip: '127.0.0.1' }, ctx.clock.now(), ctx.config));
  return { ctx, db, house, ...r };
}

async function customerAgent(h: HouseholdFixture): Promise<Agent> {
  return loginAs(request.agent((await testContext()).app), h.user.loginId, h.user.password);
}

describe('admin request handling', () => {
  it('lists and filters all requests: type, status, tax id or reference, assignment, dates', async () => {
    const a = await filed('power_change');
    const b = await filed('complaint', a.house);
    const { agent } = await staffAgent('agente');
    const byTax = pageText((await agent.get(`/admin/gestiones?q=${a.house.customer.taxId}`).expect(200)).text);
    expect(byTax).to.include(a.reference).and.to.include(b.reference).and.to.include('2 gestiones');
    const byType = pageText((await agent.get(`/admin/gestiones?q=${a.house.customer.taxId}&tipo=complaint`).expect(200)).text);
    expect(byType).to.include(b.reference).and.not.to.include(a.reference);
    const byRef = pageText((await agent.get(`/admin/gestiones?q=${a.reference.replace(/-/g, '')}`).expect(200)).text);
    expect(byRef).to.include(a.reference).and.not.to.include(b.reference);
    const done = pageText((await agent.get(`/admin/gestiones?q=${a.house.customer.taxId}&estado=completada`).expect(200)).text);
    expect(done).to.include('No hay gestiones con estos filtros');
    // the test clock is 2026-11-20 (and later)
    expect(pageText((await agent.get(`/admin/gestiones?q=${a.house.customer.taxId}&desde=2026-11-20&hasta=2026-11-30`).expect(200)).text)).to.include(a.reference);
    expect(pageText((await agent.get(`/admin/gestiones?q=${a.house.customer.taxId}&desde=2026-10-01&hasta=2026-11-19`).expect(200)).text)).not.to.include(a.reference);
    // htmx asks for the table only
    const fragment = await agent.get(`/admin/gestiones?q=${a.house.customer.taxId}`).set('HX-Request', 'true').expect(200);
    expect(fragment.text.trim()).to.match(/^<div id="request-table">/);
    // nonsense parameters are ignored, never a 500
    await agent.get('/admin/gestiones?tipo=x&estado=y&desde=2026-02-31&pagina=-4&asignada=zz').expect(200);
  });

  it('moves a request through the state machine with a note the customer reads and is emailed', async () => {
    // a type whose completion applies nothing more (power changes and complaints have their own forms)
    const f = await filed('meter_reading');
    const { agent } = await staffAgent('agente');
    const page = await agent.get(`/admin/gestiones/${f.id}`).expect(200);
    expect(pageText(page.text)).to.include(f.reference).and.to.include('Gestión recibida');
    const csrf = csrfFrom(page.text);

    const res = await agent.post(`/admin/gestiones/${f.id}/estado`).type('form').send({ _csrf: csrf, status: 'en_tramite', note: 'Estamos revisando la potencia con la distribuidora.' });
    expect(res.status).to.equal(303);
    expect(pageText((await agent.get(`/admin/gestiones/${f.id}`).expect(200)).text)).to.include('Estado: En trámite').and.to.include('Estamos revisando la potencia');
    const mine = pageText((await (await customerAgent(f.house)).get(`/gestiones/${f.id}`).expect(200)).text);
    expect(mine).to.include('En trámite').and.to.include('Estamos revisando la potencia con la distribuidora.');
    const mail = (await mailsTo(f.db, f.house.user.email)).filter((m) => m.template === 'request_status').pop();
    expect(mail?.text_body).to.include('Estamos revisando la potencia con la distribuidora.');

    // a rejection without a reason: 422, the error next to the field, the choice kept
    const noReason = await agent.post(`/admin/gestiones/${f.id}/estado`).type('form').send({ _csrf: csrf, status: 'rechazada', note: '' });
    expect(noReason.status).to.equal(422);
    expect(noReason.text).to.match(/id="f-note-error"[^>]*>[\s\S]*?Escribe el motivo del rechazo/);
    expect(noReason.text).to.include('<option value="rechazada" selected>');

    await agent.post(`/admin/gestiones/${f.id}/estado`).type('form').send({ _csrf: csrf, status: 'completada', note: 'Potencia cambiada.' }).expect(303);
    // finished: an invalid move is explained, not a 500
    const invalid = await agent.post(`/admin/gestiones/${f.id}/estado`).type('form').send({ _csrf: csrf, status: 'en_tramite', note: '' });
    expect(invalid.status).to.equal(422);
    expect(pageText(invalid.text)).to.include('La gestión no puede pasar de «Completada» a «En trámite»');
    expect((await f.db('requests').where({ id: f.id }).first('status')).status).to.equal('completada');
    const audit = await f.db('audit_log').where({ action: 'request.note', target_id: String(f.id) }).orderBy('id').pluck('details');
    expect(audit.map((d: { note: string }) => d.note)).to.deep.equal(['Estamos revisando la potencia con la distribuidora.', 'Potencia cambiada.']);
  });

  it('review requests are not finished from here: a clear message and a link to the review page', async () => {
    const f = await filed('representative_change');
    const { agent } = await staffAgent('supervisor');
    const page = await agent.get(`/admin/gestiones/${f.id}`).expect(200);
    expect(page.text).to.include(`href="/admin/revision/${f.id}"`);
    expect(page.text).not.to.include('<option value="completada"');
    const csrf = csrfFrom(page.text);
    const res = await agent.post(`/admin/gestiones/${f.id}/estado`).type('form').send({ _csrf: csrf, status: 'completada', note: 'ok' });
    expect(res.status).to.equal(422);
    expect(pageText(res.text)).to.include('se aprueba o se rechaza en su página de revisión');
    expect(res.text).to.include(`href="/admin/revision/${f.id}"`);
    // taking it in hand is fine: it changes nothing the review decides
    await agent.post(`/admin/gestiones/${f.id}/estado`).type('form').send({ _csrf: csrf, status: 'en_tramite', note: '' }).expect(303);
    expect((await f.db('requests').where({ id: f.id }).first('status')).status).to.equal('en_tramite');
  });

  it('assigns to me or to a colleague, internally: audit row, filter, nothing in the customer timeline', async () => {
    const f = await filed('complaint');
    const { agent, staff } = await staffAgent('agente');
    const colleague = await createStaff(f.db, { role: 'supervisor', firstName: 'Marta', lastName: 'Colega' });
    const page = await agent.get(`/admin/gestiones/${f.id}`).expect(200);
    const csrf = csrfFrom(page.text);
    const events = async () => Number((await f.db('request_events').where({ request_id: f.id }).count('* as n').first())!.n);
    const before = await events();

    await agent.post(`/admin/gestiones/${f.id}/asignar`).type('form').send({ _csrf: csrf, staff: 'yo' }).expect(303);
    expect((await f.db('requests').where({ id: f.id }).first('assigned_staff_id')).assigned_staff_id).to.equal(staff.id);
    const mineList = pageText((await agent.get('/admin/gestiones?asignada=yo').expect(200)).text);
    expect(mineList).to.include(f.reference);
    expect(pageText((await agent.get(`/admin/gestiones?asignada=nadie&q=${f.reference}`).expect(200)).text)).not.to.include(f.reference);

    await agent.post(`/admin/gestiones/${f.id}/asignar`).type('form').send({ _csrf: csrf, staff: String(colleague.id) }).expect(303);
    const detail = pageText((await agent.get(`/admin/gestiones/${f.id}`).expect(200)).text);
    expect(detail).to.include('Asignada a Marta Colega').and.to.include('interno, el cliente no lo ve');
    expect(pageText((await agent.get(`/admin/gestiones?asignada=${colleague.id}`).expect(200)).text)).to.include(f.reference);
    const rows = await f.db('audit_log').where({ action: 'request.assigned', target_id: String(f.id) }).orderBy('id').select('actor_type', 'actor_id', 'details');
    expect(rows.map((r) => [r.actor_type, r.actor_id, r.details])).to.deep.equal([['staff', staff.id, { from: null, to: staff.id }], ['staff', staff.id, { from: staff.id, to: colleague.id }]]);
    expect(await events()).to.equal(before);
    expect(pageText((await (await customerAgent(f.house)).get(`/gestiones/${f.id}`).expect(200)).text)).not.to.include('Marta');

    const bad = await agent.post(`/admin/gestiones/${f.id}/asignar`).type('form').send({ _csrf: csrf, staff: '999999999' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.match(/id="f-staff-error"/);
    await agent.post(`/admin/gestiones/${f.id}/asignar`).type('form').send({ _csrf: csrf, staff: '' }).expect(303);
    expect((await f.db('requests').where({ id: f.id }).first('assigned_staff_id')).assigned_staff_id).to.equal(null);
  });

  it('CSRF missing → 403; anonymous and customer sessions go to the admin login', async () => {
    const f = await filed('power_change');
    const { agent } = await staffAgent('agente');
    await agent.post(`/admin/gestiones/${f.id}/estado`).type('form').send({ status: 'en_tramite', note: '' }).expect(403);
    await agent.post(`/admin/gestiones/${f.id}/asignar`).type('form').send({ staff: 'yo' }).expect(403);
    expect((await f.db('requests').where({ id: f.id }).first('status', 'assigned_staff_id'))).to.deep.equal({ status: 'recibida', assigned_staff_id: null });
    const customer = await customerAgent(f.house);
    for (const path of ['/admin/gestiones', `/admin/gestiones/${f.id}`]) {
      for (const a of [request(f.ctx.app), customer]) {
        const res = await a.get(path);
        expect(res.status, path).to.equal(303);
        expect(res.headers.location).to.equal('/admin/acceso');
      }
    }
    await agent.get('/admin/gestiones/999999999').expect(404);
  });
});
