import crypto from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import type { Knex } from 'knex';
import { testContext } from '../support/context';
import { createHousehold, createUser, csrfFrom, lastMailTo, linkUser, loginAs, pageText, type Agent, type HouseholdFixture } from '../support/factories';

// ---------------------------------------------------------------------------------------------
// Small files generated here: real magic bytes, nothing committed.

/** A minimal PDF that file-type recognises (and PDF readers open: one empty page). */
function tinyPdf(text = 'Reclamación'): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`, 'latin1');
}

/** A 1×1 transparent PNG. */
const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
/** The start of a Windows executable (DOS header "MZ"). */
const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'), Buffer.alloc(512, 0)]);
const GIF_1X1 = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const TEXT = Buffer.from('Esto es un texto, no un PDF.\n', 'utf8');

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

const DESCRIPTION = 'La factura de octubre incluye un consumo que no corresponde a mi lectura real del contador.';

interface FileSpec { name: string; bytes: Buffer; type?: string }

/** Posts the complaint form as a browser does: text fields first, then the files. */
async function postComplaint(agent: Agent, contractId: number, fields: Record<string, string | undefined>, files: FileSpec[] = [], token?: string | null) {
  let csrf = token;
  if (csrf === undefined) csrf = csrfFrom((await agent.get(`/contratos/${contractId}/reclamacion`).expect(200)).text);
  let req = agent.post(`/contratos/${contractId}/reclamacion`);
  if (csrf !== null) req = req.field('_csrf', csrf);
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) req = req.field(k, v);
  if (files.length === 0) req = req.attach('attachments', Buffer.alloc(0), { filename: '', contentType: 'application/octet-stream' });
  for (const f of files) req = req.attach('attachments', f.bytes, { filename: f.name, contentType: f.type ?? 'application/pdf' });
  return req;
}

async function counts(db: Knex, customerId: number) {
  const requests = Number((await db('requests').where({ customer_id: customerId }).count<{ count: number }[]>('* as count').first())?.count ?? 0);
  const documents = Number((await db('documents').where({ customer_id: customerId }).count<{ count: number }[]>('* as count').first())?.count ?? 0);
  return { requests, documents };
}

async function household() {
  const ctx = await testContext();
  const db = ctx.db.knex;
  const h = await createHousehold(db);
  const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
  return { db, h, agent, app: ctx.app };
}

/** A contact of `h`'s customer with the given role, logged in. */
async function contact(h: HouseholdFixture, role: 'authorized_full' | 'authorized_read') {
  const ctx = await testContext();
  const user = await createUser(ctx.db.knex);
  await linkUser(ctx.db.knex, user, h.customer, role);
  return { user, agent: await loginAs(request.agent(ctx.app), user.loginId, user.password) };
}

function fieldError(html: string, field: string): string {
  const m = new RegExp(`id="f-${field}-error"[^>]*>([\\s\\S]*?)</p>`).exec(html);
  return m ? pageText(m[1]!).replace(/^Error:\s*/, '') : '';
}

async function expectRejected(files: FileSpec[], message: RegExp) {
  const { db, h, agent } = await household();
  const res = await postComplaint(agent, h.supply.contractId, { category: 'billing', description: DESCRIPTION }, files);
  expect(res.status).to.equal(422);
  expect(fieldError(res.text, 'attachments')).to.match(message);
  // the error summary links to the file input, which is marked invalid
  expect(res.text).to.include('href="#f-attachments"');
  expect(res.text).to.match(/id="f-attachments"[^>]*aria-invalid="true"/);
  // what the user typed is kept
  expect(res.text).to.match(/value="billing" checked/);
  expect(res.text).to.include(DESCRIPTION);
  expect(res.text).to.include('tienes que volver a seleccionarlos');
  expect(await counts(db, h.customer.id)).to.deep.equal({ requests: 0, documents: 0 });
  return res;
}

describe('complaints (reclamaciones)', () => {
  it('shows the form with the supply, the categories, the file input and the response deadline', async () => {
    const { h, agent } = await household();
    const res = await agent.get(`/contratos/${h.supply.contractId}/reclamacion`).expect(200);
    expect(res.text).to.include('enctype="multipart/form-data"');
    expect(res.text).to.include('<input type="file" id="f-attachments" name="attachments" multiple accept="application/pdf,image/jpeg,image/png"');
    expect(res.text).to.include(h.supply.cups);
    const text = pageText(res.text);
    for (const label of ['Facturación', 'Lectura o consumo', 'Contratación', 'Calidad del suministro', 'Atención al cliente', 'Otros']) expect(text).to.include(label);
    // filed today (20 November 2026) → answered by 20 December 2026
    expect(text).to.include('te responderemos como máximo el 20/12/2026');
    expect(res.text).to.match(/<fieldset[^>]*>\s*<legend>Motivo de la reclamación<\/legend>/);
    // the text fields come before the file input, so a refused file never loses them
    expect(res.text.indexOf('name="description"')).to.be.lessThan(res.text.indexOf('name="attachments"'));
    expect(res.text.indexOf('name="_csrf"', res.text.indexOf('action="/contratos/'))).to.be.lessThan(res.text.indexOf('name="category"'));
  });

  it('files a complaint with a PDF and a PNG: request, documents, timeline, email, audit, deadline', async () => {
    const { db, h, agent } = await household();
    const pdf = tinyPdf();
    const res = await postComplaint(agent, h.supply.contractId, { category: 'supply_quality', description: `${DESCRIPTION}\r\n${'Detalle. '.repeat(40)}` }, [
      { name: 'C:\\fakepath\\reclamación octubre.pdf', bytes: pdf },
      { name: 'contador.png', bytes: PNG_1X1, type: 'image/png' },
    ]);
    expect(res.status, pageText(res.text)).to.equal(303);
    const requestId = Number(/^\/gestiones\/(\d+)$/.exec(res.headers.location!)?.[1]);
    expect(requestId).to.be.greaterThan(0);

    const r = await db('requests').where({ id: requestId }).first();
    expect(r).to.include({ type: 'complaint', status: 'recibida', customer_id: h.customer.id, contract_id: h.supply.contractId, created_by: h.user.id });
    expect(r.reference).to.match(/^G-2026-\d{6}$/);
    expect(r.payload).to.deep.equal({ category: 'supply_quality', description: `${DESCRIPTION}\n${'Detalle. '.repeat(40)}`.slice(0, 200), attachments: 2, deadline: '2026-12-20' });
    // the whole text is kept in the timeline
    const note = await db('request_events').where({ request_id: requestId, kind: 'note' }).first('note', 'actor_type');
    expect(note).to.deep.equal({ note: `${DESCRIPTION}\n${'Detalle. '.repeat(40)}`.trim(), actor_type: 'user' });

    const docs = await db('documents').where({ request_id: requestId }).orderBy('id');
    expect(docs).to.have.length(2);
    expect(docs.map((d) => [d.file_name, d.mime_type, d.size_bytes, d.sha256, d.customer_id, d.uploaded_by])).to.deep.equal([
      ['reclamación octubre.pdf', 'application/pdf', pdf.length, sha256(pdf), h.customer.id, h.user.id],
      ['contador.png', 'image/png', PNG_1X1.length, sha256(PNG_1X1), h.customer.id, h.user.id],
    ]);
    expect(Buffer.compare(docs[0].content, pdf)).to.equal(0);

    const mail = await lastMailTo(db, h.user.email);
    expect(mail?.template).to.equal('request_created');
    expect(mail?.subject).to.include(r.reference);
    expect(mail?.text_body).to.include(`/gestiones/${requestId}`);

    const audits = await db('audit_log').where({ customer_id: h.customer.id }).whereIn('action', ['request.complaint', 'document.uploaded']).orderBy('id').select('action', 'target_type', 'target_id', 'actor_id');
    expect(audits).to.deep.equal([
      { action: 'request.complaint', target_type: 'request', target_id: String(requestId), actor_id: h.user.id },
      { action: 'document.uploaded', target_type: 'document', target_id: String(docs[0].id), actor_id: h.user.id },
      { action: 'document.uploaded', target_type: 'document', target_id: String(docs[1].id), actor_id: h.user.id },
    ]);

    // the detail page: flash with the deadline, the deadline notice and links to both documents
    const detail = await agent.get(res.headers.location!).expect(200);
    const text = pageText(detail.text);
    expect(text).to.include(`Hemos registrado tu reclamación con la referencia ${r.reference}. Te responderemos como máximo el 20/12/2026.`);
    expect(text).to.include('Te responderemos como máximo el 20/12/2026.');
    expect(detail.text).to.include(`href="/documentos/${docs[0].id}"`);
    expect(detail.text).to.include(`href="/documentos/${docs[1].id}"`);
    expect(text).to.include('reclamación octubre.pdf');
    expect(text).to.include('Motivo');
    // the request is listed in "Mis gestiones"
    const list = await agent.get('/gestiones').expect(200);
    expect(list.text).to.include(r.reference);
  });

  it('accepts a complaint without attachments', async () => {
    const { db, h, agent } = await household();
    const res = await postComplaint(agent, h.supply.contractId, { category: 'other', description: DESCRIPTION });
    expect(res.status, pageText(res.text)).to.equal(303);
    const c = await counts(db, h.customer.id);
    expect(c).to.deep.equal({ requests: 1, documents: 0 });
    const r = await db('requests').where({ customer_id: h.customer.id }).first('payload');
    expect(r.payload.attachments).to.equal(0);
  });

  it('refuses a renamed executable (MZ… named factura.pdf)', async () => {
    await expectRejected([{ name: 'factura.pdf', bytes: EXE }], /«factura\.pdf» no es un PDF, JPEG o PNG/);
  });

  it('refuses a text file named .pdf', async () => {
    await expectRejected([{ name: 'notas.pdf', bytes: TEXT }], /El contenido de «notas\.pdf» no es un PDF, JPEG o PNG/);
  });

  it('refuses a GIF, even next to a good PDF', async () => {
    await expectRejected([{ name: 'bien.pdf', bytes: tinyPdf() }, { name: 'foto.gif', bytes: GIF_1X1, type: 'image/gif' }], /«foto\.gif» no es un PDF, JPEG o PNG/);
  });

  it('refuses an empty file', async () => {
    await expectRejected([{ name: 'vacio.pdf', bytes: Buffer.alloc(0) }], /«vacio\.pdf» está vacío/);
  });

  it('refuses more than 3 files', async () => {
    const pdf = tinyPdf();
    await expectRejected([1, 2, 3, 4].map((n) => ({ name: `doc${n}.pdf`, bytes: pdf })), /como máximo 3 archivos/);
  });

  it('refuses a file of 10 MB + 1 byte with a field error, not the error page', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
    tinyPdf().copy(big);
    const res = await expectRejected([{ name: 'enorme.pdf', bytes: big }], /«enorme\.pdf» ocupa más de 10 MB/);
    expect(res.text).to.include('Enviar una reclamación');
  });

  it('accepts a file of exactly 10 MB', async () => {
    const { db, h, agent } = await household();
    const big = Buffer.alloc(10 * 1024 * 1024, 0x20);
    tinyPdf().copy(big);
    const res = await postComplaint(agent, h.supply.contractId, { category: 'billing', description: DESCRIPTION }, [{ name: 'grande.pdf', bytes: big }]);
    expect(res.status, pageText(res.text)).to.equal(303);
    const doc = await db('documents').where({ customer_id: h.customer.id }).first('size_bytes', 'sha256');
    expect(doc).to.deep.equal({ size_bytes: big.length, sha256: sha256(big) });
  });

  it('says what is wrong with the description and keeps the category', async () => {
    const { db, h, agent } = await household();
    const res = await postComplaint(agent, h.supply.contractId, { category: 'contracting', description: 'Muy corta' }, [{ name: 'a.pdf', bytes: tinyPdf() }]);
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'description')).to.equal('Describe el problema con al menos 20 caracteres');
    expect(res.text).to.match(/value="contracting" checked/);
    expect(res.text).to.include('>Muy corta</textarea>');
    expect(res.text).to.include('href="#f-description"');
    expect(await counts(db, h.customer.id)).to.deep.equal({ requests: 0, documents: 0 });

    const long = await postComplaint(agent, h.supply.contractId, { category: 'contracting', description: 'x'.repeat(4001) });
    expect(long.status).to.equal(422);
    expect(fieldError(long.text, 'description')).to.equal('La descripción puede tener como máximo 4000 caracteres');
  });

  it('asks for a category and keeps the description', async () => {
    const { db, h, agent } = await household();
    const res = await postComplaint(agent, h.supply.contractId, { description: DESCRIPTION });
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'category')).to.equal('Elige el motivo de la reclamación');
    expect(res.text).to.include('href="#f-category"');
    expect(res.text).to.include('id="f-category"');
    expect(res.text).to.include(DESCRIPTION);
    expect(await counts(db, h.customer.id)).to.deep.equal({ requests: 0, documents: 0 });
  });

  it('turns a description beyond the multipart field limit into a field error', async () => {
    const { db, h, agent } = await household();
    const res = await postComplaint(agent, h.supply.contractId, { category: 'billing', description: 'é'.repeat(15_000) }, [{ name: 'a.pdf', bytes: tinyPdf() }]);
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'description')).to.equal('La descripción puede tener como máximo 4000 caracteres');
    expect(res.text).to.match(/value="billing" checked/);
    expect(await counts(db, h.customer.id)).to.deep.equal({ requests: 0, documents: 0 });
  });

  it('answers a malformed form with a field error, not a 500', async () => {
    const { db, h, agent } = await household();
    const token = csrfFrom((await agent.get(`/contratos/${h.supply.contractId}/reclamacion`)).text);
    const res = await agent.post(`/contratos/${h.supply.contractId}/reclamacion`)
      .field('_csrf', token).field('category', 'billing').field('description', DESCRIPTION).field('x[a][b]', '1');
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'attachments')).to.match(/No hemos podido leer los archivos/);
    const other = await agent.post(`/contratos/${h.supply.contractId}/reclamacion`)
      .field('_csrf', token).field('category', 'billing').field('description', DESCRIPTION).attach('otro', tinyPdf(), { filename: 'a.pdf', contentType: 'application/pdf' });
    expect(other.status).to.equal(422);
    expect(await counts(db, h.customer.id)).to.deep.equal({ requests: 0, documents: 0 });
  });

  it('answers 403 to a multipart POST without a CSRF token or with a wrong one, and saves nothing', async () => {
    const { db, h, agent } = await household();
    const fields = { category: 'billing', description: DESCRIPTION };
    const files = [{ name: 'a.pdf', bytes: tinyPdf() }];
    const missing = await postComplaint(agent, h.supply.contractId, fields, files, null);
    expect(missing.status).to.equal(403);
    expect(pageText(missing.text)).to.include('El formulario ha caducado');
    const wrong = await postComplaint(agent, h.supply.contractId, fields, files, 'x'.repeat(64));
    expect(wrong.status).to.equal(403);
    // a token of another session does not do either
    const other = await household();
    const foreign = csrfFrom((await other.agent.get(`/contratos/${other.h.supply.contractId}/reclamacion`)).text);
    expect((await postComplaint(agent, h.supply.contractId, fields, files, foreign)).status).to.equal(403);
    // nor does a too-large file hide a missing token
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
    // the server answers 403 and closes the connection before reading the file: the client may
    // see the answer or, still writing, a broken pipe; either way nothing is saved
    const bigAnswer = await postComplaint(agent, h.supply.contractId, fields, [{ name: 'big.pdf', bytes: big }], null)
      .then((r) => r.status, (e: NodeJS.ErrnoException) => e.code);
    expect([403, 'EPIPE', 'ECONNRESET']).to.include(bigAnswer);
    expect(await counts(db, h.customer.id)).to.deep.equal({ requests: 0, documents: 0 });
    // the same form with the token goes through
    expect((await postComplaint(agent, h.supply.contractId, fields, files)).status).to.equal(303);
  });

  it('lets a read-only contact neither open nor send the form (403), and hides other customers (404)', async () => {
    const { db, h } = await household();
    const ro = await contact(h, 'authorized_read');
    await ro.agent.get(`/contratos/${h.supply.contractId}/reclamacion`).expect(403);
    const token = csrfFrom((await ro.agent.get('/ajustes')).text);
    const post = await postComplaint(ro.agent, h.supply.contractId, { category: 'billing', description: DESCRIPTION }, [{ name: 'a.pdf', bytes: tinyPdf() }], token);
    expect(post.status).to.equal(403);
    const stranger = await household();
    await stranger.agent.get(`/contratos/${h.supply.contractId}/reclamacion`).expect(404);
    expect(await counts(db, h.customer.id)).to.deep.equal({ requests: 0, documents: 0 });
  });

  it('lets an authorised (full) contact file a complaint for the customer', async () => {
    const { db, h } = await household();
    const full = await contact(h, 'authorized_full');
    const res = await postComplaint(full.agent, h.supply.contractId, { category: 'billing', description: DESCRIPTION }, [{ name: 'a.pdf', bytes: tinyPdf() }]);
    expect(res.status, pageText(res.text)).to.equal(303);
    const doc = await db('documents').where({ customer_id: h.customer.id }).first('id', 'uploaded_by');
    expect(doc.uploaded_by).to.equal(full.user.id);
  });

  it('sends anonymous visitors to the login page', async () => {
    const { h, app } = await household();
    const res = await request(app).get(`/contratos/${h.supply.contractId}/reclamacion`).expect(303);
    expect(res.headers.location).to.equal('/');
  });

  it('speaks Catalan', async () => {
    const ctx = await testContext();
    const h = await createHousehold(ctx.db.knex, { user: { language: 'ca' } });
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const form = await agent.get(`/contratos/${h.supply.contractId}/reclamacion`).expect(200);
    expect(form.text).to.include('<html lang="ca">');
    expect(pageText(form.text)).to.include('Enviar una reclamació');
    expect(pageText(form.text)).to.include('et respondrem com a màxim el 20/12/2026');
    expect(pageText(form.text)).to.include('Qualitat del subministrament');
    const res = await postComplaint(agent, h.supply.contractId, { category: 'billing', description: DESCRIPTION }, [{ name: 'x.pdf', bytes: EXE }]);
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'attachments')).to.match(/«x\.pdf» no és un PDF, JPEG o PNG/);
  });
});

describe('document download', () => {
  async function complaintWithPdf() {
    const base = await household();
    const pdf = tinyPdf('descarga');
    const res = await postComplaint(base.agent, base.h.supply.contractId, { category: 'billing', description: DESCRIPTION }, [{ name: 'Reclamación nº 1.pdf', bytes: pdf }]);
    expect(res.status, pageText(res.text)).to.equal(303);
    const doc = await base.db('documents').where({ customer_id: base.h.customer.id }).first('id');
    return { ...base, pdf, docId: doc.id as number };
  }

  it('serves the uploader the file as an attachment, never inline, not cached, nosniff', async () => {
    const { agent, pdf, docId, db, h } = await complaintWithPdf();
    const res = await agent.get(`/documentos/${docId}`).buffer(true).parse(binary).expect(200);
    expect(Buffer.compare(res.body as Buffer, pdf)).to.equal(0);
    expect(res.headers['content-type']).to.equal('application/pdf');
    expect(res.headers['content-disposition']).to.equal(`attachment; filename="Reclamacion n_ 1.pdf"; filename*=UTF-8''Reclamaci%C3%B3n%20n%C2%BA%201.pdf`);
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['cache-control']).to.equal('private, no-store');
    expect(res.headers['content-security-policy']).to.include('sandbox');
    const audit = await db('audit_log').where({ action: 'document.downloaded', target_id: String(docId) }).first('actor_id', 'customer_id');
    expect(audit).to.deep.equal({ actor_id: h.user.id, customer_id: h.customer.id });
  });

  it('serves the holder a document a contact uploaded', async () => {
    const { db, h, agent } = await household();
    const full = await contact(h, 'authorized_full');
    const png = PNG_1X1;
    await postComplaint(full.agent, h.supply.contractId, { category: 'billing', description: DESCRIPTION }, [{ name: 'foto.png', bytes: png, type: 'image/png' }]);
    const doc = await db('documents').where({ customer_id: h.customer.id }).first('id');
    const res = await agent.get(`/documentos/${doc.id}`).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).to.equal('image/png');
    expect(res.headers['content-disposition']).to.equal('attachment; filename="foto.png"');
    await full.agent.get(`/documentos/${doc.id}`).expect(200);
  });

  it('answers 404 to an authorised contact who did not upload it, to another customer and for unknown ids, alike', async () => {
    const { h, docId } = await complaintWithPdf();
    const full = await contact(h, 'authorized_full');
    const asContact = await full.agent.get(`/documentos/${docId}`).expect(404);
    expect(asContact.headers['content-type']).to.match(/text\/html/);
    const ro = await contact(h, 'authorized_read');
    await ro.agent.get(`/documentos/${docId}`).expect(404);
    const stranger = await household();
    const asStranger = await stranger.agent.get(`/documentos/${docId}`).expect(404);
    const missing = await stranger.agent.get('/documentos/999999999').expect(404);
    await stranger.agent.get('/documentos/abc').expect(404);
    expect(pageText(asStranger.text)).to.equal(pageText(missing.text));
    expect(pageText(asContact.text)).to.equal(pageText(missing.text));
  });

  it('sends anonymous visitors to the login page', async () => {
    const { docId, app } = await complaintWithPdf();
    const res = await request(app).get(`/documentos/${docId}`).expect(303);
    expect(res.headers.location).to.equal('/');
  });
});
