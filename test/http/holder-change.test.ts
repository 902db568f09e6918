/**
 * Issue 14 item 4, change of holder (cambio de titular), JS off (plain form posts): the new
 * holder's data and IBAN checked by the field; both sides confirm from emailed single-use
 * links (no login; the token is the proof), or documents stand in for the current holder; an
 * administrator completes it only when the confirmations are in; completion moves the supply
 * to the new holder with a new contract and contract account from the 1st of next month, and
 * the old holder keeps reading their own past invoices but cannot act nor see the new ones.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import {
  addConsumption, createCustomer, createHousehold, createUser, csrfFrom, issueInvoices, linkIn, linkUser, loginAs,
  mailsTo,
  pageText, uniqueEmail, uniqueIban, uniqueNif,
} from '../support/factories';
import { createStaff, loginStaff } from '../support/staff';
import { fieldError, requestIdFrom } from '../support/pages';
import { postMultipart, tinyPdf } from '../support/multipart';

const CONFIRM = '/cambio-titular/confirmar';

describe('change of holder (cambio de titular)', () => {
  let ctx: TestContext;
  before(async () => { ctx = await testContext(); });

  async function confirmLink(email: string, template: string): Promise<string> {
    const mail = (await mailsTo(ctx.db.knex, email)).filter((m) => m.template === template).pop();
    expect(mail, `${template} to ${email}`).to.not.equal(undefined);
    return linkIn(mail!.text_body, CONFIRM);
  }

  async function complete(id: number): Promise<request.Response> {
    const staff = await loginStaff(request.agent(ctx.app), await createStaff(ctx.db.knex), ctx.clock);
    const detail = await staff.get(`/admin/gestiones/${id}`).expect(200);
    return staff.post(`/admin/gestiones/${id}/estado`).type('form')
      .send({ _csrf: csrfFrom(detail.text), status: 'completada', note: '' });
  }

  it('both sides confirm by email; completion moves the supply; the old holder keeps only the past', async function () {
    this.timeout(90_000);
    const db = ctx.db.knex;
    const h = await createHousehold(db, { consumption: [{ month: '2026-10', P1: 90, P2: 70, P3: 120 }] });
    const contractId = h.supply.contractId;
    const [october] = await issueInvoices(db, contractId, ['2026-10']);
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const path = `/contratos/${contractId}/titular`;
    expect((await agent.get(`/contratos/${contractId}`).expect(200)).text).to.include(`href="${path}"`);
    const page = await agent.get(path).expect(200);
    expect(pageText(page.text)).to.include('el cambio se aplica desde el 01/12/2026');
    const csrf = csrfFrom(page.text);

    // errors by the fields, what was typed kept
    const bad = await postMultipart(agent, path, {
      taxId: '12345678A', name: 'Laura Pérez', email: 'laura@', phone: '', iban: 'ES00 1234', consent: 'email',
      documentType: '',
    }, [], csrf);
    expect(bad.status).to.equal(422);
    expect(fieldError(bad.text, 'taxId')).to.equal('Escribe un NIF, NIE o CIF válido, como 12345678Z');
    expect(fieldError(bad.text, 'email')).to.equal('Escribe un email válido, como nombre@ejemplo.com');
    expect(fieldError(bad.text, 'iban')).to.equal('El IBAN no es válido: revisa las cifras');
    expect(bad.text).to.include('value="Laura Pérez"').and.to.include('value="12345678A"');
    const same = await postMultipart(agent, path, {
      taxId: h.customer.taxId, name: 'Yo', email: 'yo@example.com', phone: '', iban: uniqueIban(), consent: 'email',
      documentType: '',
    }, [], csrf);
    expect(fieldError(same.text, 'taxId')).to.equal('El nuevo titular no puede ser el titular actual');
    // without the CSRF token
    expect((await postMultipart(agent, path, { taxId: uniqueNif() }, [], null)).status).to.equal(403);

    // a read-only contact sees no form and is refused
    const reader = await createUser(db);
    await linkUser(db, reader, h.customer, 'authorized_read');
    const readerAgent = await loginAs(request.agent(ctx.app), reader.loginId, reader.password);
    const readerPage = await readerAgent.get(path).expect(200);
    expect(readerPage.text).not.to.include(`action="${path}"`);
    const refused = await postMultipart(readerAgent, path, { taxId: uniqueNif() }, [], csrfFrom(readerPage.text));
    expect(refused.status).to.equal(403);

    const newNif = uniqueNif();
    const newEmail = uniqueEmail('nuevo');
    const newIban = uniqueIban();
    const ok = await postMultipart(agent, path, {
      taxId: newNif.toLowerCase(), name: 'Laura Pérez Gil', email: newEmail, phone: '612 345 678', iban: newIban,
      consent: 'email', documentType: '',
    }, [], csrf);
    expect(ok.status).to.equal(303);
    const id = requestIdFrom(ok.headers.location);
    const row = await db('requests').where({ id }).first('type', 'payload', 'reference', 'customer_id');
    expect(row.type).to.equal('holder_change');
    expect(row.payload)
      .to.deep.include({ newHolderTaxId: newNif, newIban, consent: 'email', currentEmail: h.customer.email });

    // one link each; the links carry only the token, no personal data
    const currentLink = await confirmLink(h.customer.email, 'holder_change_confirm_current');
    const newLink = await confirmLink(newEmail, 'holder_change_confirm_new');
    for (const link of [currentLink, newLink]) {
      expect(link).to.match(/^\/cambio-titular\/confirmar\?token=[\w-]+$/);
      expect([...new URL(link, 'http://x').searchParams.keys()]).to.deep.equal(['token']);
      expect(link).not.to.include(newNif).and.not.to.include(encodeURIComponent(newEmail));
    }
    const tokenRows = await db('user_tokens').where({ purpose: 'holder_consent' }).select('token_hash');
    // only hashes are kept
    const plain = new URL(newLink, 'http://x').searchParams.get('token')!;
    expect(tokenRows.map((r) => r.token_hash).join()).not.to.include(plain);

    const detail = pageText((await agent.get(`/gestiones/${id}`).expect(200)).text);
    expect(detail).to.include('Nuevo titular Laura Pérez Gil')
      .and.to.include('Confirmación del titular actual Pendiente')
      .and.to.include('Esperamos que el titular actual y el nuevo titular confirmen');
    expect(detail).not.to.include(newIban);

    // one open change per contract
    const again = await postMultipart(agent, path, {
      taxId: uniqueNif(), name: 'Otro', email: uniqueEmail(), phone: '', iban: uniqueIban(), consent: 'email',
      documentType: '',
    }, [], csrf);
    expect(again.status).to.equal(409);
    expect(again.text).to.include(`href="/gestiones/${id}"`);

    // the administrator cannot complete it before the confirmations
    expect((await complete(id)).status).to.equal(409);
    expect((await db('contracts').where({ id: contractId }).first('status')).status).to.equal('active');

    // the new holder, without logging in, reads what is agreed and confirms
    const visitor = request.agent(ctx.app);
    const confirmPage = await visitor.get(newLink).expect(200);
    const shown = pageText(confirmPage.text);
    expect(shown).to.include('Laura Pérez Gil').and.to.include(h.customer.name).and.to.include('01/12/2026')
      .and.to.include(`${newIban.slice(0, 4)} **** **** **** **** ${newIban.slice(-4)}`);
    const newToken = new URL(newLink, 'http://x').searchParams.get('token')!;
    // no CSRF token: refused, and the link still works afterwards
    await visitor.post(CONFIRM).type('form').send({ token: newToken, request: String(id) }).expect(403);
    // the link names another request: refused as "no longer valid", nothing confirmed
    const csrfVisitor = csrfFrom(confirmPage.text);
    await visitor.post(CONFIRM).type('form').send({ _csrf: csrfVisitor, token: newToken, request: String(id + 1000) })
      .expect(410);
    const confirmed = await visitor.post(CONFIRM).type('form')
      .send({ _csrf: csrfFrom(confirmPage.text), token: newToken, request: String(id) }).expect(200);
    expect(pageText(confirmed.text)).to.include('Falta la confirmación de la otra parte');
    // used once: a replay and a second visit say the link is no longer valid
    await visitor.post(CONFIRM).type('form').send({ _csrf: csrfVisitor, token: newToken, request: String(id) })
      .expect(410);
    await visitor.get(newLink).expect(410);
    await visitor.get(`${CONFIRM}?token=not-a-real-token-at-all-0123456789`).expect(410);

    // the current holder confirms from another browser
    const holderBrowser = request.agent(ctx.app);
    const holderPage = await holderBrowser.get(currentLink).expect(200);
    expect(pageText(holderPage.text)).to.include('Como titular actual');
    const both = await holderBrowser.post(CONFIRM).type('form').send({
      _csrf: csrfFrom(holderPage.text), token: new URL(currentLink, 'http://x').searchParams.get('token'),
      request: String(id),
    }).expect(200);
    expect(pageText(both.text)).to.include('Ya están todas las confirmaciones');
    const timeline = pageText((await agent.get(`/gestiones/${id}`).expect(200)).text);
    expect(timeline).to.include(`${h.customer.name} (titular actual) ha confirmado el cambio.`)
      .and.to.include('Laura Pérez Gil (nuevo titular) ha confirmado el cambio.')
      .and.to.include('Confirmación del nuevo titular 20/11/2026');
    expect(await db('audit_log').where({ action: 'holder_change.confirmed', target_id: String(id) })
      .count('* as n').first())
      .to.deep.equal({ n: 2 });

    // the old holder's maintenance service, contracted on the old contract
    const [service] = await db('contract_services').insert({
      contract_id: contractId, customer_id: (await db('contracts').where({ id: contractId }).first('customer_id')).customer_id,
      service_code: 'electric_urgent', monthly_fee_cents: 490, permanence_months: 0, start_date: '2026-10-01',
      created_at: new Date('2026-10-01T09:00:00Z'),
    }, 'id');

    // completion: a new customer, account and contract from 1 December; the old contract ends on 30 November
    expect((await complete(id)).status).to.equal(303);
    const old = await db('contracts').where({ id: contractId }).first('status', 'end_date', 'supply_point_id');
    expect(old).to.deep.include({ status: 'ended', end_date: '2026-11-30' });
    // and its service with it: the new holder starts without one
    expect(await db('contract_services').where({ id: service.id }).first('end_date')).to.deep.equal({ end_date: '2026-11-30' });
    expect(await db('audit_log').where({ action: 'service.ended_with_contract', target_id: String(contractId) }).count('* as n').first())
      .to.deep.equal({ n: 1 });
    const customer = await db('customers').where({ tax_id: newNif }).first('id', 'name', 'email', 'phone', 'kind');
    expect(customer)
      .to.deep.include({ name: 'Laura Pérez Gil', email: newEmail, phone: '612345678', kind: 'individual' });
    const moved = await db('contracts as c').join('contract_accounts as ca', 'ca.id', 'c.contract_account_id')
      .where('c.customer_id', customer.id)
      .first('c.id', 'c.supply_point_id', 'c.start_date', 'c.status', 'ca.iban', 'ca.direct_debit', 'ca.customer_id',
        'ca.number');
    expect(moved).to.deep.include({
      supply_point_id: old.supply_point_id, start_date: '2026-12-01', status: 'active', iban: newIban,
      direct_debit: true,
      customer_id: customer.id,
    });
    expect(moved.number).to.match(/^\d{12}$/);
    expect(await db('contract_services').where({ contract_id: moved.id }).count('* as n').first()).to.deep.equal({ n: 0 });
    expect((await db('requests').where({ id }).first('effective_date')).effective_date).to.equal('2026-12-01');
    expect(await db('audit_log').where({ action: 'contract.holder_changed', target_id: String(contractId) })
      .first('details'))
      .to.deep.equal({
        details: {
          reference: row.reference, effective: '2026-12-01', oldContractId: contractId, newContractId: moved.id,
          newCustomerId: customer.id,
        },
      });
    const templates = async (to: string) => (await mailsTo(db, to)).map((m) => m.template);
    expect(await templates(h.customer.email)).to.include('holder_change_done_current');
    expect(await templates(newEmail)).to.include('holder_change_done_new');
    expect(pageText((await agent.get(`/gestiones/${id}`).expect(200)).text))
      .to.include('El suministro pasa a Laura Pérez Gil desde el 01/12/2026.')
      .and.to.include('El suministro es del nuevo titular desde el 01/12/2026.');

    // the old holder's last month is still theirs; December is the new holder's
    await addConsumption(db, contractId, [{ month: '2026-11', P1: 80, P2: 60, P3: 100 }]);
    await addConsumption(db, moved.id, [{ month: '2026-12', P1: 50, P2: 40, P3: 90 }]);
    const [november] = await issueInvoices(db, contractId, ['2026-11']);
    const [december] = await issueInvoices(db, moved.id, ['2026-12']);
    await agent.get(`/facturas/${october!.id}`).expect(200);
    await agent.get(`/facturas/${november!.id}`).expect(200);
    await agent.get(`/facturas/${december!.id}`).expect(404);
    await agent.get(`/contratos/${moved.id}`).expect(404);
    // the ended contract is readable but takes no gestiones
    const endedPage = pageText((await agent.get(`/contratos/${contractId}`).expect(200)).text);
    expect(endedPage).to.include('Este contrato ha terminado: puedes consultar sus facturas, pero ya no admite gestiones.');
    expect((await agent.get(`/contratos/${contractId}`)).text).not.to.include(`href="/contratos/${contractId}/baja"`);
    const baja = await agent.get(`/contratos/${contractId}/reclamacion`);
    expect(baja.status).to.equal(403);
    await agent.post(`/contratos/${contractId}/baja`).type('form')
      .send({ _csrf: csrf, endDate: '2026-12-20', p1: '1', p2: '1', p3: '1' }).expect(403);
  });

  it('documents stand in for a holder who cannot consent; the new holder confirms; an existing customer is reused',
    async function () {
      this.timeout(60_000);
      const db = ctx.db.knex;
      const h = await createHousehold(db);
      const contractId = h.supply.contractId;
      const heir = await createUser(db);
      await linkUser(db, heir, h.customer, 'authorized_full');
      const existing = await createCustomer(db, { kind: 'individual' });
      const agent = await loginAs(request.agent(ctx.app), heir.loginId, heir.password);
      const path = `/contratos/${contractId}/titular`;
      const fields = {
        taxId: existing.taxId, name: existing.name, email: existing.email, phone: '', iban: uniqueIban(),
        consent: 'documents',
        documentType: 'death_certificate',
      };
      const none = await postMultipart(agent, path, fields, []);
      expect(none.status).to.equal(422);
      expect(fieldError(none.text, 'documents')).to.equal('Adjunta al menos un documento que acredite el cambio');
      // checked by the content, not the name
      const text = Buffer.from('hola, soy texto');
      const fake = await postMultipart(agent, path, fields, [{ name: 'certificado.pdf', bytes: text }]);
      expect(fake.status).to.equal(422);
      expect(fieldError(fake.text, 'documents')).to.match(/PDF, JPEG o PNG/);
      expect(fake.text).to.include(`value="${existing.name}"`);

      const ok = await postMultipart(agent, path, fields, [{ name: 'certificado.pdf', bytes: tinyPdf('defuncion') }]);
      expect(ok.status).to.equal(303);
      const id = requestIdFrom(ok.headers.location);
      expect(await db('documents').where({ request_id: id }).count('* as n').first()).to.deep.equal({ n: 1 });
      // nobody asks the current holder; only the new holder gets a link
      const toHolder = (await mailsTo(db, h.customer.email)).map((m) => m.template);
      expect(toHolder).not.to.include('holder_change_confirm_current');
      const link = await confirmLink(existing.email, 'holder_change_confirm_new');
      expect(pageText((await agent.get(`/gestiones/${id}`).expect(200)).text))
        .to.include('Documento Certificado de defunción').and.to.include('Esperamos que el nuevo titular confirme');
      expect((await complete(id)).status).to.equal(409);

      const visitor = request.agent(ctx.app);
      const page = await visitor.get(link).expect(200);
      await visitor.post(CONFIRM).type('form').send({
        _csrf: csrfFrom(page.text), token: new URL(link, 'http://x').searchParams.get('token'), request: String(id),
      }).expect(200);
      expect((await complete(id)).status).to.equal(303);
      const moved = await db('contracts').where({ customer_id: existing.id }).first('start_date');
      expect(moved).to.deep.equal({ start_date: '2026-12-01' });
      expect(await db('customers').where({ tax_id: existing.taxId }).count('* as n').first()).to.deep.equal({ n: 1 });
    });

  it('a link expires after 7 days', async function () {
    this.timeout(60_000);
    const db = ctx.db.knex;
    const h = await createHousehold(db);
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const newEmail = uniqueEmail('nuevo');
    const sent = await postMultipart(agent, `/contratos/${h.supply.contractId}/titular`, {
      taxId: uniqueNif(), name: 'Marta Soler', email: newEmail, phone: '', iban: uniqueIban(), consent: 'email',
      documentType: '',
    }, []);
    expect(sent.status).to.equal(303);
    const link = await confirmLink(newEmail, 'holder_change_confirm_new');
    const visitor = request.agent(ctx.app);
    const page = await visitor.get(link).expect(200);
    ctx.clock.advance(7 * 24 * 3600_000 + 1000);
    try {
      await visitor.get(link).expect(410);
      const late = await visitor.post(CONFIRM).type('form').send({
        _csrf: csrfFrom(page.text), token: new URL(link, 'http://x').searchParams.get('token'), request: '1',
      });
      expect(late.status).to.be.oneOf([403, 410]);
    } finally {
      ctx.clock.advance(-(7 * 24 * 3600_000 + 1000));
    }
  });

  it('speaks Catalan', async function () {
    this.timeout(30_000);
    const h = await createHousehold(ctx.db.knex);
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const home = await agent.get('/').redirects(1);
    await agent.post('/idioma').type('form').send({ _csrf: csrfFrom(home.text), lang: 'ca' });
    const page = await agent.get(`/contratos/${h.supply.contractId}/titular`).expect(200);
    expect(pageText(page.text)).to.include('Canviar el titular del contracte').and.to.include('des del 01/12/2026');
  });
});
