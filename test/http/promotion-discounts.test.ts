/**
 * Issue 15 item 4: a promotion with a discount, published by staff (errors by the fields, 422),
 * accepted by a customer for one contract (once; read-only contacts get 403), and carried by
 * the next invoices through the billing function while it lasts.
 */
import { expect } from 'chai';
import type { Knex } from 'knex';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import {
  addConsumption, createHousehold, createUser, csrfFrom, issueInvoices, linkUser, loginAs, mailsTo, pageText,
} from '../support/factories';
import { createStaff, loginStaff, staffCsrf } from '../support/staff';
import { fieldError, inputValue } from '../support/pages';
import { binary, pdfText } from '../support/pdf-text';

/** How many rows of a table match. */
async function count(db: Knex, table: string, where: Record<string, unknown>): Promise<number> {
  return Number((await db(table).where(where).count('* as n').first())!.n);
}

/** The amounts of an invoice's lines of one kind. */
function amounts(db: Knex, where: { invoice_id: number; kind: string }): Promise<number[]> {
  return db('invoice_lines').where(where).pluck('amount_cents');
}

describe('promotions with a discount', () => {
  let ctx: TestContext;
  before(async function () {
    this.timeout(180_000);
    ctx = await testContext();
  });

  async function publish(fields: Record<string, string>) {
    const staff = await createStaff(ctx.db.knex, { role: 'supervisor' });
    const admin = await loginStaff(request.agent(ctx.app), staff);
    const token = await staffCsrf(admin, '/admin/promociones/nueva');
    return admin.post('/admin/promociones').type('form').send({
      _csrf: token, titleCa: 'Descompte', bodyEs: 'Ahorra en tu luz.', bodyCa: 'Estalvia en la teva llum.', code: '',
      validFrom: '2026-11-01', validTo: '2026-12-31', kinds: 'household', energy: 'electricity', tariff: '',
      province: 'Valencia', ...fields,
    });
  }

  it('staff see discount errors by the fields, with the input kept', async function () {
    this.timeout(30_000);
    const tooMuch = await publish({ titleEs: 'Demasiado', discountPercent: '60', discountMonths: '3' });
    expect(tooMuch.status).to.equal(422);
    expect(fieldError(tooMuch.text, 'discountPercent')).to.equal('Escribe un número entero dentro del límite');
    expect(inputValue(tooMuch.text, 'discountPercent')).to.equal('60');
    const half = await publish({ titleEs: 'A medias', discountPercent: '10', discountMonths: '' });
    expect(half.status).to.equal(422);
    expect(fieldError(half.text, 'discountMonths')).to.equal('Indica el descuento y los meses, o deja los dos vacíos');
  });

  it('accepted once for a contract, the next invoices carry the discount line (and its PDF)', async function () {
    this.timeout(60_000);
    const db = ctx.db.knex;
    const title = `Luz Valencia 10 % ${Date.now()}`;
    expect((await publish({ titleEs: title, discountPercent: '10', discountMonths: '2' })).status).to.equal(303);
    const promo = await db('promotions').where({ title_es: title }).first('id', 'discount_percent', 'discount_months');
    expect(promo).to.include({ discount_percent: 10, discount_months: 2 });
    // the staff list says which promotions carry a discount
    const staff = await loginStaff(request.agent(ctx.app), await createStaff(db, { role: 'agente' }));
    const listed = pageText((await staff.get('/admin/promociones').expect(200)).text).replace(/\u00a0/g, ' ');
    expect(listed).to.include(`${title} 10 % de descuento en el término de energía durante 2 meses`);

    const h = await createHousehold(db);
    const contractId = h.supply.contractId;
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const list = await agent.get('/ventajas').expect(200);
    expect(pageText(list.text).replace(/\u00a0/g, ' '))
      .to.include('10 % de descuento en el término de energía durante 2 meses');
    const choose = await agent.get(`/ventajas/${promo.id}/contratos`).expect(200);
    expect(choose.text).to.include(`/contratos/${contractId}/promociones/${promo.id}`);

    // a read-only contact may look but not accept
    const reader = await createUser(db);
    await linkUser(db, reader, h.customer, 'authorized_read');
    const readerAgent = await loginAs(request.agent(ctx.app), reader.loginId, reader.password);
    const readerPage = await readerAgent.get(`/contratos/${contractId}/promociones/${promo.id}`).expect(200);
    expect(readerPage.text).not.to.include('Aceptar la promoción');
    await readerAgent.post(`/contratos/${contractId}/promociones/${promo.id}`).type('form')
      .send({ _csrf: csrfFrom(readerPage.text) }).expect(403);

    const confirm = await agent.get(`/contratos/${contractId}/promociones/${promo.id}`).expect(200);
    // accepted on 20/11/2026 for 2 months: the invoices of November and December
    expect(pageText(confirm.text)).to.include('las de noviembre de 2026 a diciembre de 2026');
    const csrf = csrfFrom(confirm.text);
    const acceptPath = `/contratos/${contractId}/promociones/${promo.id}`;
    const done = await agent.post(acceptPath).type('form').send({ _csrf: csrf });
    expect(done.status).to.equal(303);
    const accepted = db('promotion_acceptances').where({ contract_id: contractId });
    expect(await accepted.first('discount_percent', 'first_month', 'last_month'))
      .to.deep.equal({ discount_percent: 10, first_month: '2026-11-01', last_month: '2026-12-01' });
    expect(await count(db, 'audit_log', { action: 'promotion.accepted', target_id: String(contractId) })).to.equal(1);
    expect((await mailsTo(db, h.user.email)).map((m) => m.template)).to.include('promotion_accepted');
    // once per contract
    const again = await agent.post(acceptPath).type('form').send({ _csrf: csrf });
    expect(again.status).to.equal(409);
    expect(pageText(again.text)).to.include('Ya has aplicado esta promoción a este contrato');

    // November, tarifa-luz-3-periodos: energy 60 × 0,199 + 50 × 0,129 + 90 × 0,089 = 11,94 + 6,45 + 8,01 = 26,40;
    // 10 % = 2,64 off; January is past the two months: no line
    const months = ['2026-11', '2026-12', '2027-01'];
    await addConsumption(db, contractId, months.map((month) => ({ month, P1: 60, P2: 50, P3: 90 })));
    const [nov, dec, jan] = await issueInvoices(db, contractId, ['2026-11', '2026-12', '2027-01']);
    const line = await db('invoice_lines').where({ invoice_id: nov!.id, kind: 'discount' })
      .first('detail', 'amount_cents');
    expect(line).to.deep.equal({ detail: `${title}: 10 % × 26,40 €`, amount_cents: -264 });
    expect(await amounts(db, { invoice_id: dec!.id, kind: 'discount' })).to.deep.equal([-264]);
    expect(await amounts(db, { invoice_id: jan!.id, kind: 'discount' })).to.deep.equal([]);
    const pdf = await agent.get(`/facturas/${nov!.id}/pdf`).buffer(true).parse(binary).expect(200);
    const text = (await pdfText(pdf.body as Buffer)).replace(/\s+/g, ' ');
    expect(text).to.include('Descuento por promoción').and.to.include(`${title}: 10 % × 26,40 €`)
      .and.to.match(/-2,64\s?€/);
  });
});
