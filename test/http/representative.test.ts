import { expect } from 'chai';
import request from 'supertest';
import type { Knex } from 'knex';
import { testContext } from '../support/context';
import { createCustomer, createHousehold, createUser, csrfFrom, lastMailTo, linkUser, loginAs, mailsTo, pageText, uniqueCif, uniqueNif, type Agent, type UserFixture } from '../support/factories';
import { postMultipart, tinyPdf, type FileSpec } from '../support/multipart';
import { approveRepresentativeChange, rejectRepresentativeChange } from '../../src/services/representative-change';

const TEXT = Buffer.from('Esto es un texto, no un PDF.\n', 'utf8');
const postForm = postMultipart;

function fieldError(html: string, field: string): string {
  const m = new RegExp(`id="f-${field}-error"[^>]*>([\\s\\S]*?)</p>`).exec(html);
  return m ? pageText(m[1]!).replace(/^Error:\s*/, '') : '';
}

async function as(user: UserFixture): Promise<Agent> {
  const ctx = await testContext();
  return loginAs(request.agent(ctx.app), user.loginId, user.password);
}

/** A company with its representative, a total contact and a read-only contact, all registered. */
async function company() {
  const ctx = await testContext();
  const db = ctx.db.knex;
  const rep = await createUser(db, { firstName: 'Antonio' });
  const customer = await createCustomer(db, { kind: 'company', representativeNif: rep.loginId });
  await linkUser(db, rep, customer, 'representative');
  const full = await createUser(db, { firstName: 'Berta' });
  await linkUser(db, full, customer, 'authorized_full');
  const read = await createUser(db, { firstName: 'Carlos' });
  await linkUser(db, read, customer, 'authorized_read');
  return { ctx, db, customer, rep, full, read };
}

async function linkOf(db: Knex, userId: number, customerId: number) {
  return db('customer_links').where({ user_id: userId, customer_id: customerId }).orderBy('id', 'desc').first('id', 'role', 'status');
}

async function approve(requestId: number, previousNote = 'Documentación correcta') {
  const { db, clock, config } = await testContext();
  await db.knex.transaction((trx) => approveRepresentativeChange(trx, requestId, { id: null }, previousNote, clock.now(), config));
}

const page = (id: number) => `/clientes/${id}/representante`;

