/**
 * Issue 14 item 4, product change: the other products with the monthly difference the billing
 * function gives on the customer's own last 12 months; a request (JS off: a plain form post;
 * one open at a time; read-only contacts refused); completion moves the contract to the new
 * product from the first day of next month, which the next invoices follow.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import {
  addConsumption, createHousehold, createUser, csrfFrom, issueInvoices, linkUser, loginAs, mailsTo, pageText,
} from '../support/factories';
import { createStaff, loginStaff } from '../support/staff';
import { fieldError, requestIdFrom } from '../support/pages';
import { monthlyCostDifference } from '../../src/domain/product-change';

const ESTABLE = 'tarifa-luz-estable';
const TRES = 'tarifa-luz-3-periodos';

describe('product change', () => {
  let ctx: TestContext;
  before(async () => { ctx = await testContext(); });

  it('compares on the last 12 months, asks once, and applies from the 1st of next month', async function () {
    this.timeout(60_000);
    const db = ctx.db.knex;
    // the test clock is 20/11/2026: the last closed month is October, the 12 months Nov 2025 – Oct 2026
    const year = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2025, 10 + i, 1)).toISOString().slice(0, 7));
    const usage = year.map((month, i) => ({ month, P1: 40 + i, P2: 60, P3: 200 }));
    const h = await createHousehold(db, { consumption: usage });
    const contractId = h.supply.contractId;
    await db('contracts').where({ id: contractId }).update({ product_code: ESTABLE });
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const path = `/contratos/${contractId}/tarifa`;

    // the contract page offers it; the page shows the difference the billing function gives
    expect((await agent.get(`/contratos/${contractId}`).expect(200)).text).to.include(`href="${path}"`);
    const page = await agent.get(path).expect(200);
    const expected = monthlyCostDifference({
      energy: 'electricity', fromCode: ESTABLE, toCode: TRES, powerKw: { P1: 4.6, P2: 4.6 },
      months: usage.map((u) => ({ month: u.month, consumption: { P1: u.P1, P2: u.P2, P3: u.P3 } })),
    })!;
    // most of it in valle: the 3-period product is cheaper
    expect(expected).to.be.lessThan(0);
    const euros = (Math.abs(expected) / 100).toFixed(2).replace('.', ',');
    const text = pageText(page.text);
    expect(text).to.include('calculada con tu consumo real de los últimos 12 meses')
      .and.to.include(`Ahorrarías unos ${euros} € al mes`);
    const csrf = csrfFrom(page.text);

    // nothing chosen, or a product that is not offered: 422, the error by the field
    const none = await agent.post(path).type('form').send({ _csrf: csrf });
    expect(none.status).to.equal(422);
    expect(fieldError(none.text, 'product')).to.equal('Elige la tarifa a la que quieres cambiar');
    const bogus = await agent.post(path).type('form').send({ _csrf: csrf, product: 'tarifa-gas-rl1' });
    expect(bogus.status).to.equal(422);
    expect(fieldError(bogus.text, 'product')).to.equal('Esa tarifa no está disponible para este suministro');
    // no token: refused by CSRF, nothing created
    await agent.post(path).type('form').send({ product: TRES }).expect(403);

    // a read-only contact reads the comparison but cannot ask
    const reader = await createUser(db);
    await linkUser(db, reader, h.customer, 'authorized_read');
    const readerAgent = await loginAs(request.agent(ctx.app), reader.loginId, reader.password);
    const readerPage = await readerAgent.get(path).expect(200);
    expect(readerPage.text).not.to.include(`action="${path}"`);
    await readerAgent.post(path).type('form').send({ _csrf: csrfFrom(readerPage.text), product: TRES }).expect(403);

    const ok = await agent.post(path).type('form').send({ _csrf: csrf, product: TRES });
    expect(ok.status).to.equal(303);
    const id = requestIdFrom(ok.headers.location);
    const row = await db('requests').where({ id }).first('type', 'status', 'payload', 'reference');
    expect(row).to.deep.include({ type: 'product_change', status: 'recibida' });
    expect(row.payload).to.deep.equal({ fromProduct: ESTABLE, toProduct: TRES, monthlyDifferenceCents: expected, months: 12 });
    expect((await mailsTo(db, h.user.email)).some((m) => m.template === 'request_created')).to.equal(true);
    expect(await db('audit_log').where({ action: 'request.product_change', target_id: String(id) }).count('* as n').first())
      .to.deep.equal({ n: 1 });
    const mine = pageText((await agent.get(`/gestiones/${id}`).expect(200)).text);
    expect(mine).to.include('Tarifa que pides Tarifa Luz 3 Periodos').and.to.include(`Diferencia al mes −${euros} €`);

    // a second one while it is open: refused with a link to it
    const again = await agent.post(path).type('form').send({ _csrf: csrf, product: TRES });
    expect(again.status).to.equal(409);
    expect(again.text).to.include(`href="/gestiones/${id}"`);

    // the administrator completes it: the product changes from 01/12/2026
    const staff = await loginStaff(request.agent(ctx.app), await createStaff(db), ctx.clock);
    const detail = await staff.get(`/admin/gestiones/${id}`).expect(200);
    await staff.post(`/admin/gestiones/${id}/estado`).type('form')
      .send({ _csrf: csrfFrom(detail.text), status: 'completada', note: '' }).expect(303);
    expect(await db('requests').where({ id }).first('status', 'effective_date'))
      .to.deep.equal({ status: 'completada', effective_date: '2026-12-01' });
    expect(await db('contract_product_periods').where({ contract_id: contractId }).orderBy('valid_from')
      .select('valid_from', 'product_code')).to.deep.equal([
      { valid_from: '2020-01-01', product_code: ESTABLE }, { valid_from: '2026-12-01', product_code: TRES },
    ]);
    expect(await db('audit_log').where({ action: 'product_change.applied', target_id: String(contractId) })
      .first('details')).to.deep.equal({
      details: { reference: row.reference, from: ESTABLE, to: TRES, effectiveDate: '2026-12-01' },
    });
    const contractPage = pageText((await agent.get(`/contratos/${contractId}`).expect(200)).text);
    expect(contractPage).to.include('Tarifa Luz Estable').and.to.include('A partir del 01/12/2026: Tarifa Luz 3 Periodos');
    const done = pageText((await agent.get(`/gestiones/${id}`).expect(200)).text);
    expect(done).to.include('Tu contrato pasa a la Tarifa Luz 3 Periodos (punta, llano y valle) desde el 01/12/2026.');

    // November is billed with the old product, December with the new one
    await addConsumption(db, contractId, [{ month: '2026-11', P1: 10, P2: 10, P3: 280 }, { month: '2026-12', P1: 10, P2: 10, P3: 280 }]);
    const [nov, dec] = await issueInvoices(db, contractId, ['2026-11', '2026-12']);
    const energy = async (invoiceId: number) => (await db('invoice_lines').where({ invoice_id: invoiceId, kind: 'energy_term' })
      .orderBy('position').select('unit_price')).map((l) => Number(l.unit_price));
    expect(await energy(nov!.id)).to.deep.equal([0.139]);
    expect(await energy(dec!.id)).to.deep.equal([0.199, 0.129, 0.089]);
  });
});
