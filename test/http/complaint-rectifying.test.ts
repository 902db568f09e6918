/**
 * Issue 14 item 1 (complaint) + 3: a billing complaint answered in the customer's favour lets a
 * supervisor issue the rectifying invoice from the complaint; the complaint's timeline and page
 * point at it. An unfavourable answer does not.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import { addConsumption, createHousehold, csrfFrom, issueInvoices, loginAs, pageText } from '../support/factories';
import { createStaff, loginStaff } from '../support/staff';
import { fieldError } from '../support/pages';
import { createRequest } from '../../src/services/requests';

describe('rectifying invoice from a complaint', () => {
  let ctx: TestContext;
  before(async () => { ctx = await testContext(); });

  it('a favourable billing complaint leads to the rectifying invoice, which the complaint shows', async function () {
    this.timeout(60_000);
    const db = ctx.db.knex;
    const h = await createHousehold(db);
    const u = h.user;
    await addConsumption(db, h.supply.contractId, [{ month: '2026-10', P1: 160, P2: 150, P3: 190 }]);
    const [october] = await issueInvoices(db, h.supply.contractId, ['2026-10']);
    const actor = { userId: u.id, email: u.email, firstName: u.firstName, language: 'es' as const, ip: '127.0.0.1' };
    const access = { read: true, act: true, manageContacts: true, via: null };
    const complaint = (category: string) => db.transaction((trx) => createRequest(trx, {
      type: 'complaint', customerId: h.customer.id, contractId: h.supply.contractId, payload: { category }, access,
    }, actor, ctx.clock.now(), ctx.config));
    const upheld = await complaint('billing');
    const refused = await complaint('billing');

    const sup = await loginStaff(request.agent(ctx.app), await createStaff(db, { role: 'supervisor' }), ctx.clock);
    const answer = async (id: number, outcome: string) => {
      const page = await sup.get(`/admin/gestiones/${id}/resolucion`).expect(200);
      await sup.post(`/admin/gestiones/${id}/resolucion`).type('form').send({
        _csrf: csrfFrom(page.text), outcome, resolution: 'La lectura de octubre era estimada y demasiado alta.',
      }).expect(303);
    };
    // not answered yet: no rectification offered
    expect((await sup.get(`/admin/gestiones/${upheld.id}`).expect(200)).text).not.to.include('id="complaint-rectifying"');
    await answer(upheld.id, 'favourable');
    await answer(refused.id, 'unfavourable');

    const detail = await sup.get(`/admin/gestiones/${upheld.id}`).expect(200);
    const link = `/admin/facturas/${october!.id}/rectificar?reclamacion=${upheld.id}`;
    expect(detail.text).to.include(`href="${link}"`);
    expect((await sup.get(`/admin/gestiones/${refused.id}`).expect(200)).text).not.to.include('id="complaint-rectifying"');

    const form = await sup.get(link).expect(200);
    expect(form.text).to.include(`name="complaintId" value="${upheld.id}"`);
    const csrf = csrfFrom(form.text);
    const body = { _csrf: csrf, reason: 'Reclamación estimada: lectura real', p1: '60', p2: '50', p3: '90' };

    // the unfavourable complaint cannot be the ground of a rectification: the error by the notice, nothing issued
    const wrong = await sup.post(`/admin/facturas/${october!.id}/rectificar`).type('form')
      .send({ ...body, complaintId: String(refused.id) });
    expect(wrong.status).to.equal(422);
    expect(fieldError(wrong.text, 'complaint'))
      .to.equal('La reclamación se resolvió en contra del cliente: no da lugar a una factura rectificativa.');
    expect(wrong.text).to.include('>Reclamación estimada: lectura real</textarea>');
    expect(await db('invoices').where({ rectifies_invoice_id: october!.id }).count('* as n').first()).to.deep.equal({ n: 0 });

    const ok = await sup.post(`/admin/facturas/${october!.id}/rectificar`).type('form')
      .send({ ...body, complaintId: String(upheld.id) });
    expect(ok.status).to.equal(303);
    const r = await db('invoices').where({ rectifies_invoice_id: october!.id })
      .first('id', 'number', 'rectification_request_id', 'total_cents');
    expect(r.rectification_request_id).to.equal(upheld.id);
    expect(r.number).to.match(/^R26\d{8}$/);
    const audited = await db('audit_log').where({ action: 'invoice.rectified', target_id: String(october!.id) }).first('details');
    expect(audited.details).to.include({ complaint: upheld.reference, rectifying: r.number });
    // the complaint now lists the invoice issued for it and offers no other rectification of it
    const after = await sup.get(`/admin/gestiones/${upheld.id}`).expect(200);
    expect(pageText(after.text)).to.include(`Factura rectificativa ${r.number}`);
    expect(after.text).not.to.include(`href="${link}"`);

    // the customer reads it on the complaint: timeline note and a link to the invoice
    const customer = await loginAs(request.agent(ctx.app), u.loginId, u.password);
    const mine = await customer.get(`/gestiones/${upheld.id}`).expect(200);
    expect(mine.text).to.include(`href="/facturas/${r.id}"`);
    expect(pageText(mine.text)).to.include(
      `Hemos emitido la factura rectificativa ${r.number}, que sustituye a la factura ${october!.number}.`,
    );
    // Catalan: the same page in the customer's other language
    await customer.post('/idioma').type('form').send({ _csrf: csrfFrom(mine.text), lang: 'ca' });
    expect(pageText((await customer.get(`/gestiones/${upheld.id}`).expect(200)).text)).to.include('Factura rectificativa');
  });
});
