/**
 * Gestiones on the supply point: the customer's meter reading (recorded at once, with the
 * confirmation step for a value far above the usual consumption) and the contracted power
 * change (a request for the distributor). Happy paths, each bad input, and the guard.
 */
import { expect } from 'chai';
import request from 'supertest';
import type { Knex } from 'knex';
import { testContext, type TestContext } from '../support/context';
import {
  createContractAccount, createCustomer, createHousehold, createSupply, createUser, csrfFrom, linkUser, loginAs, mailsTo, pageText,
  type Agent, type HouseholdFixture,
} from '../support/factories';
import { estimateMonthlyPowerCostDifference } from '../../src/domain/billing';
import { todayInSpain } from '../../src/domain/time';
import { fieldError, formTokenOf, inputValue, requestIdFrom } from '../support/pages';

// ---------------------------------------------------------------------------------------------
// Helpers

/** The date `days` before today in Spain (what the app calls today), as YYYY-MM-DD. */
function daysBefore(now: Date, days: number): string {
  return todayInSpain(new Date(now.getTime() - days * 86_400_000));
}

function dmy(iso: string): string {
  return iso.split('-').reverse().join('/');
}

/** The 12 months before the current one, YYYY-MM, oldest first. */
function last12Months(now: Date): string[] {
  const [y, m] = todayInSpain(now).split('-').map(Number) as [number, number];
  return Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(y, m - 13 + i, 1)).toISOString().slice(0, 7));
}





async function count(db: Knex, table: string, where: Record<string, unknown>): Promise<number> {
  const r = await db(table).where(where).count<{ count: string }[]>('* as count').first();
  return Number(r?.count ?? 0);
}

// A usual month of 365 kWh is 12 kWh a day; the last reading is 20 days old, so 240 kWh is
// usual since then and more than 720 kWh needs the customer's confirmation.
const LAST = { P1: 10_000, P2: 5_000, P3: 3_000 };
const DAYS_SINCE_LAST = 20;

interface Household extends HouseholdFixture { agent: Agent; lastDate: string; today: string }

/** A household on 2.0TD at 4,6 kW with 12 months of history and a distributor reading 20 days ago. */
async function household(ctx: TestContext, opts: { reading?: boolean } = {}): Promise<Household> {
  const db = ctx.db.knex;
  const now = ctx.clock.now();
  const h = await createHousehold(db, { consumption: last12Months(now).map((month) => ({ month, P1: 100, P2: 100, P3: 165 })) });
  const lastDate = daysBefore(now, DAYS_SINCE_LAST);
  if (opts.reading !== false) {
    await db('meter_readings').insert({ supply_point_id: h.supply.supplyPointId, reading_date: lastDate, source: 'distributor', p1_kwh: LAST.P1, p2_kwh: LAST.P2, p3_kwh: LAST.P3 });
  }
  const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
  return { ...h, agent, lastDate, today: todayInSpain(now) };
}

async function readingCount(db: Knex, supplyPointId: number): Promise<number> {
  return count(db, 'meter_readings', { supply_point_id: supplyPointId });
}

async function requestCount(db: Knex, customerId: number): Promise<number> {
  return count(db, 'requests', { customer_id: customerId });
}

// ---------------------------------------------------------------------------------------------