describe('change of representative', () => {
  it('shows the representative on file and the contacts who can take over; contacts get 403, others 404', async () => {
    const { customer, rep, full, read } = await company();
    const res = await (await as(rep)).get(page(customer.id)).expect(200);
    const text = pageText(res.text);
    expect(text).to.include(rep.loginId);
    expect(text).to.include(customer.name);
    expect(res.text).to.include('enctype="multipart/form-data"');
    expect(res.text).to.match(/<input type="radio" id="f-choice" name="choice" value="contact:\d+"/);
    expect(text).to.include(`${full.firstName} ${full.lastName} (${full.loginId})`);
    expect(text).to.include('Escritura de constitución');
    expect(text).to.include('Poder notarial');
    // text fields come before the file input
    expect(res.text.indexOf('name="email"')).to.be.lessThan(res.text.indexOf('name="documents"'));

    await (await as(full)).get(page(customer.id)).expect(403);
    await (await as(read)).get(page(customer.id)).expect(403);
    const stranger = await createHousehold((await testContext()).db.knex);
    await (await as(stranger.user)).get(page(customer.id)).expect(404);
    const anon = await request((await testContext()).app).get(page(customer.id));
    expect(anon.status).to.equal(303);
  });

  it('explains that an individual customer has no representative', async () => {
    const db = (await testContext()).db.knex;
    const h = await createHousehold(db);
    const res = await (await as(h.user)).get(page(h.customer.id)).expect(200);
    expect(pageText(res.text)).to.include('es un cliente particular: no tiene representante');
    expect(res.text).not.to.include('name="documents"');
  });

  it('a total contact becomes representative only after approval; the roles swap and both are told', async () => {
    const { db, customer, rep, full } = await company();
    const repAgent = await as(rep);
    const fullLink = await linkOf(db, full.id, customer.id);
    const res = await postForm(repAgent, page(customer.id), { choice: `contact:${fullLink.id}`, nif: '', name: '', email: '', previous: 'authorized_full', documentType: 'poder_notarial' }, [{ name: 'poder notarial.pdf', bytes: tinyPdf() }]);
    expect(res.status, pageText(res.text)).to.equal(303);
    const requestId = Number(/^\/gestiones\/(\d+)$/.exec(res.headers.location!)?.[1]);
    const r = await db('requests').where({ id: requestId }).first();
    expect(r).to.include({ type: 'representative_change', status: 'recibida', customer_id: customer.id, created_by: rep.id });
    expect(r.payload).to.include({ newRepresentativeNif: full.loginId, documentType: 'poder_notarial', previousRepresentative: 'authorized_full', documents: 1 });
    const docs = await db('documents').where({ request_id: requestId });
    expect(docs.map((d) => [d.file_name, d.mime_type, d.uploaded_by, d.customer_id])).to.deep.equal([['poder notarial.pdf', 'application/pdf', rep.id, customer.id]]);
    expect((await lastMailTo(db, rep.email))?.template).to.equal('request_created');

    // before approval nothing changes
    const fullAgent = await as(full);
    await fullAgent.get(page(customer.id)).expect(403);
    const detail = await repAgent.get(`/gestiones/${requestId}`).expect(200);
    expect(detail.text).to.include(`/documentos/${docs[0].id}`);
    expect(pageText(detail.text)).to.include('Recibida');

    await approve(requestId);

    expect((await db('customers').where({ id: customer.id }).first('representative_nif')).representative_nif).to.equal(full.loginId);
    expect(await linkOf(db, full.id, customer.id)).to.include({ role: 'representative', status: 'active' });
    expect(await linkOf(db, rep.id, customer.id)).to.include({ role: 'authorized_full', status: 'active' });
    expect((await db('requests').where({ id: requestId }).first('status')).status).to.equal('completada');
    // the access is evaluated on every request: the swap applies at once
    await fullAgent.get(page(customer.id)).expect(200);
    await repAgent.get(page(customer.id)).expect(403);
    await repAgent.get(`/gestiones/${requestId}`).expect(200);

    expect((await lastMailTo(db, full.email))?.template).to.equal('representative_appointed');
    const toOld = (await mailsTo(db, rep.email)).map((m) => m.template);
    expect(toOld).to.include.members(['representative_replaced', 'request_status']);
    const audits = await db('audit_log').where({ customer_id: customer.id }).whereIn('action', ['representative.changed', 'link.role_changed']).pluck('action');
    expect(audits).to.have.members(['link.role_changed', 'link.role_changed', 'representative.changed']);
  });

  it('a new person by NIF: the old representative leaves; the new one is invited to register with the NIF on file', async () => {
    const { db, customer, rep } = await company();
    const repAgent = await as(rep);
    const newNif = uniqueNif();
    const res = await postForm(repAgent, page(customer.id), { choice: 'new', nif: newNif, name: 'Marta Ruiz Soler', email: 'marta.ruiz@example.com', previous: 'revoke', documentType: 'escritura_constitucion' }, [{ name: 'escritura.pdf', bytes: tinyPdf('Escritura') }]);
    expect(res.status, pageText(res.text)).to.equal(303);
    const requestId = Number(/(\d+)$/.exec(res.headers.location!)?.[1]);
    await approve(requestId);
    expect((await db('customers').where({ id: customer.id }).first('representative_nif')).representative_nif).to.equal(newNif);
    expect(await linkOf(db, rep.id, customer.id)).to.include({ status: 'revoked' });
    await repAgent.get(page(customer.id)).expect(404);
    const mail = await lastMailTo(db, 'marta.ruiz@example.com');
    expect(mail?.template).to.equal('representative_appointed_register');
    expect(mail?.text_body).to.include('/registro/invitacion?token=');
    expect((await lastMailTo(db, rep.email))?.template).to.be.oneOf(['representative_replaced_revoked', 'request_status']);
    expect((await mailsTo(db, rep.email)).map((m) => m.template)).to.include('representative_replaced_revoked');
  });

  it('rejection keeps everything as it was and tells the person who asked why', async () => {
    const { db, ctx, customer, rep, full } = await company();
    const fullLink = await linkOf(db, full.id, customer.id);
    const res = await postForm(await as(rep), page(customer.id), { choice: `contact:${fullLink.id}`, previous: 'authorized_full', documentType: 'poder_notarial' }, [{ name: 'poder.pdf', bytes: tinyPdf() }]);
    const requestId = Number(/(\d+)$/.exec(res.headers.location!)?.[1]);
    await db.transaction((trx) => rejectRepresentativeChange(trx, requestId, { id: null }, 'El poder notarial no menciona a Berta', ctx.clock.now(), ctx.config));
    expect((await db('requests').where({ id: requestId }).first('status')).status).to.equal('rechazada');
    expect((await db('customers').where({ id: customer.id }).first('representative_nif')).representative_nif).to.equal(rep.loginId);
    expect(await linkOf(db, full.id, customer.id)).to.include({ role: 'authorized_full' });
    const mail = await lastMailTo(db, rep.email);
    expect(mail?.template).to.equal('request_status');
    expect(mail?.text_body).to.include('El poder notarial no menciona a Berta');
    // a finished request cannot be approved afterwards
    let error: unknown;
    try { await approve(requestId); } catch (e) { error = e; }
    expect((error as { code?: string })?.code).to.equal('conflict');
  });

  it('only one open change per customer', async () => {
    const { db, customer, rep } = await company();
    const agent = await as(rep);
    const fields = { choice: 'new', nif: uniqueNif(), name: 'Marta Ruiz Soler', email: 'marta@example.com', previous: 'authorized_full', documentType: 'poder_notarial' };
    expect((await postForm(agent, page(customer.id), fields, [{ name: 'a.pdf', bytes: tinyPdf() }])).status).to.equal(303);
    const again = await postForm(agent, page(customer.id), { ...fields, nif: uniqueNif() }, [{ name: 'b.pdf', bytes: tinyPdf() }]);
    expect(again.status).to.equal(409);
    expect(pageText(again.text)).to.include('Ya hay un cambio de representante pendiente de revisión');
    expect(await db('requests').where({ customer_id: customer.id, type: 'representative_change' }).count<{ count: number }[]>('* as count').first()).to.deep.equal({ count: 1 });
  });

  describe('refused uploads keep what was typed', () => {
    const typed = { choice: 'new', nif: '', name: 'Marta Ruiz Soler', email: 'marta.typed@example.com', previous: 'revoke', documentType: 'escritura_constitucion' };
    const cases: [string, FileSpec[], RegExp][] = [
      ['no document', [], /Adjunta la escritura de constitución o el poder notarial/],
      ['a text file named .pdf', [{ name: 'poder.pdf', bytes: TEXT }], /no es un PDF, JPEG o PNG/],
      ['six files', Array.from({ length: 6 }, (_, i) => ({ name: `doc${i}.pdf`, bytes: tinyPdf() })), /como máximo 5 archivos/],
      ['a file over 10 MB', [{ name: 'grande.pdf', bytes: Buffer.concat([tinyPdf(), Buffer.alloc(10 * 1024 * 1024)]) }], /ocupa más de 10 MB/],
    ];
    for (const [label, files, message] of cases) {
      it(label, async () => {
        const { db, customer, rep } = await company();
        const nif = uniqueNif();
        const res = await postForm(await as(rep), page(customer.id), { ...typed, nif }, files);
        expect(res.status).to.equal(422);
        expect(fieldError(res.text, 'documents')).to.match(message);
        expect(res.text).to.include('href="#f-documents"');
        expect(res.text).to.include(`value="${nif}"`);
        expect(res.text).to.include('value="Marta Ruiz Soler"');
        expect(res.text).to.include('value="marta.typed@example.com"');
        expect(res.text).to.match(/value="new" checked/);
        expect(res.text).to.match(/value="revoke" checked/);
        expect(res.text).to.match(/value="escritura_constitucion" selected/);
        expect(await db('requests').where({ customer_id: customer.id }).first()).to.equal(undefined);
        expect(await db('documents').where({ customer_id: customer.id }).first()).to.equal(undefined);
      });
    }

    it('a CIF as new representative and a missing choice are explained next to the fields', async () => {
      const { customer, rep } = await company();
      const res = await postForm(await as(rep), page(customer.id), { choice: 'new', nif: uniqueCif(), name: 'X', email: 'no-email', previous: '', documentType: '' }, [{ name: 'a.pdf', bytes: tinyPdf() }]);
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'nif')).to.include('indica su NIF personal, no un CIF');
      expect(fieldError(res.text, 'email')).to.include('El email no es correcto');
      expect(fieldError(res.text, 'previous')).to.include('Elige qué hacemos con el representante actual');
      expect(fieldError(res.text, 'documentType')).to.include('Elige el tipo de documento');
    });
  });

  it('refuses a POST without the CSRF token, a total contact, and an unrelated user', async () => {
    const { db, customer, rep, full } = await company();
    const fields = { choice: 'new', nif: uniqueNif(), name: 'Marta Ruiz Soler', email: 'm@example.com', previous: 'revoke', documentType: 'poder_notarial' };
    const noToken = await postForm(await as(rep), page(customer.id), fields, [{ name: 'a.pdf', bytes: tinyPdf() }], null);
    expect(noToken.status).to.equal(403);
    const fullAgent = await as(full);
    const token = csrfFrom((await fullAgent.get('/gestiones').expect(200)).text);
    expect((await postForm(fullAgent, page(customer.id), fields, [{ name: 'a.pdf', bytes: tinyPdf() }], token)).status).to.equal(403);
    const stranger = await createHousehold(db);
    const sAgent = await as(stranger.user);
    const sToken = csrfFrom((await sAgent.get('/gestiones').expect(200)).text);
    expect((await postForm(sAgent, page(customer.id), fields, [{ name: 'a.pdf', bytes: tinyPdf() }], sToken)).status).to.equal(404);
    expect(await db('requests').where({ customer_id: customer.id }).first()).to.equal(undefined);
  });

  it('documents are listed and served only to the uploader, the representative and staff', async () => {
    const { db, customer, rep, full, read } = await company();
    const fullLink = await linkOf(db, full.id, customer.id);
    const res = await postForm(await as(rep), page(customer.id), { choice: `contact:${fullLink.id}`, previous: 'authorized_full', documentType: 'poder_notarial' }, [{ name: 'poder.pdf', bytes: tinyPdf() }]);
    const requestId = Number(/(\d+)$/.exec(res.headers.location!)?.[1]);
    const doc = await db('documents').where({ request_id: requestId }).first('id');
    const repAgent = await as(rep);
    const download = await repAgent.get(`/documentos/${doc.id}`).expect(200);
    expect(download.headers['content-disposition']).to.match(/^attachment;/);
    expect(download.headers['x-content-type-options']).to.equal('nosniff');
    for (const contact of [full, read]) {
      const agent = await as(contact);
      const detail = await agent.get(`/gestiones/${requestId}`).expect(200);
      expect(detail.text).not.to.include(`/documentos/${doc.id}`);
      await agent.get(`/documentos/${doc.id}`).expect(404);
    }
  });

  describe('someone who is not yet the representative (seed 002)', () => {
    const claim = '/empresas/representante';

    it('asks by CIF with documents; the answer and the email are the same whether the CIF is a customer or not', async () => {
      const { db, customer } = await company();
      const h = await createHousehold(db);
      const agent = await as(h.user);
      const form = await agent.get(claim).expect(200);
      expect(pageText(form.text)).to.include(h.user.loginId);

      const known = await postForm(agent, claim, { cif: customer.taxId, documentType: 'poder_notarial' }, [{ name: 'poder.pdf', bytes: tinyPdf() }]);
      expect(known.status, pageText(known.text)).to.equal(303);
      const unknown = await postForm(agent, claim, { cif: uniqueCif(), documentType: 'poder_notarial' }, [{ name: 'poder.pdf', bytes: tinyPdf() }]);
      expect(unknown.status).to.equal(303);
      expect(unknown.headers.location).to.equal(known.headers.location);
      const mails = await mailsTo(db, h.user.email);
      expect(mails.map((m) => m.template)).to.deep.equal(['representative_claim_received', 'representative_claim_received']);
      expect(mails[0]!.subject).to.equal(mails[1]!.subject);
      const sent = await agent.get(known.headers.location!).expect(200);
      expect(pageText(sent.text)).to.include('Si el CIF corresponde a un cliente, revisaremos la documentación');

      const r = await db('requests').where({ customer_id: customer.id, type: 'representative_change' }).first();
      expect(r).to.include({ created_by: h.user.id, status: 'recibida' });
      expect(r.payload).to.include({ newRepresentativeNif: h.user.loginId, origin: 'claim' });
      // not theirs before approval
      await agent.get(page(customer.id)).expect(404);
      await approve(r.id);
      await agent.get(page(customer.id)).expect(200);
      expect((await db('customers').where({ id: customer.id }).first('representative_nif')).representative_nif).to.equal(h.user.loginId);
    });

    it('validates the CIF and keeps what was typed', async () => {
      const db = (await testContext()).db.knex;
      const h = await createHousehold(db);
      const res = await postForm(await as(h.user), claim, { cif: '12345678Z', documentType: 'poder_notarial' }, [{ name: 'poder.pdf', bytes: tinyPdf() }]);
      expect(res.status).to.equal(422);
      expect(fieldError(res.text, 'cif')).to.include('Escribe un CIF válido');
      expect(res.text).to.include('value="12345678Z"');
      expect(res.text).to.match(/value="poder_notarial" selected/);
    });

    it('is linked from the business registration when the NIF is not the representative on file', async () => {
      const { app } = await testContext();
      const res = await request(app).get('/empresas').expect(200);
      expect(res.text).to.include('href="/empresas/representante"');
      expect(res.text).to.include('href="/empresas/migrar-cif"');
    });
  });
});
