import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../support/context';
import {
  addConsumption, createContractAccount, createHousehold, createSupply, createUser, csrfFrom, issueInvoices, linkUser, loginAs, pageText, type HouseholdFixture,
} from '../support/factories';
import { storeSignedOriginals } from '../../src/services/invoice-documents';

const run = promisify(execFile);

async function pdfTool(tool: 'pdfsig' | 'pdftotext', pdf: Buffer): Promise<string> {
  const file = path.join(os.tmpdir(), `invoice-${process.pid}-${Math.random().toString(36).slice(2)}.pdf`);
  await fs.writeFile(file, pdf);
  try {
    const { stdout } = await run(tool, tool === 'pdftotext' ? [file, '-'] : [file]);
    return stdout;
  } finally {
    await fs.rm(file, { force: true });
  }
}

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/** A household with e-billing and `months` signed invoices issued through the billing code. */
async function householdWithInvoices(months: string[], opts: { eBilling?: boolean } = {}) {
  const ctx = await testContext();
  const db = ctx.db.knex;
  const h = await createHousehold(db, { eBilling: opts.eBilling ?? true, consumption: months.map((m, i) => ({ month: m, P1: 60 + i, P2: 70, P3: 90 })) });
  const invoices = await issueInvoices(db, h.supply.contractId, months);
  await storeSignedOriginals(db, invoices.map((i) => i.id), ctx.app.locals.deps.signer, ctx.clock.now());
  const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
  return { ctx, db, h, invoices, agent };
}