describe('gestiones: meter reading', () => {
  let ctx: TestContext;
  let db: Knex;
  before(async () => {
    ctx = await testContext();
    db = ctx.db.knex;
  });

  it('shows the last reading, the usual consumption and a form for the three periods dated today', async () => {
    const h = await household(ctx);
    const res = await h.agent.get(`/contratos/${h.supply.contractId}/lectura`).expect(200);
    const text = pageText(res.text);
    expect(text).to.include('Aportar lectura');
    expect(text).to.include('Última lectura');
    expect(text).to.include(dmy(h.lastDate));
    expect(text).to.include('Distribuidora');
    expect(text).to.include('P1 · punta 10.000 kWh');
    expect(text).to.include('P2 · llano 5000 kWh');
    expect(text).to.include('P3 · valle 3000 kWh');
    expect(text).to.include('Tu consumo habitual es de unos 365 kWh al mes');
    expect(inputValue(res.text, 'date')).to.equal(h.today);
    expect(res.text).to.match(new RegExp(`<input id="f-date" name="date" type="date"[^>]*max="${h.today}"`));
    for (const f of ['p1', 'p2', 'p3']) expect(inputValue(res.text, f)).to.equal('');
    expect(res.text).to.include(`action="/contratos/${h.supply.contractId}/lectura"`);
  });

  it('records the reading as a customer reading with a completed request, audit row and email, in one go', async () => {
    const h = await household(ctx);
    const path = `/contratos/${h.supply.contractId}/lectura`;
    const res = await h.agent.post(path).type('form')
      .send({ _csrf: await formTokenOf(h.agent, path), date: h.today, p1: '10.100', p2: ' 5050 ', p3: '3090' }).expect(303);
    const id = requestIdFrom(res.headers.location);

    const reading = await db('meter_readings').where({ supply_point_id: h.supply.supplyPointId, source: 'customer' }).first();
    expect(reading).to.include({ reading_date: h.today, p1_kwh: 10_100, p2_kwh: 5_050, p3_kwh: 3_090, created_by: h.user.id });

    const r = await db('requests').where({ id }).first();
    expect(r).to.include({ type: 'meter_reading', status: 'completada', customer_id: h.customer.id, contract_id: h.supply.contractId, created_by: h.user.id });
    expect(r.payload).to.deep.equal({
      readingDate: h.today, readingP1: 10_100, readingP2: 5_050, readingP3: 3_090, previousReadingDate: h.lastDate, consumptionKwh: 240,
    });
    const events = await db('request_events').where({ request_id: id }).orderBy('id').select('kind', 'status', 'note');
    expect(events.map((e) => e.status)).to.deep.equal(['recibida', 'completada']);
    expect(events[1]!.note).to.equal(`Lectura registrada (fecha de la lectura: ${dmy(h.today)}).`);
    expect(await count(db, 'audit_log', { action: 'request.meter_reading', target_type: 'request', target_id: String(id), actor_id: h.user.id })).to.equal(1);
    const mails = await mailsTo(db, h.user.email);
    expect(mails.map((m) => m.template)).to.include('request_created');
    expect(mails.find((m) => m.template === 'request_created')!.text_body).to.include(r.reference);

    const detail = await h.agent.get(res.headers.location!).expect(200);
    const text = pageText(detail.text);
    expect(text).to.include(`Hemos registrado tu lectura del ${dmy(h.today)} con la referencia ${r.reference}`);
    expect(text).to.include('Completada');
    expect(text).to.include('Lectura P1 · punta (kWh) 10.100');
    expect(text).to.include('Consumo desde la lectura anterior (kWh) 240');

    const list = await h.agent.get('/gestiones').expect(200);
    expect(pageText(list.text)).to.include(r.reference).and.to.include('Aportar lectura');

    // the form now shows the new reading as the last one, given by the customer
    const again = pageText((await h.agent.get(path).expect(200)).text);
    expect(again).to.include('Aportada por el cliente');
    expect(again).to.include('P1 · punta 10.100 kWh');
  });

  describe('refuses bad input with the error by the field, keeping what was typed and saving nothing (422)', () => {
    const cases: { name: string; body: (h: Household) => Record<string, string>; field: string; error: (h: Household) => string }[] = [
      { name: 'letters', body: (h) => ({ date: h.today, p1: 'diez mil', p2: '5050', p3: '3090' }), field: 'p1', error: () => 'Escribe la lectura con números enteros, sin decimales (por ejemplo, 12345)' },
      { name: 'decimals', body: (h) => ({ date: h.today, p1: '10100', p2: '5050,5', p3: '3090' }), field: 'p2', error: () => 'Escribe la lectura con números enteros, sin decimales (por ejemplo, 12345)' },
      { name: 'negative', body: (h) => ({ date: h.today, p1: '10100', p2: '5050', p3: '-3' }), field: 'p3', error: () => 'La lectura no puede ser negativa' },
      { name: 'too many digits', body: (h) => ({ date: h.today, p1: '123456789012', p2: '5050', p3: '3090' }), field: 'p1', error: () => 'La lectura tiene demasiadas cifras: revisa que la has copiado bien' },
      { name: 'a period left empty', body: (h) => ({ date: h.today, p1: '10100', p2: '', p3: '3090' }), field: 'p2', error: () => 'Este campo es requerido' },
      { name: 'P2 below the last reading', body: (h) => ({ date: h.today, p1: '10100', p2: '4999', p3: '3090' }), field: 'p2', error: (h) => `La lectura no puede ser inferior a la última (5000 kWh, del ${dmy(h.lastDate)})` },
      { name: 'P1 below the last reading', body: (h) => ({ date: h.today, p1: '9999', p2: '5050', p3: '3090' }), field: 'p1', error: (h) => `La lectura no puede ser inferior a la última (10.000 kWh, del ${dmy(h.lastDate)})` },
      { name: 'a date in the future', body: (h) => ({ date: daysBefore(new Date(`${h.today}T12:00:00Z`), -1), p1: '10100', p2: '5050', p3: '3090' }), field: 'date', error: () => 'La fecha de la lectura no puede ser posterior a hoy' },
      { name: 'a date before the last reading', body: (h) => ({ date: daysBefore(new Date(`${h.lastDate}T12:00:00Z`), 1), p1: '10100', p2: '5050', p3: '3090' }), field: 'date', error: (h) => `La fecha no puede ser anterior a la de la última lectura (${dmy(h.lastDate)})` },
      { name: 'an impossible date', body: () => ({ date: '31/02/2026', p1: '10100', p2: '5050', p3: '3090' }), field: 'date', error: () => 'Escribe una fecha válida, con el formato dd/mm/aaaa' },
      { name: 'no date', body: () => ({ date: '', p1: '10100', p2: '5050', p3: '3090' }), field: 'date', error: () => 'Este campo es requerido' },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const h = await household(ctx);
        const path = `/contratos/${h.supply.contractId}/lectura`;
        const body = c.body(h);
        const res = await h.agent.post(path).type('form').send({ _csrf: await formTokenOf(h.agent, path), ...body }).expect(422);
        expect(fieldError(res.text, c.field)).to.equal(c.error(h));
        expect(res.text).to.include(`href="#f-${c.field}"`);
        for (const f of ['p1', 'p2', 'p3']) expect(inputValue(res.text, f)).to.equal(body[f]!.replace(/"/g, '&quot;'));
        expect(inputValue(res.text, 'date')).to.equal(body.date);
        expect(await readingCount(db, h.supply.supplyPointId)).to.equal(1);
        expect(await requestCount(db, h.customer.id)).to.equal(0);
      });
    }
  });

  it('asks to confirm a reading far above the usual consumption, then records it once confirmed', async () => {
    const h = await household(ctx);
    const path = `/contratos/${h.supply.contractId}/lectura`;
    const body = { date: h.today, p1: '20000', p2: '5050', p3: '3090' };
    const first = await h.agent.post(path).type('form').send({ _csrf: await formTokenOf(h.agent, path), ...body }).expect(200);
    const text = pageText(first.text);
    expect(text).to.include('Comprueba la lectura');
    expect(text).to.include(`habrías consumido 10.140 kWh desde la última lectura (${dmy(h.lastDate)}), y lo habitual en ese tiempo son unos 240 kWh`);
    expect(first.text).to.include('id="f-confirm" name="confirm"');
    expect(text).to.include('Sí, la lectura es correcta');
    for (const f of ['p1', 'p2', 'p3'] as const) expect(inputValue(first.text, f)).to.equal(body[f]);
    expect(await readingCount(db, h.supply.supplyPointId)).to.equal(1);
    expect(await requestCount(db, h.customer.id)).to.equal(0);
    const confirmedFor = /name="confirmedFor" value="([^"]+)"/.exec(first.text)![1]!;

    // sent again without ticking the box: still only the question
    await h.agent.post(path).type('form').send({ _csrf: csrfFrom(first.text), ...body, confirmedFor }).expect(200);
    // ticked, but for other values than those confirmed: asked again about the new ones
    const changed = await h.agent.post(path).type('form').send({ _csrf: csrfFrom(first.text), ...body, p1: '21000', confirmedFor, confirm: '1' }).expect(200);
    expect(pageText(changed.text)).to.include('habrías consumido 11.140 kWh');
    expect(await readingCount(db, h.supply.supplyPointId)).to.equal(1);

    const res = await h.agent.post(path).type('form').send({ _csrf: csrfFrom(first.text), ...body, confirmedFor, confirm: '1' }).expect(303);
    const id = requestIdFrom(res.headers.location);
    expect(await db('meter_readings').where({ supply_point_id: h.supply.supplyPointId, source: 'customer' }).first()).to.include({ p1_kwh: 20_000 });
    const note = await db('request_events').where({ request_id: id, status: 'completada' }).first('note');
    expect(note.note).to.include('Nos confirmaste que es correcta aunque supera tu consumo habitual');
  });

  it('reads gas meters as one register in m³', async () => {
    const h = await household(ctx, { reading: false });
    const gas = await createSupply(db, h.account, { energy: 'gas' });
    await db('meter_readings').insert({ supply_point_id: gas.supplyPointId, reading_date: h.lastDate, source: 'distributor', p1_kwh: 4_321, p2_kwh: null, p3_kwh: null });
    const path = `/contratos/${gas.contractId}/lectura`;
    const page = await h.agent.get(path).expect(200);
    expect(pageText(page.text)).to.include('Lectura 4321 m³');
    expect(inputValue(page.text, 'm3')).to.equal('');
    expect(inputValue(page.text, 'p1')).to.equal(null);

    const below = await h.agent.post(path).type('form').send({ _csrf: csrfFrom(page.text), date: h.today, m3: '4000' }).expect(422);
    expect(fieldError(below.text, 'm3')).to.equal(`La lectura no puede ser inferior a la última (4321 m³, del ${dmy(h.lastDate)})`);

    const res = await h.agent.post(path).type('form').send({ _csrf: csrfFrom(page.text), date: dmy(h.today), m3: '4400' }).expect(303);
    const r = await db('requests').where({ id: requestIdFrom(res.headers.location) }).first();
    expect(r.payload).to.deep.equal({ readingDate: h.today, readingM3: 4_400, previousReadingDate: h.lastDate, consumptionM3: 79 });
    expect(await db('meter_readings').where({ supply_point_id: gas.supplyPointId, source: 'customer' }).first()).to.include({ p1_kwh: 4_400, p2_kwh: null, p3_kwh: null });
  });

  it('asks for a single total when the meter has no periods', async () => {
    const h = await household(ctx, { reading: false });
    await db('meter_readings').insert({ supply_point_id: h.supply.supplyPointId, reading_date: h.lastDate, source: 'distributor', p1_kwh: 18_000, p2_kwh: null, p3_kwh: null });
    const path = `/contratos/${h.supply.contractId}/lectura`;
    const page = await h.agent.get(path).expect(200);
    expect(inputValue(page.text, 'total')).to.equal('');
    expect(inputValue(page.text, 'p1')).to.equal(null);
    const res = await h.agent.post(path).type('form').send({ _csrf: csrfFrom(page.text), date: h.today, total: '18.200' }).expect(303);
    const r = await db('requests').where({ id: requestIdFrom(res.headers.location) }).first();
    expect(r.payload).to.include({ readingTotal: 18_200, consumptionKwh: 200 });
  });

  it('takes the first reading of a meter with nothing to compare with', async () => {
    const h = await household(ctx, { reading: false });
    const path = `/contratos/${h.supply.contractId}/lectura`;
    const page = await h.agent.get(path).expect(200);
    expect(pageText(page.text)).to.include('Todavía no tenemos ninguna lectura de este contador');
    await h.agent.post(path).type('form').send({ _csrf: csrfFrom(page.text), date: h.today, p1: '1', p2: '2', p3: '3' }).expect(303);
    expect(await readingCount(db, h.supply.supplyPointId)).to.equal(1);
  });
});

