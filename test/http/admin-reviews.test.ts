import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../support/context';
import { createCustomer, createUser, csrfFrom, linkUser, loginAs, mailsTo, pageText, type Agent, type UserFixture } from '../support/factories';
import { postMultipart, tinyPdf } from '../support/multipart';
import { createStaff, loginStaff } from '../support/staff';

async function as(user: UserFixture): Promise<Agent> {
  const ctx = await testContext();
  return loginAs(request.agent(ctx.app), user.loginId, user.password);
}

async function staffAgent(role: 'agente' | 'supervisor'): Promise<Agent> {
  const ctx = await testContext();
  const staff = await createStaff(ctx.db.knex, { role });
  return loginStaff(request.agent(ctx.app), staff, ctx.clock);
}

/** A company whose representative files a change of representative to its total contact, with a PDF. */
async function filedChange(fileName = 'poder notarial.pdf') {
  const ctx = await testContext();
  const db = ctx.db.knex;
  const rep = await createUser(db, { firstName: 'Antonio' });
  const customer = await createCustomer(db, { kind: 'company', representativeNif: rep.loginId });
  await linkUser(db, rep, customer, 'representative');
  const full = await createUser(db, { firstName: 'Berta' });
  await linkUser(db, full, customer, 'authorized_full');
  const fullLink = await db('customer_links').where({ user_id: full.id, customer_id: customer.id }).first('id');
  const repAgent = await as(rep);
  const pdf = tinyPdf('Poder notarial de Berta');
  const res = await postMultipart(repAgent, `/clientes/${customer.id}/representante`,
    { choice: `contact:${fullLink.id}`, nif: '', name: '', email: '', previous: 'authorized_full', documentType: 'poder_notarial' }, [{ name: fileName, bytes: pdf }]);
  expect(res.status, pageText(res.text)).to.equal(303);
  const requestId = Number(/(\d+)$/.exec(res.headers.location!)?.[1]);
  const r = await db('requests').where({ id: requestId }).first('reference');
  const doc = await db('documents').where({ request_id: requestId }).first('id');
  return { ctx, db, customer, rep, full, repAgent, requestId, reference: r.reference as string, documentId: doc.id as number, pdf };
}

const status = async (requestId: number) => (await (await testContext()).db.knex('requests').where({ id: requestId }).first('status')).status;

