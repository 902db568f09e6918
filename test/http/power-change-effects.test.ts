/**
 * Issue 14, done-when: a power change is requested, sent to the distributor, accepted from an
 * effective day; the contract page shows the new powers "desde" that day; the next billing
 * bills each day with the powers in force (hand-checked below); a second change while one is
 * open is refused with a link to it.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testContext, TEST_START, type TestContext } from '../support/context';
import { addConsumption, createHousehold, csrfFrom, issueInvoices, loginAs, mailsTo, pageText, type Agent, type HouseholdFixture } from '../support/factories';
import { createStaff, loginStaff } from '../support/staff';
import { fieldError, requestIdFrom } from '../support/pages';

async function household(ctx: TestContext): Promise<{ h: HouseholdFixture; agent: Agent }> {
  const h = await createHousehold(ctx.db.knex);
  const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
  return { h, agent };
}

async function askPower(agent: Agent, contractId: number, p1: string, p2: string) {
  const path = `/contratos/${contractId}/potencia`;
  const csrf = csrfFrom((await agent.get(path).expect(200)).text);
  return agent.post(path).type('form').send({ _csrf: csrf, p1, p2 });
}

async function staffAgent(ctx: TestContext): Promise<Agent> {
  return loginStaff(request.agent(ctx.app), await createStaff(ctx.db.knex, { role: 'agente' }), ctx.clock);
}

describe('power change: from the request to the invoice', () => {
  let ctx: TestContext;
  before(async () => { ctx = await testContext(); });
  afterEach(() => ctx.clock.set(TEST_START));

  it('sent to the distributor, accepted from the 24th, shown "desde", billed pro rata, duplicates refused', async function () {
    this.timeout(60_000);
    const db = ctx.db.knex;
    const { h, agent } = await household(ctx);
    const contractId = h.supply.contractId;
    await addConsumption(db, contractId, [{ month: '2026-10', P1: 55, P2: 45, P3: 80 }, { month: '2026-11', P1: 60, P2: 50, P3: 90 }]);
    const [october] = await issueInvoices(db, contractId, ['2026-10']);

    // 1. the customer asks for 5,75 kW in both periods
    const first = await askPower(agent, contractId, '5.75', '5.75');
    expect(first.status).to.equal(303);
    const id = requestIdFrom(first.headers.location);
    const { reference } = await db('requests').where({ id }).first('reference');

    // 2. a second one while it is open: refused, with a link to the open one, nothing created
    const before = Number((await db('requests').where({ contract_id: contractId }).count('* as n').first())!.n);
    const second = await askPower(agent, contractId, '6.928', '6.928');
    expect(second.status).to.equal(409);
    expect(pageText(second.text)).to.include('Ya tienes esta gestión en curso').and.to.include('Modificar potencia').and.to.include(`Ver la gestión ${reference}`);
    expect(second.text).to.include(`href="/gestiones/${id}"`);
    expect(Number((await db('requests').where({ contract_id: contractId }).count('* as n').first())!.n)).to.equal(before);

    // 3. the administrator cannot complete it with the generic form, only through the distributor
    const staff = await staffAgent(ctx);
    const detail = await staff.get(`/admin/gestiones/${id}`).expect(200);
    expect(detail.text).not.to.include('<option value="completada"').and.not.to.include('<option value="en_tramite"');
    const generic = await staff.post(`/admin/gestiones/${id}/estado`).type('form').send({ _csrf: csrfFrom(detail.text), status: 'completada', note: '' });
    expect(generic.status).to.equal(422);
    expect(pageText(generic.text)).to.include('se termina con su propio formulario');

    await staff.post(`/admin/gestiones/${id}/distribuidora/envio`).type('form').send({ _csrf: csrfFrom(detail.text) }).expect(303);
    expect(await db('requests').where({ id }).first('status', 'sent_to_distributor_on')).to.deep.equal({ status: 'en_tramite', sent_to_distributor_on: '2026-11-20' });
    const mine = pageText((await agent.get(`/gestiones/${id}`).expect(200)).text);
    expect(mine).to.include('En trámite').and.to.include('Hemos enviado tu solicitud a la distribuidora i-DE Redes Eléctricas Inteligentes el 20/11/2026');
    // the request reads like a letter: values in kW and euros, what happens next and by when (20/11 + 15 days)
    expect(mine).to.include('Potencia que pides P1 5,75 kW · P2 5,75 kW').and.to.include('Enviada a la distribuidora 20/11/2026');
    expect(mine).to.include('Qué pasa ahora: La enviamos a la distribuidora i-DE Redes Eléctricas Inteligentes el 20/11/2026. Tiene hasta el 05/12/2026');
    expect((await mailsTo(db, h.user.email)).filter((m) => m.template === 'request_status').pop()?.text_body).to.include('el 20/11/2026');

    // 4. the distributor's answer: a date before the request is explained by the field (422, input kept)
    const answerPage = await staff.get(`/admin/gestiones/${id}/distribuidora`).expect(200);
    const csrf = csrfFrom(answerPage.text);
    const early = await staff.post(`/admin/gestiones/${id}/distribuidora`).type('form').send({ _csrf: csrf, answer: 'accepted', effectiveDate: '2026-11-02', reason: '' });
    expect(early.status).to.equal(422);
    expect(fieldError(early.text, 'effectiveDate')).to.equal('La fecha de efecto no puede ser anterior a la solicitud');
    expect(early.text).to.include('value="2026-11-02"');
    await staff.post(`/admin/gestiones/${id}/distribuidora`).type('form').send({ _csrf: csrf, answer: 'accepted', effectiveDate: '2026-11-24', reason: '' }).expect(303);
    expect(await db('requests').where({ id }).first('status', 'effective_date')).to.deep.equal({ status: 'completada', effective_date: '2026-11-24' });
    expect(await db('contract_power_periods').where({ contract_id: contractId }).orderBy('valid_from').select('valid_from', 'p1_kw', 'p2_kw', 'request_id'))
      .to.deep.equal([
        { valid_from: '2020-01-01', p1_kw: 4.6, p2_kw: 4.6, request_id: null },
        { valid_from: '2026-11-24', p1_kw: 5.75, p2_kw: 5.75, request_id: id },
      ]);
    const told = pageText((await agent.get(`/gestiones/${id}`).expect(200)).text);
    expect(told).to.include('Completada').and.to.include('Desde el 24/11/2026 tu potencia contratada es P1 5,75 kW y P2 5,75 kW');
    expect(told).to.include('Fecha de efecto desde el 24/11/2026').and.to.include('Tu nueva potencia rige desde el 24/11/2026');
    expect(await db('audit_log').where({ action: 'power_change.applied', target_id: String(contractId) }).count('* as n').first()).to.deep.equal({ n: 1 });

    // 5. the contract page: before the day, the change is announced; from it, the new powers "desde"
    const announced = pageText((await agent.get(`/contratos/${contractId}`).expect(200)).text);
    expect(announced).to.include('P1 4,6 kW · P2 4,6 kW').and.to.include('A partir del 24/11/2026: P1 5,75 kW · P2 5,75 kW');
    // (sessions expire when the clock jumps: log in again on the 25th)
    ctx.clock.set(new Date('2026-11-25T09:00:00Z'));
    const later = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const contract = await later.get(`/contratos/${contractId}`).expect(200);
    expect(pageText(contract.text)).to.include('P1 5,75 kW · P2 5,75 kW desde el 24/11/2026');

    // 6. the next billing: November, 1–23 at 4,6 kW (23 days) and 24–30 at 5,75 kW (7 days)
    //   Potencia P1 01/11–23/11  4,6 × 23 = 105,8 kW·día × 0,087595 = 9,267551    → 9,27
    //   Potencia P1 24/11–30/11  5,75 × 7 = 40,25 kW·día × 0,087595 = 3,52569875  → 3,53
    //   Potencia P2 01/11–23/11  105,8 kW·día × 0,009466             = 1,0015028   → 1,00
    //   Potencia P2 24/11–30/11  40,25 kW·día × 0,009466             = 0,3810065   → 0,38
    //   Energía  P1 60 × 0,199 = 11,94; P2 50 × 0,129 = 6,45; P3 90 × 0,089 = 8,01
    //   IEE  (9,27 + 3,53 + 1,00 + 0,38 + 11,94 + 6,45 + 8,01 = 40,58) × 5,11269632 % = 2,0747… → 2,07
    //   Alquiler 30 × 0,02663 = 0,7989 → 0,80
    //   Base 40,58 + 2,07 + 0,80 = 43,45; IVA 21 % = 9,1245 → 9,12; total 52,57 €
    const [november] = await issueInvoices(db, contractId, ['2026-11']);
    const lines = await db('invoice_lines').where({ invoice_id: november!.id }).orderBy('position').select('kind', 'period', 'detail', 'amount_cents');
    expect(lines.filter((l) => l.kind === 'power_term').map((l) => [l.period, l.detail, l.amount_cents])).to.deep.equal([
      ['P1', '4,6 kW × 23 días × 0,087595 €/kW día (01/11–23/11)', 927],
      ['P1', '5,75 kW × 7 días × 0,087595 €/kW día (24/11–30/11)', 353],
      ['P2', '4,6 kW × 23 días × 0,009466 €/kW día (01/11–23/11)', 100],
      ['P2', '5,75 kW × 7 días × 0,009466 €/kW día (24/11–30/11)', 38],
    ]);
    expect(await db('invoices').where({ id: november!.id }).first('taxable_base_cents', 'vat_cents', 'total_cents'))
      .to.deep.equal({ taxable_base_cents: 4345, vat_cents: 912, total_cents: 5257 });
    // October was billed before the change and stays as it was: all 31 days at 4,6 kW
    const oct = await db('invoice_lines').where({ invoice_id: october!.id, kind: 'power_term' }).orderBy('position').pluck('detail');
    expect(oct).to.deep.equal(['4,6 kW × 31 días × 0,087595 €/kW día', '4,6 kW × 31 días × 0,009466 €/kW día']);

    // 7. with the change finished, a new one may be asked for again
    expect((await askPower(later, contractId, '6.928', '6.928')).status).to.equal(303);
  });

  it('refused by the distributor: the reason reaches the customer and the powers do not change', async function () {
    this.timeout(30_000);
    const db = ctx.db.knex;
    const { h, agent } = await household(ctx);
    const id = requestIdFrom((await askPower(agent, h.supply.contractId, '9.2', '9.2')).headers.location);
    const staff = await staffAgent(ctx);
    const csrf = csrfFrom((await staff.get(`/admin/gestiones/${id}`).expect(200)).text);
    await staff.post(`/admin/gestiones/${id}/distribuidora/envio`).type('form').send({ _csrf: csrf }).expect(303);
    // sending twice is explained, not a 500
    await staff.post(`/admin/gestiones/${id}/distribuidora/envio`).type('form').send({ _csrf: csrf }).expect(303);
    const noReason = await staff.post(`/admin/gestiones/${id}/distribuidora`).type('form').send({ _csrf: csrf, answer: 'refused', effectiveDate: '', reason: ' ' });
    expect(noReason.status).to.equal(422);
    expect(fieldError(noReason.text, 'reason')).to.equal('Escribe el motivo del rechazo que leerá el cliente');
    const noAnswer = await staff.post(`/admin/gestiones/${id}/distribuidora`).type('form').send({ _csrf: csrf });
    expect(noAnswer.status).to.equal(422);
    await staff.post(`/admin/gestiones/${id}/distribuidora`).type('form')
      .send({ _csrf: csrf, answer: 'refused', effectiveDate: '', reason: 'La instalación necesita un boletín eléctrico nuevo para 9,2 kW' }).expect(303);
    expect((await db('requests').where({ id }).first('status')).status).to.equal('rechazada');
    expect(await db('supply_points').where({ id: h.supply.supplyPointId }).first('power_p1_kw', 'power_p2_kw')).to.deep.equal({ power_p1_kw: 4.6, power_p2_kw: 4.6 });
    expect(await db('contract_power_periods').where({ contract_id: h.supply.contractId }).count('* as n').first()).to.deep.equal({ n: 0 });
    expect(pageText((await agent.get(`/gestiones/${id}`).expect(200)).text)).to.include('no ha aceptado el cambio de potencia: La instalación necesita un boletín eléctrico nuevo para 9,2 kW');
    // answering again once finished: explained, nothing changes
    await staff.post(`/admin/gestiones/${id}/distribuidora`).type('form').send({ _csrf: csrf, answer: 'accepted', effectiveDate: '2026-11-24' }).expect(303);
    await staff.get(`/admin/gestiones/${id}/distribuidora`).expect(303);
    expect((await db('requests').where({ id }).first('status')).status).to.equal('rechazada');
  });
});