describe('gestiones: contracted power', () => {
  let ctx: TestContext;
  let db: Knex;
  before(async () => {
    ctx = await testContext();
    db = ctx.db.knex;
  });

  it('shows the current power and every standard step up to 15 kW, the current ones chosen', async () => {
    const h = await household(ctx);
    const res = await h.agent.get(`/contratos/${h.supply.contractId}/potencia`).expect(200);
    const text = pageText(res.text);
    expect(text).to.include('Modificar potencia');
    expect(text).to.include('P1 · punta y llano 4,6 kW');
    expect(text).to.include('P2 · valle 4,6 kW');
    expect(text).to.include('Elige la nueva potencia y pulsa «Calcular»');
    expect((res.text.match(/<option value="/g) ?? []).length).to.equal(2 * 23);
    expect((res.text.match(/<option value="4.6" selected>/g) ?? []).length).to.equal(2);
    expect(res.text).to.include('<option value="14.49">14,49 kW</option>');
    expect(res.text).not.to.include('<option value="15');
    // nothing to post until an estimate is shown
    expect(res.text).not.to.include(`method="post" action="/contratos/${h.supply.contractId}/potencia"`);
  });

  it('"Calcular" shows the monthly difference without JavaScript, and htmx gets only the fragment', async () => {
    const h = await household(ctx);
    const path = `/contratos/${h.supply.contractId}/potencia`;
    const cents = estimateMonthlyPowerCostDifference('tarifa-luz-3-periodos', { P1: 4.6, P2: 4.6 }, { P1: 5.75, P2: 5.75 });
    expect(cents).to.be.greaterThan(0);
    const amount = new Intl.NumberFormat('es-ES', { style: 'currency', currency: 'EUR' }).format(cents / 100).replace(/\s/g, ' ');

    const page = await h.agent.get(`${path}?p1=5.75&p2=5.75`).expect(200);
    const text = pageText(page.text);
    expect(text).to.include('De P1 4,6 kW y P2 4,6 kW a P1 5,75 kW y P2 5,75 kW.');
    expect(text).to.include(`Tu factura subiría unos ${amount} al mes.`);
    expect((page.text.match(/<option value="5.75" selected>/g) ?? []).length).to.equal(2);
    expect(page.text).to.include(`method="post" action="${path}"`);
    expect(page.text).to.include('<html');

    const fragment = await h.agent.get(`${path}?p1=3.45&p2=4.6`).set('HX-Request', 'true').expect(200);
    expect(fragment.text).not.to.include('<html');
    expect(fragment.text).not.to.include('<select');
    expect(pageText(fragment.text)).to.include('Tu factura bajaría unos');
    expect(fragment.text).to.include('name="p1" value="3.45"');
    expect(fragment.headers.vary).to.match(/HX-Request/i);

    const unchanged = await h.agent.get(`${path}?p1=4.6&p2=4.6`).set('HX-Request', 'true').expect(200);
    expect(pageText(unchanged.text)).to.include('Ya tienes contratada esta potencia');
    expect(unchanged.text).not.to.include('method="post"');
    const odd = await h.agent.get(`${path}?p1=5&p2=4.6`).expect(200);
    expect(fieldError(odd.text, 'p1')).to.equal('5 kW no es una potencia normalizada: elige una de la lista');
  });

  it('sends the change to the distributor as a request, with the estimate, audit row and email', async () => {
    const h = await household(ctx);
    const path = `/contratos/${h.supply.contractId}/potencia`;
    const page = await h.agent.get(`${path}?p1=5.75&p2=3.45`).expect(200);
    const res = await h.agent.post(path).type('form').send({ _csrf: csrfFrom(page.text), p1: '5.75', p2: '3.45' }).expect(303);
    const id = requestIdFrom(res.headers.location);
    const r = await db('requests').where({ id }).first();
    expect(r).to.include({ type: 'power_change', status: 'recibida', customer_id: h.customer.id, contract_id: h.supply.contractId });
    const cents = estimateMonthlyPowerCostDifference('tarifa-luz-3-periodos', { P1: 4.6, P2: 4.6 }, { P1: 5.75, P2: 3.45 });
    expect(r.payload).to.deep.equal({ fromP1: 4.6, fromP2: 4.6, toP1: 5.75, toP2: 3.45, monthlyDifferenceCents: cents });
    // the distributor changes the power, not this request
    expect(await db('supply_points').where({ id: h.supply.supplyPointId }).first('power_p1_kw', 'power_p2_kw')).to.deep.equal({ power_p1_kw: 4.6, power_p2_kw: 4.6 });
    expect(await count(db, 'audit_log', { action: 'request.power_change', target_id: String(id) })).to.equal(1);
    expect((await mailsTo(db, h.user.email)).map((m) => m.template)).to.include('request_created');

    const detail = pageText((await h.agent.get(res.headers.location!).expect(200)).text);
    expect(detail).to.include(`Hemos recibido tu solicitud de cambio de potencia con la referencia ${r.reference}`);
    expect(detail).to.include('Recibida');
    expect(detail).to.include('P1 de 4,6 kW a 5,75 kW y P2 de 4,6 kW a 3,45 kW');
    expect(pageText((await h.agent.get('/gestiones').expect(200)).text)).to.include(r.reference).and.to.include('Modificar potencia');

    // the page now says a change is pending
    const again = await h.agent.get(path).expect(200);
    expect(pageText(again.text)).to.include(`pendiente de la distribuidora: ${r.reference}`);
  });

  describe('refuses bad input with the error by the field and saves nothing (422)', () => {
    const cases: { name: string; body: Record<string, string>; field: string; error: string }[] = [
      { name: 'not a standard step', body: { p1: '5', p2: '4.6' }, field: 'p1', error: '5 kW no es una potencia normalizada: elige una de la lista' },
      { name: 'not a number', body: { p1: '4.6', p2: 'mucha' }, field: 'p2', error: 'mucha kW no es una potencia normalizada: elige una de la lista' },
      { name: 'above 15 kW', body: { p1: '17.321', p2: '4.6' }, field: 'p1', error: 'La tarifa 2.0TD admite como máximo 15 kW' },
      { name: 'unchanged', body: { p1: '4.6', p2: '4,6' }, field: 'p1', error: 'Ya tienes contratada esta potencia: elige otra distinta en P1 o en P2' },
      { name: 'missing', body: { p1: '', p2: '5.75' }, field: 'p1', error: 'Elige una potencia' },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const h = await household(ctx);
        const path = `/contratos/${h.supply.contractId}/potencia`;
        const res = await h.agent.post(path).type('form').send({ _csrf: await formTokenOf(h.agent, path), ...c.body }).expect(422);
        expect(fieldError(res.text, c.field)).to.equal(c.error);
        expect(res.text).to.include(`href="#f-${c.field}"`);
        expect(await requestCount(db, h.customer.id)).to.equal(0);
      });
    }

    it('keeps the standard step that was chosen in the other select', async () => {
      const h = await household(ctx);
      const path = `/contratos/${h.supply.contractId}/potencia`;
      const res = await h.agent.post(path).type('form').send({ _csrf: await formTokenOf(h.agent, path), p1: '5', p2: '6.928' }).expect(422);
      expect(res.text).to.include('<option value="6.928" selected>');
    });
  });

  it('does not exist for gas supplies (404)', async () => {
    const h = await household(ctx);
    const gas = await createSupply(db, h.account, { energy: 'gas' });
    const token = await formTokenOf(h.agent, `/contratos/${h.supply.contractId}/lectura`);
    await h.agent.get(`/contratos/${gas.contractId}/potencia`).expect(404);
    await h.agent.get(`/contratos/${gas.contractId}/potencia?p1=5.75&p2=5.75`).expect(404);
    await h.agent.post(`/contratos/${gas.contractId}/potencia`).type('form').send({ _csrf: token, p1: '5.75', p2: '5.75' }).expect(404);
    expect(await requestCount(db, h.customer.id)).to.equal(0);
  });
});

describe('gestiones on the supply point: access', () => {
  let ctx: TestContext;
  let db: Knex;
  before(async () => {
    ctx = await testContext();
    db = ctx.db.knex;
  });

  it('lets a read-only contact see the pages without the forms, and answers 403 to their posts', async () => {
    const owner = await createCustomer(db, { kind: 'company' });
    const account = await createContractAccount(db, owner);
    const supply = await createSupply(db, account);
    await db('meter_readings').insert({ supply_point_id: supply.supplyPointId, reading_date: '2026-10-01', source: 'distributor', p1_kwh: 100, p2_kwh: 100, p3_kwh: 100 });
    const reader = await createUser(db);
    await linkUser(db, reader, owner, 'authorized_read');
    const agent = await loginAs(request.agent(ctx.app), reader.loginId, reader.password);
    const token = csrfFrom((await agent.get(`/contratos/${supply.contractId}`).expect(200)).text);

    const reading = await agent.get(`/contratos/${supply.contractId}/lectura`).expect(200);
    expect(pageText(reading.text)).to.include('Última lectura').and.to.include('solo lectura');
    expect(reading.text).not.to.include(`action="/contratos/${supply.contractId}/lectura"`);
    expect(reading.text).not.to.include('name="p1"');
    const power = await agent.get(`/contratos/${supply.contractId}/potencia?p1=5.75&p2=5.75`).expect(200);
    expect(pageText(power.text)).to.include('Potencia actual').and.to.include('solo lectura');
    expect(power.text).not.to.include(`method="post" action="/contratos/${supply.contractId}/potencia"`);
    expect(power.text).not.to.include('<select');

    await agent.post(`/contratos/${supply.contractId}/lectura`).type('form').send({ _csrf: token, date: '2026-11-01', p1: '200', p2: '200', p3: '200' }).expect(403);
    await agent.post(`/contratos/${supply.contractId}/potencia`).type('form').send({ _csrf: token, p1: '5.75', p2: '5.75' }).expect(403);
    expect(await readingCount(db, supply.supplyPointId)).to.equal(1);
    expect(await requestCount(db, owner.id)).to.equal(0);
  });

  it("answers 404 for another customer's contract, exactly as for one that does not exist", async () => {
    const owner = await household(ctx);
    const stranger = await household(ctx);
    const token = await formTokenOf(stranger.agent, `/contratos/${stranger.supply.contractId}/lectura`);
    for (const p of ['lectura', 'potencia']) {
      const res = await stranger.agent.get(`/contratos/${owner.supply.contractId}/${p}`).expect(404);
      const missing = await stranger.agent.get(`/contratos/999999999/${p}`).expect(404);
      expect(pageText(res.text)).to.equal(pageText(missing.text));
    }
    await stranger.agent.post(`/contratos/${owner.supply.contractId}/lectura`).type('form').send({ _csrf: token, date: owner.today, p1: '10100', p2: '5050', p3: '3090' }).expect(404);
    await stranger.agent.post(`/contratos/${owner.supply.contractId}/potencia`).type('form').send({ _csrf: token, p1: '5.75', p2: '5.75' }).expect(404);
    expect(await readingCount(db, owner.supply.supplyPointId)).to.equal(1);
    expect(await requestCount(db, owner.customer.id)).to.equal(0);
  });

  it('refuses both forms without a CSRF token (403) and saves nothing', async () => {
    const h = await household(ctx);
    await h.agent.post(`/contratos/${h.supply.contractId}/lectura`).type('form').send({ date: h.today, p1: '10100', p2: '5050', p3: '3090' }).expect(403);
    await h.agent.post(`/contratos/${h.supply.contractId}/potencia`).type('form').send({ p1: '5.75', p2: '5.75' }).expect(403);
    await h.agent.post(`/contratos/${h.supply.contractId}/lectura`).type('form').send({ _csrf: 'not-the-token', date: h.today, p1: '10100', p2: '5050', p3: '3090' }).expect(403);
    expect(await readingCount(db, h.supply.supplyPointId)).to.equal(1);
    expect(await requestCount(db, h.customer.id)).to.equal(0);
  });

  it('sends visitors who are not logged in to the login page', async () => {
    const h = await household(ctx);
    await request(ctx.app).get(`/contratos/${h.supply.contractId}/lectura`).expect(303).expect('Location', '/');
    await request(ctx.app).get(`/contratos/${h.supply.contractId}/potencia`).expect(303).expect('Location', '/');
  });

  it('speaks Catalan to Catalan users', async () => {
    const h = await household(ctx);
    await db('users').where({ id: h.user.id }).update({ language: 'ca' });
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const reading = pageText((await agent.get(`/contratos/${h.supply.contractId}/lectura`).expect(200)).text);
    expect(reading).to.include('La teva lectura').and.to.include('P3 · vall');
    const power = pageText((await agent.get(`/contratos/${h.supply.contractId}/potencia?p1=5.75&p2=5.75`).expect(200)).text);
    expect(power).to.include('La teva factura pujaria uns');
  });
});
