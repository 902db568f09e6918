import { expect } from 'chai';
import request from 'supertest';
import type { Knex } from 'knex';
import { testContext } from '../support/context';
import {
  createContractAccount, createCustomer, createHousehold, createSupply, createUser, csrfFrom, lastMailTo, linkUser, loginAs, mailsTo, pageText, uniqueCif, uniqueEmail, uniqueNif,
  type Agent, type CustomerFixture, type SupplyFixture, type UserFixture,
} from '../support/factories';
import { approveExternalManager, rejectExternalManager } from '../../src/services/external-managers';

// ---------------------------------------------------------------------------------------------
// Small files generated here, with real magic bytes.

function tinyPdf(text = 'Poder notarial'): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`, 'latin1');
}
const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const GIF_1X1 = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

interface FileSpec { name: string; bytes: Buffer; type?: string }

const page = (customerId: number) => `/clientes/${customerId}/gestor-externo`;

/** Posts the appointment form as a browser does: text fields first, then the files. */
async function postAppointment(agent: Agent, customerId: number, fields: Record<string, string>, files: FileSpec[] = [{ name: 'poder.pdf', bytes: tinyPdf() }], token?: string | null) {
  let csrf = token;
  if (csrf === undefined) csrf = csrfFrom((await agent.get(page(customerId)).expect(200)).text);
  let req = agent.post(page(customerId));
  if (csrf !== null) req = req.field('_csrf', csrf);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  if (files.length === 0) req = req.attach('documents', Buffer.alloc(0), { filename: '', contentType: 'application/octet-stream' });
  for (const f of files) req = req.attach('documents', f.bytes, { filename: f.name, contentType: f.type ?? 'application/pdf' });
  return req;
}

function fieldError(html: string, field: string): string {
  const m = new RegExp(`id="f-${field}-error"[^>]*>([\\s\\S]*?)</p>`).exec(html);
  return m ? pageText(m[1]!).replace(/^Error:\s*/, '') : '';
}

interface Company { customer: CustomerFixture; rep: UserFixture; supply: SupplyFixture }

/** A company with one supply and its representative, registered and linked. */
async function company(db: Knex, name?: string): Promise<Company> {
  const rep = await createUser(db);
  const customer = await createCustomer(db, { kind: 'company', representativeNif: rep.loginId, ...(name ? { name } : {}) });
  const supply = await createSupply(db, await createContractAccount(db, customer));
  await linkUser(db, rep, customer, 'representative');
  return { customer, rep, supply };
}

/** A gestoría (itself a customer, no supplies needed) with its representative and two collaborators. */
async function gestoria(db: Knex) {
  const rep = await createUser(db, { firstName: 'Marta' });
  const customer = await createCustomer(db, { kind: 'company', name: `Gestoría Prueba ${rep.lastName} S.L.`, representativeNif: rep.loginId });
  await linkUser(db, rep, customer, 'representative');
  const reader = await createUser(db);
  await linkUser(db, reader, customer, 'authorized_read');
  const full = await createUser(db);
  await linkUser(db, full, customer, 'authorized_full');
  return { customer, rep, reader, full };
}

async function setup() {
  const ctx = await testContext();
  const db = ctx.db.knex;
  const client = await company(db);
  const g = await gestoria(db);
  const agent = await loginAs(request.agent(ctx.app), client.rep.loginId, client.rep.password);
  const as = (u: UserFixture) => loginAs(request.agent(ctx.app), u.loginId, u.password);
  const fields = { managerTaxId: g.customer.taxId, managerName: g.customer.name, representativeNif: g.rep.loginId, representativeEmail: g.rep.email };
  return { ctx, db, client, g, agent, as, fields };
}

async function appoint(s: Awaited<ReturnType<typeof setup>>) {
  const res = await postAppointment(s.agent, s.client.customer.id, s.fields);
  expect(res.status, pageText(res.text)).to.equal(303);
  const rel = await s.db('external_managers').where({ customer_id: s.client.customer.id, manager_customer_id: s.g.customer.id }).orderBy('id', 'desc').first();
  return rel as { id: number; status: string; request_id: number };
}

async function decide(requestId: number, how: 'approve' | 'reject', reason = '') {
  const { db, clock, config } = await testContext();
  await db.knex.transaction((trx) => how === 'approve'
    ? approveExternalManager(trx, requestId, { id: null }, null, clock.now(), config)
    : rejectExternalManager(trx, requestId, { id: null }, reason, clock.now(), config));
}

describe('external managers (gestor externo)', () => {
  it('shows the page with the form and the seed wording to the representative', async () => {
    const { client, agent } = await setup();
    const res = await agent.get(page(client.customer.id)).expect(200);
    const text = pageText(res.text);
    expect(text).to.include('Gestor externo');
    expect(text).to.include('gestor energético o administrador de fincas');
    expect(text).to.include('Añadir gestor externo');
    expect(res.text).to.include('enctype="multipart/form-data"');
    expect(res.text).to.match(/<input type="file" id="f-documents" name="documents" multiple/);
    expect(res.text.indexOf('name="representativeEmail"')).to.be.lessThan(res.text.indexOf('name="documents"'));
  });

  it('appoints a gestoría with documents; access only after approval; collaborators per role; revocation at once', async () => {
    const s = await setup();
    const { db, client, g } = s;
    const gestoriaAgent = await s.as(g.rep);
    const readerAgent = await s.as(g.reader);
    const contract = `/contratos/${client.supply.contractId}`;

    const res = await postAppointment(s.agent, client.customer.id, s.fields, [{ name: 'poder notarial.pdf', bytes: tinyPdf() }, { name: 'mandato.png', bytes: PNG_1X1, type: 'image/png' }]);
    expect(res.status, pageText(res.text)).to.equal(303);
    expect(res.headers.location).to.equal(page(client.customer.id));
    const rel = await db('external_managers').where({ customer_id: client.customer.id }).first();
    expect(rel).to.include({ manager_customer_id: g.customer.id, status: 'pending_review', requested_by: client.rep.id, representative_nif: g.rep.loginId });
    const r = await db('requests').where({ id: rel.request_id }).first();
    expect(r).to.include({ type: 'external_manager', status: 'recibida', customer_id: client.customer.id, created_by: client.rep.id });
    expect(r.payload).to.include({ managerTaxId: g.customer.taxId, documents: 2 });
    const docs = await db('documents').where({ request_id: r.id }).orderBy('id');
    expect(docs.map((d: { mime_type: string }) => d.mime_type)).to.deep.equal(['application/pdf', 'image/png']);
    expect(docs.every((d: { customer_id: number; uploaded_by: number }) => d.customer_id === client.customer.id && d.uploaded_by === client.rep.id)).to.equal(true);
    expect(await db('audit_log').where({ action: 'external_manager.requested', customer_id: client.customer.id }).first()).to.not.equal(undefined);

    const list = pageText((await s.agent.get(page(client.customer.id)).expect(200)).text);
    expect(list).to.include(r.reference);
    expect(list).to.include(g.customer.name);
    expect(list).to.include('Pendiente de revisión');
    expect(list).to.include('Revocar');

    // pending: the gestoría sees nothing of the client
    await gestoriaAgent.get(contract).expect(404);

    await decide(r.id, 'approve');
    expect((await db('external_managers').where({ id: rel.id }).first()).status).to.equal('active');
    expect((await db('requests').where({ id: r.id }).first()).status).to.equal('completada');
    const toRep = await lastMailTo(db, g.rep.email);
    expect(toRep?.subject).to.include(client.customer.name);
    expect(toRep?.text_body).to.include('Ya puedes gestionar sus suministros desde tu Área Clientes');
    expect((await lastMailTo(db, client.rep.email))?.subject).to.include(r.reference);

    // active: the representative reads and acts; the read-only collaborator reads but cannot act
    await gestoriaAgent.get(contract).expect(200);
    await gestoriaAgent.get(`${contract}/lectura`).expect(200);
    await gestoriaAgent.get(`${contract}/reclamacion`).expect(200);
    const fullAgent = await s.as(g.full);
    await fullAgent.get(`${contract}/reclamacion`).expect(200);
    await fullAgent.get(page(client.customer.id)).expect(403);
    const readPage = await readerAgent.get(`${contract}/lectura`).expect(200);
    await readerAgent.post(`${contract}/lectura`).type('form').send({ _csrf: csrfFrom(readPage.text), reading: '12345' }).expect(403);
    // through a gestoría nobody manages the client's own external managers
    await gestoriaAgent.get(page(client.customer.id)).expect(403);
    // the approved request is readable by the gestoría too (it acts for the client)
    expect(pageText((await s.agent.get(`/gestiones/${r.id}`).expect(200)).text)).to.include('Completada');

    // revocation, with a confirmation step that needs no JavaScript
    const listHtml = (await s.agent.get(page(client.customer.id)).expect(200)).text;
    const csrf = csrfFrom(listHtml);
    expect(listHtml).to.include(`action="/clientes/${client.customer.id}/gestor-externo/${rel.id}/revocar"`);
    const confirm = await s.agent.post(`${page(client.customer.id)}/${rel.id}/revocar`).type('form').send({ _csrf: csrf }).expect(200);
    expect(pageText(confirm.text)).to.include('dejarán de tener acceso');
    expect(confirm.text).to.include('name="confirmar" value="1"');
    expect((await db('external_managers').where({ id: rel.id }).first()).status).to.equal('active');
    await gestoriaAgent.get(contract).expect(200);

    const done = await s.agent.post(`${page(client.customer.id)}/${rel.id}/revocar`).type('form').send({ _csrf: csrfFrom(confirm.text), confirmar: '1' }).expect(303);
    expect(done.headers.location).to.equal(page(client.customer.id));
    const after = await db('external_managers').where({ id: rel.id }).first();
    expect(after).to.include({ status: 'revoked', revoked_by: client.rep.id });
    // on their very next request
    await gestoriaAgent.get(contract).expect(404);
    await readerAgent.get(contract).expect(404);
    expect((await lastMailTo(db, g.rep.email))?.subject).to.include('ha revocado');
    expect((await lastMailTo(db, client.rep.email))?.subject).to.include('Has revocado');
    expect(await db('audit_log').where({ action: 'external_manager.revoked', target_id: String(rel.id) }).first()).to.not.equal(undefined);
    const revokedList = pageText((await s.agent.get(page(client.customer.id)).expect(200)).text);
    expect(revokedList).to.include('Revocado');
    expect(revokedList).to.include('ya no es gestor externo de tus suministros');
    expect(revokedList).to.not.include('Revocar ' + g.customer.name);
  });

  it('rejection: the relation never becomes active and the reason is in the request detail', async () => {
    const s = await setup();
    const rel = await appoint(s);
    await decide(rel.request_id, 'reject', 'El poder notarial no menciona a la gestoría.');
    expect((await s.db('external_managers').where({ id: rel.id }).first()).status).to.equal('rejected');
    const detail = pageText((await s.agent.get(`/gestiones/${rel.request_id}`).expect(200)).text);
    expect(detail).to.include('Rechazada');
    expect(detail).to.include('El poder notarial no menciona a la gestoría.');
    expect(detail).to.include(s.g.customer.taxId);
    await (await s.as(s.g.rep)).get(`/contratos/${s.client.supply.contractId}`).expect(404);
    // a rejected relation frees the pair: the client may try again with other documents
    expect((await postAppointment(s.agent, s.client.customer.id, s.fields)).status).to.equal(303);
    // decisions are final
    let failed = false;
    try { await decide(rel.request_id, 'approve'); } catch { failed = true; }
    expect(failed).to.equal(true);
  });

  it('withdrawing a pending appointment rejects its request', async () => {
    const s = await setup();
    const rel = await appoint(s);
    const csrf = csrfFrom((await s.agent.get(page(s.client.customer.id))).text);
    const confirm = await s.agent.post(`${page(s.client.customer.id)}/${rel.id}/revocar`).type('form').send({ _csrf: csrf }).expect(200);
    expect(pageText(confirm.text)).to.include('todavía no hemos revisado');
    await s.agent.post(`${page(s.client.customer.id)}/${rel.id}/revocar`).type('form').send({ _csrf: csrf, confirmar: '1' }).expect(303);
    expect((await s.db('external_managers').where({ id: rel.id }).first()).status).to.equal('revoked');
    expect((await s.db('requests').where({ id: rel.request_id }).first()).status).to.equal('rechazada');
    // a second click on a stale page changes nothing and says so
    const again = await s.agent.post(`${page(s.client.customer.id)}/${rel.id}/revocar`).type('form').send({ _csrf: csrf, confirmar: '1' }).expect(303);
    expect(pageText((await s.agent.get(again.headers.location!)).text)).to.include('ya no era gestor externo');
  });

  it('a gestoría that is not a customer yet becomes one; its registered representative is linked on approval', async () => {
    const s = await setup();
    const person = await createHousehold(s.db); // registered for their own home, not yet for the gestoría
    const taxId = uniqueCif();
    const res = await postAppointment(s.agent, s.client.customer.id, { managerTaxId: taxId, managerName: 'Administración de Fincas Nueva S.L.', representativeNif: person.user.loginId, representativeEmail: person.user.email });
    expect(res.status, pageText(res.text)).to.equal(303);
    const created = await s.db('customers').where({ tax_id: taxId }).first();
    expect(created).to.include({ kind: 'company', name: 'Administración de Fincas Nueva S.L.', representative_nif: person.user.loginId });
    const rel = await s.db('external_managers').where({ customer_id: s.client.customer.id, manager_customer_id: created.id }).first();
    await decide(rel.request_id, 'approve');
    const link = await s.db('customer_links').where({ customer_id: created.id, user_id: person.user.id }).first();
    expect(link).to.include({ role: 'representative', status: 'active' });
    await (await s.as(person.user)).get(`/contratos/${s.client.supply.contractId}`).expect(200);
    expect((await lastMailTo(s.db, person.user.email))?.subject).to.include('Ya eres gestor externo');
  });

  it('an unregistered representative is told how to register with their NIF', async () => {
    const s = await setup();
    const email = uniqueEmail('gestor');
    const nif = uniqueNif();
    expect((await postAppointment(s.agent, s.client.customer.id, { managerTaxId: uniqueCif(), managerName: 'Gestoría Sin Alta S.L.', representativeNif: nif, representativeEmail: email })).status).to.equal(303);
    const rel = await s.db('external_managers').where({ customer_id: s.client.customer.id, representative_nif: nif }).first();
    await decide(rel.request_id, 'approve');
    const mails = await mailsTo(s.db, email);
    expect(mails).to.have.length(1);
    const text = mails[0]!.text_body;
    expect(text).to.include(nif);
    expect(text).to.include('date de alta en el Área Clientes');
    expect(text).to.include('/registro');
  });

  describe('validation keeps what was typed', () => {
    const cases: [string, FileSpec[], RegExp][] = [
      ['no document', [], /Adjunta la documentación/],
      ['a GIF', [{ name: 'poder.gif', bytes: GIF_1X1, type: 'image/gif' }], /no es un PDF, JPEG o PNG/],
      ['a text renamed .pdf', [{ name: 'poder.pdf', bytes: Buffer.from('no soy un pdf') }], /no es un PDF, JPEG o PNG/],
      ['more than 10 MB', [{ name: 'grande.pdf', bytes: Buffer.concat([tinyPdf(), Buffer.alloc(10 * 1024 * 1024 + 1, 32)]) }], /más de 10 MB/],
      ['six files', Array.from({ length: 6 }, (_, i) => ({ name: `doc${i}.pdf`, bytes: tinyPdf() })), /como máximo 5 archivos/],
    ];
    for (const [name, files, message] of cases) {
      it(`refuses ${name}`, async () => {
        const s = await setup();
        const res = await postAppointment(s.agent, s.client.customer.id, s.fields, files);
        expect(res.status).to.equal(422);
        expect(fieldError(res.text, 'documents')).to.match(message);
        expect(res.text).to.include('href="#f-documents"');
        expect(res.text).to.match(/id="f-documents"[^>]*aria-invalid="true"/);
        expect(res.text).to.include(`value="${s.g.customer.taxId}"`);
        expect(res.text).to.include(`value="${s.g.rep.loginId}"`);
        expect(res.text).to.include(`value="${s.g.rep.email}"`);
        expect(await s.db('external_managers').where({ customer_id: s.client.customer.id }).first()).to.equal(undefined);
        expect(await s.db('requests').where({ customer_id: s.client.customer.id }).first()).to.equal(undefined);
      });
    }

    it('refuses a bad CIF, the client itself, a CIF as representative and a bad email, each next to its field', async () => {
      const s = await setup();
      let res = await postAppointment(s.agent, s.client.customer.id, { ...s.fields, managerTaxId: 'B1234567X', representativeNif: s.g.customer.taxId, representativeEmail: 'marta@' });
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'managerTaxId')).to.include('El CIF no es correcto');
      expect(fieldError(res.text, 'representativeNif')).to.include('no el CIF de la gestoría');
      expect(fieldError(res.text, 'representativeEmail')).to.include('no es correcto');
      expect(res.text).to.match(/id="f-managerTaxId"[^>]*aria-describedby="f-managerTaxId-hint f-managerTaxId-error"/);
      expect(res.text).to.include('value="B1234567X"');
      res = await postAppointment(s.agent, s.client.customer.id, { ...s.fields, managerTaxId: s.client.customer.taxId });
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'managerTaxId')).to.include('No puedes designarte a ti mismo');
      res = await postAppointment(s.agent, s.client.customer.id, { managerTaxId: '', managerName: '', representativeNif: '', representativeEmail: '' });
      expect(res.status).to.equal(422);
      for (const f of ['managerTaxId', 'managerName', 'representativeNif', 'representativeEmail']) expect(fieldError(res.text, f)).to.equal('Este campo es requerido');
    });

    it('refuses a duplicate live relation next to the CIF, not with an error page', async () => {
      const s = await setup();
      await appoint(s);
      const res = await postAppointment(s.agent, s.client.customer.id, s.fields);
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'managerTaxId')).to.include('ya es gestor externo de tus suministros o tiene una solicitud pendiente');
      expect(await s.db('external_managers').where({ customer_id: s.client.customer.id })).to.have.length(1);
    });

    it('limits the appointments pending review at once', async () => {
      const s = await setup();
      for (let i = 0; i < 3; i++) {
        expect((await postAppointment(s.agent, s.client.customer.id, { ...s.fields, managerTaxId: uniqueCif(), managerName: `Gestoría ${i} S.L.` })).status).to.equal(303);
      }
      const res = await postAppointment(s.agent, s.client.customer.id, { ...s.fields, managerTaxId: uniqueCif() });
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'managerTaxId')).to.include('pendientes de revisión');
    });
  });

  describe('access', () => {
    it('contacts of the client get 403; unrelated users 404; anonymous to the login', async () => {
      const s = await setup();
      for (const role of ['authorized_full', 'authorized_read'] as const) {
        const u = await createUser(s.db);
        await linkUser(s.db, u, s.client.customer, role);
        const a = await s.as(u);
        await a.get(page(s.client.customer.id)).expect(403);
      }
      const stranger = await s.as((await createHousehold(s.db)).user);
      await stranger.get(page(s.client.customer.id)).expect(404);
      const csrf = csrfFrom((await stranger.get('/ajustes')).text);
      await stranger.post(`${page(s.client.customer.id)}/1/revocar`).type('form').send({ _csrf: csrf, confirmar: '1' }).expect(404);
      const anon = await request(s.ctx.app).get(page(s.client.customer.id));
      expect(anon.status).to.equal(303);
    });

    it('a relation of another client is not found from this client', async () => {
      const s = await setup();
      const rel = await appoint(s);
      const other = await company(s.db);
      const otherAgent = await s.as(other.rep);
      const csrf = csrfFrom((await otherAgent.get(page(other.customer.id)).expect(200)).text);
      await otherAgent.post(`${page(other.customer.id)}/${rel.id}/revocar`).type('form').send({ _csrf: csrf, confirmar: '1' }).expect(404);
      expect((await s.db('external_managers').where({ id: rel.id }).first()).status).to.equal('pending_review');
    });

    it('the household holder may appoint an administrador de fincas too', async () => {
      const { db: { knex: db }, app } = await testContext();
      const h = await createHousehold(db);
      const g = await gestoria(db);
      const agent = await loginAs(request.agent(app), h.user.loginId, h.user.password);
      const res = await postAppointment(agent, h.customer.id, { managerTaxId: g.customer.taxId, managerName: g.customer.name, representativeNif: g.rep.loginId, representativeEmail: g.rep.email });
      expect(res.status, pageText(res.text)).to.equal(303);
    });

    it('refuses without the CSRF token (403) on both forms', async () => {
      const s = await setup();
      const res = await postAppointment(s.agent, s.client.customer.id, s.fields, undefined, null);
      expect(res.status).to.equal(403);
      const rel = await appoint(s);
      await s.agent.post(`${page(s.client.customer.id)}/${rel.id}/revocar`).type('form').send({ confirmar: '1' }).expect(403);
      expect((await s.db('external_managers').where({ customer_id: s.client.customer.id })).map((r: { status: string }) => r.status)).to.deep.equal(['pending_review']);
    });
  });
});
