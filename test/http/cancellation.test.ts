/**
 * Issue 14 item 4, cancellation (baja): the last day of supply and the final reading, checked
 * by the field (JS off: a plain form post); one open at a time; read-only contacts refused;
 * completion ends the contract, records the reading, and the final invoice stops on that day
 * and bills the final reading; nothing is billed after it.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import {
  addConsumption, createHousehold, createUser, csrfFrom, issueInvoices, linkUser, loginAs, mailsTo, pageText,
} from '../support/factories';
import { createStaff, loginStaff } from '../support/staff';
import { fieldError, requestIdFrom } from '../support/pages';

describe('cancellation (baja)', () => {
  let ctx: TestContext;
  before(async () => { ctx = await testContext(); });

  it('ends the contract on the day asked for; the final invoice bills the final reading, none after', async function () {
    this.timeout(60_000);
    const db = ctx.db.knex;
    const h = await createHousehold(db, { consumption: [{ month: '2026-10', P1: 90, P2: 70, P3: 120 }] });
    const contractId = h.supply.contractId;
    await issueInvoices(db, contractId, ['2026-10']);
    const sp = await db('contracts').where({ id: contractId }).first('supply_point_id');
    await db('meter_readings').insert({
      supply_point_id: sp.supply_point_id, reading_date: '2026-10-31', source: 'distributor', p1_kwh: 1000, p2_kwh: 800, p3_kwh: 1500,
    });
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const path = `/contratos/${contractId}/baja`;
    expect((await agent.get(`/contratos/${contractId}`).expect(200)).text).to.include(`href="${path}"`);
    const page = await agent.get(path).expect(200);
    expect(pageText(page.text)).to.include('Última lectura (31/10/2026): P1 1.000 kWh · P2 800 kWh · P3 1.500 kWh');
    const csrf = csrfFrom(page.text);

    // errors by the fields, what was typed kept
    const bad = await agent.post(path).type('form').send({ _csrf: csrf, endDate: '2026-10-20', p1: '1100', p2: '850', p3: '1499' });
    expect(bad.status).to.equal(422);
    expect(fieldError(bad.text, 'endDate')).to.equal('El último día de suministro no puede ser anterior a hoy');
    expect(fieldError(bad.text, 'p3')).to.equal('La lectura no puede ser menor que la última registrada');
    expect(bad.text).to.include('value="1499"');
    await agent.post(path).type('form').send({ endDate: '2026-11-25', p1: '1100', p2: '850', p3: '1600' }).expect(403);

    const reader = await createUser(db);
    await linkUser(db, reader, h.customer, 'authorized_read');
    const readerAgent = await loginAs(request.agent(ctx.app), reader.loginId, reader.password);
    const readerPage = await readerAgent.get(path).expect(200);
    expect(readerPage.text).not.to.include(`action="${path}"`);
    await readerAgent.post(path).type('form')
      .send({ _csrf: csrfFrom(readerPage.text), endDate: '2026-11-25', p1: '1100', p2: '850', p3: '1600' }).expect(403);

    const ok = await agent.post(path).type('form').send({ _csrf: csrf, endDate: '25/11/2026', p1: '1.100', p2: '850', p3: '1600' });
    expect(ok.status).to.equal(303);
    const id = requestIdFrom(ok.headers.location);
    const row = await db('requests').where({ id }).first('type', 'payload', 'reference');
    expect(row).to.deep.include({ type: 'cancellation' });
    expect(row.payload).to.deep.equal({ endDate: '2026-11-25', finalP1: 1100, finalP2: 850, finalP3: 1600 });
    expect((await mailsTo(db, h.user.email)).some((m) => m.template === 'request_created')).to.equal(true);
    expect(pageText((await agent.get(`/gestiones/${id}`).expect(200)).text))
      .to.include('Último día de suministro 25/11/2026').and.to.include('Lectura final P1 (kWh) 1100');
    const again = await agent.post(path).type('form').send({ _csrf: csrf, endDate: '2026-11-28', p1: '1100', p2: '850', p3: '1600' });
    expect(again.status).to.equal(409);
    expect(again.text).to.include(`href="/gestiones/${id}"`);

    // a maintenance service in force since the 1st, and one already cancelled to end later
    const customerId = (await db('contracts').where({ id: contractId }).first('customer_id')).customer_id;
    const service = (fields: Record<string, unknown>) => ({
      contract_id: contractId, customer_id: customerId, monthly_fee_cents: 690, permanence_months: 12,
      created_at: new Date('2026-11-01T09:00:00Z'), ...fields,
    });
    const [check] = await db('contract_services').insert(service({ service_code: 'electric_check', start_date: '2026-11-01' }), 'id');
    const [urgent] = await db('contract_services').insert(service({
      service_code: 'electric_urgent', start_date: '2026-10-01', end_date: '2026-11-30', monthly_fee_cents: 490,
    }), 'id');

    // the administrator completes it: the contract ends on the 25th, the reading is recorded
    const staff = await loginStaff(request.agent(ctx.app), await createStaff(db), ctx.clock);
    const detail = await staff.get(`/admin/gestiones/${id}`).expect(200);
    await staff.post(`/admin/gestiones/${id}/estado`).type('form')
      .send({ _csrf: csrfFrom(detail.text), status: 'completada', note: '' }).expect(303);
    expect(await db('contracts').where({ id: contractId }).first('status', 'end_date'))
      .to.deep.equal({ status: 'ended', end_date: '2026-11-25' });
    expect(await db('meter_readings').where({ supply_point_id: sp.supply_point_id, reading_date: '2026-11-25' })
      .first('source', 'p1_kwh', 'p2_kwh', 'p3_kwh')).to.deep.equal({ source: 'customer', p1_kwh: 1100, p2_kwh: 850, p3_kwh: 1600 });
    expect((await db('requests').where({ id }).first('effective_date')).effective_date).to.equal('2026-11-25');
    expect(await db('audit_log').where({ action: 'contract.ended', target_id: String(contractId) }).first('details'))
      .to.deep.equal({ details: { reference: row.reference, endDate: '2026-11-25' } });
    expect(pageText((await agent.get(`/gestiones/${id}`).expect(200)).text))
      .to.include('Tu contrato termina el 25/11/2026. La factura final usará tu lectura de ese día.');
    // its services end with it, each with an audit row
    expect(await db('contract_services').whereIn('id', [check.id, urgent.id]).orderBy('id').select('end_date'))
      .to.deep.equal([{ end_date: '2026-11-25' }, { end_date: '2026-11-25' }]);
    const ended = await db('audit_log').where({ action: 'service.ended_with_contract', target_id: String(contractId) })
      .orderBy('id').select('details');
    expect(ended.map((a) => [a.details.service, a.details.previousEndDate, a.details.endDate, a.details.reference])).to.deep.equal([
      ['electric_check', null, '2026-11-25', row.reference], ['electric_urgent', '2026-11-30', '2026-11-25', row.reference],
    ]);

    // the distributor's whole-month metering arrives, but the final invoice stops on the 25th
    // and bills the final reading against October's: 100 + 50 + 100 kWh
    await addConsumption(db, contractId, [{ month: '2026-11', P1: 300, P2: 300, P3: 300 }, { month: '2026-12', P1: 1, P2: 1, P3: 1 }]);
    const [final] = await issueInvoices(db, contractId, ['2026-11']);
    expect(await db('invoices').where({ id: final!.id }).first(
      'period_start', 'period_end', 'consumption_p1_kwh', 'consumption_p2_kwh', 'consumption_p3_kwh', 'readings_source',
    )).to.deep.equal({
      period_start: '2026-11-01', period_end: '2026-11-25', consumption_p1_kwh: 100, consumption_p2_kwh: 50,
      consumption_p3_kwh: 100, readings_source: 'customer',
    });
    // 25 days of power, not 30, and of each service
    const power = await db('invoice_lines').where({ invoice_id: final!.id, kind: 'power_term' }).select('quantity');
    expect(power.map((l) => Number(l.quantity))).to.deep.equal([115, 115]);
    const services = await db('invoice_lines').where({ invoice_id: final!.id, kind: 'service' }).orderBy('position')
      .select('quantity', 'amount_cents');
    expect(services.map((l) => [Number(l.quantity), l.amount_cents])).to.deep.equal([[0.833, 408], [0.833, 575]]);
    let after: unknown = null;
    try { await issueInvoices(db, contractId, ['2026-12']); } catch (err) { after = err; }
    expect(String(after)).to.include('is not billable for 2026-12');
  });
});