describe('invoices', () => {
  it('gives the signed original once through the explicit button, then signed duplicates marked DUPLICADO', async () => {
    const { agent, invoices, db } = await householdWithInvoices(['2026-09']);
    const id = invoices[0]!.id;
    const summary = await agent.get(`/facturas/${id}`).expect(200);
    expect(summary.text).to.include(`action="/facturas/${id}/original"`);
    expect(pageText(summary.text)).to.include('Descargar el original (una sola vez)');
    const first = await agent.post(`/facturas/${id}/original`).type('form').send({ _csrf: csrfFrom(summary.text) }).buffer(true).parse(binary).expect(200);
    expect(first.headers['content-type']).to.equal('application/pdf');
    expect(first.headers['content-disposition']).to.equal(`attachment; filename="factura-${invoices[0]!.number}.pdf"`);
    expect(first.headers['x-invoice-copy']).to.equal('original');
    const stored = await db('invoice_documents').where({ invoice_id: id }).first('original_pdf');
    expect(Buffer.compare(first.body as Buffer, stored.original_pdf)).to.equal(0);

    const second = await agent.get(`/facturas/${id}/pdf`).buffer(true).parse(binary).expect(200);
    expect(second.headers['x-invoice-copy']).to.equal('duplicate');
    expect(second.headers['content-disposition']).to.equal(`attachment; filename="factura-${invoices[0]!.number}-duplicado.pdf"`);
    const third = await agent.post(`/facturas/${id}/original`).type('form').send({ _csrf: csrfFrom(summary.text) }).buffer(true).parse(binary).expect(200);
    expect(third.headers['x-invoice-copy']).to.equal('duplicate');
    expect((await agent.get(`/facturas/${id}`).expect(200)).text).not.to.include(`action="/facturas/${id}/original"`);

    for (const pdf of [first.body as Buffer, second.body as Buffer]) {
      const sig = await pdfTool('pdfsig', pdf);
      expect(sig).to.include('Signature Validation: Signature is Valid.');
      expect(sig).not.to.match(/Signature is Invalid|Digest Mismatch/);
    }
    expect(await pdfTool('pdftotext', first.body as Buffer)).not.to.include('DUPLICADO');
    const dupText = await pdfTool('pdftotext', second.body as Buffer);
    expect(dupText).to.include('DUPLICADO');
    expect(dupText).to.include(invoices[0]!.number);

    const row = await db('invoices').where({ id }).first('original_downloaded_at', 'original_downloaded_by');
    expect(row.original_downloaded_at).to.be.instanceOf(Date);
    const audits = await db('audit_log').where({ target_type: 'invoice', target_id: String(id) }).orderBy('id').pluck('action');
    expect(audits).to.deep.equal(['invoice.original_downloaded', 'invoice.duplicate_downloaded', 'invoice.duplicate_downloaded']);
  });

  it('never hands out the original on a GET or to a read-only contact (issue 12 item 11)', async () => {
    const { agent, invoices, db, h, ctx } = await householdWithInvoices(['2026-03']);
    const id = invoices[0]!.id;
    // a link followed from anywhere (another site, a prefetch) gets a duplicate and leaves the original
    const viaLink = await agent.get(`/facturas/${id}/pdf`).buffer(true).parse(binary).expect(200);
    expect(viaLink.headers['x-invoice-copy']).to.equal('duplicate');
    // a read-only contact: no button, and a hand-made POST gets a duplicate
    const reader = await createUser(db);
    await linkUser(db, reader, h.customer, 'authorized_read');
    const readerAgent = await loginAs(request.agent(ctx.app), reader.loginId, reader.password);
    const page = await readerAgent.get(`/facturas/${id}`).expect(200);
    expect(page.text).not.to.include(`action="/facturas/${id}/original"`);
    expect(pageText(page.text)).to.include('Tú recibirás un duplicado firmado');
    const posted = await readerAgent.post(`/facturas/${id}/original`).type('form').send({ _csrf: csrfFrom(page.text) }).buffer(true).parse(binary).expect(200);
    expect(posted.headers['x-invoice-copy']).to.equal('duplicate');
    // the explicit request needs the form's token
    await agent.post(`/facturas/${id}/original`).type('form').send({}).expect(403);
    expect((await db('invoices').where({ id }).first('original_downloaded_at')).original_downloaded_at).to.equal(null);
    // a total contact may take it
    const full = await createUser(db);
    await linkUser(db, full, h.customer, 'authorized_full');
    const fullAgent = await loginAs(request.agent(ctx.app), full.loginId, full.password);
    const fullPage = await fullAgent.get(`/facturas/${id}`).expect(200);
    const taken = await fullAgent.post(`/facturas/${id}/original`).type('form').send({ _csrf: csrfFrom(fullPage.text) }).buffer(true).parse(binary).expect(200);
    expect(taken.headers['x-invoice-copy']).to.equal('original');
    expect((await db('invoices').where({ id }).first('original_downloaded_by')).original_downloaded_by).to.equal(full.id);
  });

  it('hands the original to exactly one of 20 concurrent first requests for it', async () => {
    const { agent, invoices } = await householdWithInvoices(['2026-08']);
    const id = invoices[0]!.id;
    const token = csrfFrom((await agent.get(`/facturas/${id}`).expect(200)).text);
    const results = await Promise.all(Array.from({ length: 20 }, () => agent.post(`/facturas/${id}/original`).type('form').send({ _csrf: token }).buffer(true).parse(binary)));
    expect(results.map((r) => r.status)).to.deep.equal(Array(20).fill(200));
    const kinds = results.map((r) => r.headers['x-invoice-copy']);
    expect(kinds.filter((k) => k === 'original')).to.have.length(1);
    expect(kinds.filter((k) => k === 'duplicate')).to.have.length(19);
  });

  it('always gives duplicates for paper invoices', async () => {
    const { agent, invoices } = await householdWithInvoices(['2026-07'], { eBilling: false });
    const res = await agent.get(`/facturas/${invoices[0]!.id}/pdf`).buffer(true).parse(binary).expect(200);
    expect(res.headers['x-invoice-copy']).to.equal('duplicate');
    expect(await pdfTool('pdftotext', res.body as Buffer)).to.include('DUPLICADO');
  });

  it('renders and signs a duplicate once, then serves the stored bytes with ETag and Last-Modified (304 when unchanged)', async () => {
    const { agent, invoices, db, ctx } = await householdWithInvoices(['2026-08']);
    const id = invoices[0]!.id;
    const first = await agent.get(`/facturas/${id}/pdf`).buffer(true).parse(binary).expect(200);
    // minutes later: a duplicate made again would print another time and carry another signature time
    const started = ctx.clock.now();
    ctx.clock.advance(5 * 60_000);
    const second = await agent.get(`/facturas/${id}/pdf`).buffer(true).parse(binary).expect(200);
    expect(Buffer.compare(first.body as Buffer, second.body as Buffer)).to.equal(0);
    const stored = await db('invoice_duplicates').where({ invoice_id: id }).first('pdf', 'sha256', 'generated_at');
    expect(Buffer.compare(stored.pdf, first.body as Buffer)).to.equal(0);
    expect(first.headers.etag).to.equal(`"${stored.sha256}"`);
    expect(second.headers.etag).to.equal(first.headers.etag);
    expect(first.headers['last-modified']).to.equal(new Date(stored.generated_at).toUTCString());
    expect(first.headers['cache-control']).to.equal('private, no-store');
    expect(first.headers['x-invoice-copy']).to.equal('duplicate');

    ctx.clock.set(started);
    const again = await agent.get(`/facturas/${id}/pdf`).set('If-None-Match', first.headers.etag!).expect(304);
    expect(again.headers.etag).to.equal(first.headers.etag);
    expect(again.text ?? '').to.equal('');
    await agent.get(`/facturas/${id}/pdf`).set('If-Modified-Since', first.headers['last-modified']!).expect(304);
    const changed = await agent.get(`/facturas/${id}/pdf`).set('If-None-Match', '"another"').buffer(true).parse(binary).expect(200);
    expect(Buffer.compare(changed.body as Buffer, first.body as Buffer)).to.equal(0);
    // each download, a 304 included, is still audited as one
    const audits = await db('audit_log').where({ target_type: 'invoice', target_id: String(id) }).pluck('action');
    expect(audits).to.deep.equal(Array(5).fill('invoice.duplicate_downloaded'));

    // the original is untouched by duplicates: still there, once, through the button only
    const summary = await agent.get(`/facturas/${id}`).expect(200);
    const original = await agent.post(`/facturas/${id}/original`).type('form').send({ _csrf: csrfFrom(summary.text) }).buffer(true).parse(binary).expect(200);
    expect(original.headers['x-invoice-copy']).to.equal('original');
    expect(original.headers.etag).to.not.equal(first.headers.etag);
    const after = await agent.post(`/facturas/${id}/original`).type('form').send({ _csrf: csrfFrom(summary.text) }).buffer(true).parse(binary).expect(200);
    expect(after.headers['x-invoice-copy']).to.equal('duplicate');
    expect(Buffer.compare(after.body as Buffer, first.body as Buffer)).to.equal(0);
  });

  it('gives every one of 10 concurrent first downloads the same stored duplicate', async () => {
    const { agent, invoices, db } = await householdWithInvoices(['2026-04']);
    const id = invoices[0]!.id;
    const all = await Promise.all(Array.from({ length: 10 }, () => agent.get(`/facturas/${id}/pdf`).buffer(true).parse(binary).expect(200)));
    const stored = await db('invoice_duplicates').where({ invoice_id: id }).first('pdf');
    for (const r of all) expect(Buffer.compare(r.body as Buffer, stored.pdf)).to.equal(0);
  });

  it('keeps a stored duplicate from another customer and from anonymous visitors (404 / login), ETag or not', async () => {
    const { invoices, agent, ctx } = await householdWithInvoices(['2026-03']);
    const id = invoices[0]!.id;
    const mine = await agent.get(`/facturas/${id}/pdf`).buffer(true).parse(binary).expect(200);
    const other = await householdWithInvoices(['2026-03']);
    const refused = await other.agent.get(`/facturas/${id}/pdf`).set('If-None-Match', mine.headers.etag!).expect(404);
    expect(refused.headers.etag).to.not.equal(mine.headers.etag);
    expect(refused.headers['content-type']).to.match(/text\/html/);
    const anonymous = await request(ctx.app).get(`/facturas/${id}/pdf`).set('If-None-Match', mine.headers.etag!).expect(303);
    expect(anonymous.headers.location).to.equal('/');
  });

  it("answers 404 for another customer's invoice, page and PDF alike, and never sends the file", async () => {
    const { invoices } = await householdWithInvoices(['2026-06']);
    const other = await householdWithInvoices(['2026-06']);
    const page = await other.agent.get(`/facturas/${invoices[0]!.id}`).expect(404);
    expect(page.text).to.include('No encontramos esta página');
    const pdf = await other.agent.get(`/facturas/${invoices[0]!.id}/pdf`).expect(404);
    expect(pdf.headers['content-type']).to.match(/text\/html/);
    const missing = await other.agent.get('/facturas/999999999/pdf').expect(404);
    expect(pageText(missing.text)).to.equal(pageText(page.text));
  });

  it('sends anonymous visitors to the login page', async () => {
    const { invoices, ctx } = await householdWithInvoices(['2026-05']);
    const res = await request(ctx.app).get(`/facturas/${invoices[0]!.id}/pdf`).expect(303);
    expect(res.headers.location).to.equal('/');
  });

  it('shows the summary with every line and the total', async () => {
    const { agent, invoices } = await householdWithInvoices(['2026-04']);
    const res = await agent.get(`/facturas/${invoices[0]!.id}`).expect(200);
    const text = pageText(res.text);
    for (const label of ['Término de potencia', 'Término de energía', 'Impuesto eléctrico', 'Alquiler de equipos', 'IVA', 'Total factura']) {
      expect(text).to.include(label);
    }
    const euros = (invoices[0]!.totalCents / 100).toLocaleString('es-ES', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect(text).to.include(`${euros} €`);
    expect(res.text).to.include(`href="/facturas/${invoices[0]!.id}/pdf"`);
  });

  it('lists invoices newest first, filters by year and paginates', async () => {
    const months = Array.from({ length: 14 }, (_, i) => new Date(Date.UTC(2025, i, 1)).toISOString().slice(0, 7)); // 2025-01 … 2026-02
    const { agent, h, invoices } = await householdWithInvoices(months);
    const page1 = await agent.get(`/contratos/${h.supply.contractId}/facturas`).expect(200);
    const numbers = [...page1.text.matchAll(/<td[^>]*>(FE\d{10})<\/td>/g)].map((m) => m[1]);
    expect(numbers).to.have.length(12);
    expect(numbers[0]).to.equal(invoices[invoices.length - 1]!.number);
    expect(page1.text).to.include('Página 1 de 2');
    // the year filter offers the years present, newest first, whatever year is chosen
    const yearOptions = (html: string) => [...html.matchAll(/<option value="(\d{4})"/g)].map((m) => m[1]);
    expect(yearOptions(page1.text)).to.deep.equal(['2026', '2025']);
    const page2 = await agent.get(`/contratos/${h.supply.contractId}/facturas?pagina=2`).expect(200);
    expect([...page2.text.matchAll(/<td[^>]*>(FE\d{10})<\/td>/g)]).to.have.length(2);
    const y2026 = await agent.get(`/contratos/${h.supply.contractId}/facturas?anio=2026`).expect(200);
    // February 2026 and January 2026 consumption are issued in 2026, plus December 2025's (issued 3 Jan 2026)
    expect([...y2026.text.matchAll(/<td[^>]*>(FE\d{10})<\/td>/g)]).to.have.length(3);
    expect(yearOptions(y2026.text)).to.deep.equal(['2026', '2025']);
    const fragment = await agent.get(`/contratos/${h.supply.contractId}/facturas?anio=2026`).set('HX-Request', 'true').expect(200);
    expect(fragment.text.trim().startsWith('<div id="invoice-table">')).to.equal(true);
    expect(fragment.headers.vary).to.match(/HX-Request/);
  });

  it('neither lists nor serves invoices older than five years', async () => {
    const ctx = await testContext();
    const db = ctx.db.knex;
    const h = await createHousehold(db, { eBilling: true, consumption: [{ month: '2021-10', P1: 80, P2: 80, P3: 80 }, { month: '2021-11', P1: 80, P2: 80, P3: 80 }] });
    const [oldest, boundary] = await issueInvoices(db, h.supply.contractId, ['2021-10', '2021-11']);
    await storeSignedOriginals(db, [oldest!.id, boundary!.id], ctx.app.locals.deps.signer, ctx.clock.now());
    // today is 2026-11-20 in the test clock: the cutoff is 2021-11-20
    await db('invoices').where({ id: oldest!.id }).update({ issue_date: '2021-11-19' });
    await db('invoices').where({ id: boundary!.id }).update({ issue_date: '2021-11-20' });
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const list = await agent.get(`/contratos/${h.supply.contractId}/facturas`).expect(200);
    expect(list.text).to.include(boundary!.number);
    expect(list.text).not.to.include(oldest!.number);
    await agent.get(`/facturas/${oldest!.id}`).expect(404);
    await agent.get(`/facturas/${oldest!.id}/pdf`).expect(404);
    await agent.get(`/facturas/${boundary!.id}/pdf`).expect(200);
  });
});

describe('consumption history', () => {
  it('downloads the last 24 months as a CSV for Spanish spreadsheets', async () => {
    const ctx = await testContext();
    const db = ctx.db.knex;
    const h = await createHousehold(db, {});
    // test clock: November 2026, so the last closed month is October 2026
    await addConsumption(db, h.supply.contractId, [{ month: '2025-10', P1: 100, P2: 100, P3: 100 }, { month: '2026-10', P1: 110, P2: 120, P3: 135 }]);
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const res = await agent.get(`/contratos/${h.supply.contractId}/consumo.csv`).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).to.match(/^text\/csv/);
    expect(res.headers['content-disposition']).to.equal(`attachment; filename="consumo-${h.supply.cups}.csv"`);
    const text = (res.body as Buffer).toString('utf8');
    expect(text.charCodeAt(0)).to.equal(0xfeff);
    const lines = text.slice(1).split('\r\n').filter(Boolean);
    expect(lines).to.have.length(25);
    expect(lines[0]).to.equal('Mes;P1 punta (kWh);P2 llano (kWh);P3 valle (kWh);Total (kWh);Mismo mes del año anterior (kWh);Variación (%)');
    expect(lines[24]).to.equal('2026-10;110;120;135;365;300;21,7');
    expect(lines[12]).to.equal('2025-10;100;100;100;300;;');
  });

  it('renders the chart with a text alternative and the data table', async () => {
    const ctx = await testContext();
    const db = ctx.db.knex;
    const h = await createHousehold(db, {});
    await addConsumption(db, h.supply.contractId, [{ month: '2026-09', P1: 50, P2: 60, P3: 70 }]);
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const res = await agent.get(`/contratos/${h.supply.contractId}/consumo`).expect(200);
    expect(res.text).to.match(/<svg[^>]*role="img"/);
    expect(res.text).to.include('<desc id="chart-desc">');
    expect(res.text).to.include('<table');
    expect(res.text).not.to.match(/\sstyle="/);
  });

  // issue 13 item 9: a text browser prints the SVG labels in source order; they must read as lists
  it('keeps the chart readable in a text browser: labels as lists, a caption for each drawing', async () => {
    const ctx = await testContext();
    const db = ctx.db.knex;
    const h = await createHousehold(db, {});
    await addConsumption(db, h.supply.contractId, [{ month: '2026-09', P1: 50, P2: 60, P3: 70 }]);
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const res = await agent.get(`/contratos/${h.supply.contractId}/consumo`).expect(200);
    const figure = /<figure class="consumption-figure">[\s\S]*?<\/figure>/.exec(res.text)![0];
    // what w3m shows: titles are swallowed, tags vanish, line breaks are spaces
    const asText = figure.replace(/<title[^>]*>[\s\S]*?<\/title>/g, '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
    expect(asText).to.include('P1 punta, P2 llano, P3 valle. kWh: 0;');
    expect(asText).to.include('P1, P2, P3. kWh:');
    expect(asText).to.match(/ago 26: sin datos; sep 26: 180; oct 26: sin datos\./);
    expect(asText).to.include('un mes por fila. Cada barra suma P1 punta (a la izquierda)');
    // the punctuation is never drawn
    expect(figure).not.to.match(/<text display="none"[^>]*\s(x|y)=/);
    expect(res.text).to.include('<span aria-hidden="true">—</span><span class="visually-hidden"> sin datos</span>');
  });
});

describe('e-billing', () => {
  it('switches on and off with an email each time and an audit row', async () => {
    const ctx = await testContext();
    const db = ctx.db.knex;
    const h: HouseholdFixture = await createHousehold(db, {});
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const page = await agent.get(`/contratos/${h.supply.contractId}`).expect(200);
    expect(pageText(page.text)).to.include('Recibes las facturas de este contrato en papel.');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    await agent.post(`/contratos/${h.supply.contractId}/factura-electronica`).type('form').send({ _csrf: token, enable: '1' }).expect(303);
    expect((await db('contracts').where({ id: h.supply.contractId }).first('e_billing')).e_billing).to.equal(true);
    const on = await agent.get(`/contratos/${h.supply.contractId}`).expect(200);
    expect(pageText(on.text)).to.include('Has activado la factura electrónica.');
    await agent.post(`/contratos/${h.supply.contractId}/factura-electronica`).type('form').send({ _csrf: token, enable: '0' }).expect(303);
    expect((await db('contracts').where({ id: h.supply.contractId }).first('e_billing')).e_billing).to.equal(false);
    const mails = await db('outbox').where({ to_address: h.user.email }).orderBy('id').pluck('template');
    expect(mails).to.deep.equal(['e_billing_on', 'e_billing_off']);
    const audits = await db('audit_log').where({ target_type: 'contract', target_id: String(h.supply.contractId) }).orderBy('id').pluck('action');
    expect(audits).to.deep.equal(['e_billing.on', 'e_billing.off']);
  });

  it('explains why a contract with an alternative recipient cannot have e-billing, and refuses it', async () => {
    const ctx = await testContext();
    const db = ctx.db.knex;
    const h = await createHousehold(db, {});
    const account = await createContractAccount(db, h.customer, { altRecipientName: 'Jorge García López' });
    const supply = await createSupply(db, account, {});
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const page = await agent.get(`/contratos/${supply.contractId}`).expect(200);
    expect(pageText(page.text)).to.include('no puede tener factura electrónica porque sus facturas se envían a un destinatario alternativo');
    expect(page.text).not.to.include(`action="/contratos/${supply.contractId}/factura-electronica"`);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    await agent.post(`/contratos/${supply.contractId}/factura-electronica`).type('form').send({ _csrf: token, enable: '1' }).expect(409);
    expect((await db('contracts').where({ id: supply.contractId }).first('e_billing')).e_billing).to.equal(false);
  });

  it('refuses a change without a CSRF token and for a read-only contact', async () => {
    const ctx = await testContext();
    const db = ctx.db.knex;
    const h = await createHousehold(db, {});
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    await agent.post(`/contratos/${h.supply.contractId}/factura-electronica`).type('form').send({ enable: '1' }).expect(403);
    const reader = await createHousehold(db, {});
    await db('customer_links').insert({ user_id: reader.user.id, customer_id: h.customer.id, role: 'authorized_read', status: 'active', granted_at: ctx.clock.now() });
    const readerAgent = await loginAs(request.agent(ctx.app), reader.user.loginId, reader.user.password);
    const page = await readerAgent.get(`/contratos/${h.supply.contractId}`).expect(200);
    expect(pageText(page.text)).to.include('Tu autorización es de solo lectura');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    await readerAgent.post(`/contratos/${h.supply.contractId}/factura-electronica`).type('form').send({ _csrf: token, enable: '1' }).expect(403);
    expect((await db('contracts').where({ id: h.supply.contractId }).first('e_billing')).e_billing).to.equal(false);
  });
});