describe('admin review queue', () => {
  it('approval end to end: queue, document as attachment, approval; the new representative manages contacts, the customer sees the note and gets an email', async () => {
    const f = await filedChange();
    const sup = await staffAgent('supervisor');

    const queue = await sup.get('/admin/revision').expect(200);
    expect(queue.text).to.include(`href="/admin/revision/${f.requestId}"`);
    const row = pageText(/<tr>(?:(?!<\/tr>)[\s\S])*?G-\d{4}-\d{6}(?:(?!<\/tr>)[\s\S])*<\/tr>/.exec(queue.text.slice(queue.text.indexOf(f.reference) - 200))?.[0] ?? '');
    expect(row).to.include(f.reference).and.to.include(f.customer.name).and.to.include(f.rep.loginId).and.to.include('Cambio de representante');

    const detail = await sup.get(`/admin/revision/${f.requestId}`).expect(200);
    const text = pageText(detail.text);
    expect(text).to.include(f.full.loginId); // the proposed representative, readable
    expect(text).to.include('Poder notarial');
    expect(text).to.include('Pasa a contacto autorizado total');
    expect(text).to.include(`${f.rep.firstName} ${f.rep.lastName} (${f.rep.loginId}) · Representante`);
    expect(detail.text).to.include(`href="/admin/documentos/${f.documentId}"`);
    expect(detail.text).to.include('action="/admin/revision/' + f.requestId + '/aprobar"');

    const dl = await sup.get(`/admin/documentos/${f.documentId}`).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(dl.headers['content-disposition']).to.match(/^attachment; filename="poder notarial.pdf"/);
    expect(dl.headers['x-content-type-options']).to.equal('nosniff');
    expect(dl.headers['content-type']).to.match(/^application\/pdf/);
    expect(Buffer.compare(dl.body as Buffer, f.pdf)).to.equal(0);
    expect(await f.db('audit_log').where({ action: 'document.downloaded', target_id: String(f.documentId), actor_type: 'staff' }).count('* as n').first()).to.deep.equal({ n: 1 });

    // before the approval the total contact cannot manage contacts
    const fullAgent = await as(f.full);
    await fullAgent.get(`/clientes/${f.customer.id}/contactos`).expect(403);

    const csrf = csrfFrom(detail.text);
    const approved = await sup.post(`/admin/revision/${f.requestId}/aprobar`).type('form').send({ _csrf: csrf, note: 'Poder notarial revisado y correcto.' });
    expect(approved.status).to.equal(303);
    expect(approved.headers.location).to.equal('/admin/revision');
    expect(pageText((await sup.get('/admin/revision').expect(200)).text)).to.include(`Solicitud ${f.reference} aprobada`);
    expect(await status(f.requestId)).to.equal('completada');

    await fullAgent.get(`/clientes/${f.customer.id}/contactos`).expect(200);
    const mine = pageText((await f.repAgent.get(`/gestiones/${f.requestId}`).expect(200)).text);
    expect(mine).to.include('Completada').and.to.include('Poder notarial revisado y correcto.');
    const mails = await mailsTo(f.db, f.rep.email);
    const statusMail = mails.find((m) => m.template === 'request_status');
    expect(statusMail?.text_body).to.include('Poder notarial revisado y correcto.');
    expect(mails.map((m) => m.template)).to.include('representative_replaced');
    const audit = await f.db('audit_log').where({ action: 'review.approved', target_id: String(f.requestId) }).first();
    expect(audit).to.include({ actor_type: 'staff', customer_id: f.customer.id });

    // no longer in the queue; a second decision is refused without a 500
    expect((await sup.get('/admin/revision').expect(200)).text).not.to.include(`href="/admin/revision/${f.requestId}"`);
    const again = await sup.post(`/admin/revision/${f.requestId}/aprobar`).type('form').send({ _csrf: csrf, note: '' });
    expect(again.status).to.equal(409);
    expect(pageText(again.text)).to.include('ya no está pendiente');
  });

  it('rejection needs a reason; the customer reads it and nothing changes', async () => {
    const f = await filedChange();
    const sup = await staffAgent('supervisor');
    const csrf = csrfFrom((await sup.get(`/admin/revision/${f.requestId}`).expect(200)).text);
    const empty = await sup.post(`/admin/revision/${f.requestId}/rechazar`).type('form').send({ _csrf: csrf, reason: '   ' });
    expect(empty.status).to.equal(422);
    expect(empty.text).to.match(/id="f-reason-error"[^>]*>[\s\S]*?Escribe el motivo del rechazo/);
    expect(empty.text).to.include('aria-describedby="f-reason-hint f-reason-error"');
    expect(await status(f.requestId)).to.equal('recibida');

    const res = await sup.post(`/admin/revision/${f.requestId}/rechazar`).type('form').send({ _csrf: csrf, reason: 'El poder notarial no menciona a Berta.' });
    expect(res.status).to.equal(303);
    expect(await status(f.requestId)).to.equal('rechazada');
    const rep = await f.db('customers').where({ id: f.customer.id }).first('representative_nif');
    expect(rep.representative_nif).to.equal(f.rep.loginId);
    expect(pageText((await f.repAgent.get(`/gestiones/${f.requestId}`).expect(200)).text)).to.include('Rechazada').and.to.include('El poder notarial no menciona a Berta.');
    const statusMail = (await mailsTo(f.db, f.rep.email)).find((m) => m.template === 'request_status');
    expect(statusMail?.text_body).to.include('El poder notarial no menciona a Berta.');
    const audit = await f.db('audit_log').where({ action: 'review.rejected', target_id: String(f.requestId) }).first('details');
    expect(audit.details).to.include({ note: 'El poder notarial no menciona a Berta.' });
  });

  it('agentes see the queue and the documents but cannot decide (403)', async () => {
    const f = await filedChange();
    const agent = await staffAgent('agente');
    expect((await agent.get('/admin/revision').expect(200)).text).to.include(`href="/admin/revision/${f.requestId}"`);
    const detail = await agent.get(`/admin/revision/${f.requestId}`).expect(200);
    expect(pageText(detail.text)).to.include('Solo un supervisor puede aprobar o rechazar');
    expect(detail.text).not.to.include('/aprobar"');
    await agent.get(`/admin/documentos/${f.documentId}`).expect(200);
    const csrf = csrfFrom(detail.text);
    await agent.post(`/admin/revision/${f.requestId}/aprobar`).type('form').send({ _csrf: csrf, note: '' }).expect(403);
    await agent.post(`/admin/revision/${f.requestId}/rechazar`).type('form').send({ _csrf: csrf, reason: 'No' }).expect(403);
    expect(await status(f.requestId)).to.equal('recibida');
  });

  it('CSRF, anonymous and customer sessions are refused', async () => {
    const f = await filedChange();
    const sup = await staffAgent('supervisor');
    await sup.post(`/admin/revision/${f.requestId}/aprobar`).type('form').send({ note: '' }).expect(403);
    expect(await status(f.requestId)).to.equal('recibida');

    const { app } = await testContext();
    for (const path of ['/admin/revision', `/admin/revision/${f.requestId}`, `/admin/documentos/${f.documentId}`]) {
      const anon = await request(app).get(path);
      expect(anon.status, path).to.equal(303);
      expect(anon.headers.location).to.equal('/admin/acceso');
      // a customer session (even the uploader's) never opens an admin page
      const asCustomer = await f.repAgent.get(path);
      expect(asCustomer.status, path).to.equal(303);
      expect(asCustomer.headers.location).to.equal('/admin/acceso');
    }
    const post = await request(app).post(`/admin/revision/${f.requestId}/aprobar`).type('form').send({ note: '' });
    expect(post.status).to.be.oneOf([303, 403]);
    expect(await status(f.requestId)).to.equal('recibida');
  });

  it('lists the oldest first and 404s what is not a review', async () => {
    const first = await filedChange('primero.pdf');
    (await testContext()).clock.advance(60_000);
    const second = await filedChange('segundo.pdf');
    const sup = await staffAgent('supervisor');
    const html = (await sup.get('/admin/revision').expect(200)).text;
    expect(html.indexOf(first.reference)).to.be.greaterThan(-1).and.lessThan(html.indexOf(second.reference));
    await sup.get('/admin/revision/999999999').expect(404);
    await sup.get('/admin/revision/abc').expect(404);
    await sup.get('/admin/documentos/999999999').expect(404);
  });
});
