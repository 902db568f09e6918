/**
 * Issue 14 item 3: a supervisor issues a rectifying invoice; it has its own series, references
 * the original, is signed like any invoice (pdfsig validates it), follows original-once, is
 * emailed to e-billing customers; the original is marked rectified; the customer sees both.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../support/context';
import { addConsumption, createHousehold, csrfFrom, issueInvoices, loginAs, mailsTo, pageText } from '../support/factories';
import { createStaff, loginStaff } from '../support/staff';
import { fieldError } from '../support/pages';
import { storeSignedOriginals } from '../../src/services/invoice-documents';

const run = promisify(execFile);

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  (res as unknown as NodeJS.ReadableStream).on('data', (c: Buffer) => chunks.push(c));
  (res as unknown as NodeJS.ReadableStream).on('end', () => cb(null, Buffer.concat(chunks)));
};

async function pdfTool(tool: 'pdfsig' | 'pdftotext', pdf: Buffer): Promise<string> {
  const file = path.join(os.tmpdir(), `rectifying-${process.pid}-${Math.random().toString(36).slice(2)}.pdf`);
  await fs.writeFile(file, pdf);
  try {
    return (await run(tool, tool === 'pdftotext' ? [file, '-'] : [file])).stdout;
  } finally {
    await fs.rm(file, { force: true });
  }
}

describe('rectifying invoices', () => {
  it('replaces an invoice: R series, signed, references the original, both visible to the customer', async function () {
    this.timeout(90_000);
    const ctx = await testContext();
    const db = ctx.db.knex;
    const h = await createHousehold(db, { eBilling: true });
    await addConsumption(db, h.supply.contractId, [{ month: '2026-10', P1: 160, P2: 150, P3: 190 }]);
    const [original] = await issueInvoices(db, h.supply.contractId, ['2026-10']);
    await db.transaction((trx) => storeSignedOriginals(trx, [original!.id], ctx.app.locals.deps.signer, ctx.clock.now()));

    const agente = await loginStaff(request.agent(ctx.app), await createStaff(db, { role: 'agente' }), ctx.clock);
    await agente.get(`/admin/facturas/${original!.id}/rectificar`).expect(403);
    const sup = await loginStaff(request.agent(ctx.app), await createStaff(db, { role: 'supervisor' }), ctx.clock);
    const customerPage = await sup.get(`/admin/clientes/${h.customer.id}`).expect(200);
    expect(customerPage.text).to.include(`href="/admin/facturas/${original!.id}/rectificar"`);
    const form = await sup.get(`/admin/facturas/${original!.id}/rectificar`).expect(200);
    expect(form.text).to.include('value="160"');
    const csrf = csrfFrom(form.text);
    const bad = await sup.post(`/admin/facturas/${original!.id}/rectificar`).type('form').send({ _csrf: csrf, reason: '', p1: '60', p2: '50,5', p3: '90' });
    expect(bad.status).to.equal(422);
    expect(fieldError(bad.text, 'reason')).to.equal('Escribe el motivo de la rectificación');
    expect(fieldError(bad.text, 'p2')).to.equal('Escribe un número entero de kWh, como 215');
    expect(await db('invoices').where({ rectifies_invoice_id: original!.id }).count('* as n').first()).to.deep.equal({ n: 0 });

    const reason = 'Lectura estimada sustituida por la lectura real';
    const ok = await sup.post(`/admin/facturas/${original!.id}/rectificar`).type('form').send({ _csrf: csrf, reason, p1: '60', p2: '50', p3: '90' });
    expect(ok.status).to.equal(303);
    expect(ok.headers.location).to.equal(`/admin/clientes/${h.customer.id}`);
    const r = await db('invoices').where({ rectifies_invoice_id: original!.id }).first();
    expect(r.number).to.match(/^R26\d{8}$/);
    // October, 31 days at 4,6 kW, 60 + 50 + 90 kWh on the 3-period product:
    //   P1 142,6 kW·día × 0,087595 = 12,49; P2 142,6 × 0,009466 = 1,35; energía 11,94 + 6,45 + 8,01
    //   IEE 40,24 × 5,11269632 % = 2,06; alquiler 31 × 0,02663 = 0,83; base 43,13; IVA 9,06; total 52,19 €
    expect(r).to.include({ period_start: '2026-10-01', period_end: '2026-10-31', issue_date: '2026-11-20', total_cents: 5219, rectification_reason: reason, delivery: 'electronic' });
    expect((await db('invoices').where({ id: original!.id }).first('rectified_by_invoice_id')).rectified_by_invoice_id).to.equal(r.id);
    expect(await db('audit_log').where({ action: 'invoice.rectified', target_id: String(original!.id) }).count('* as n').first()).to.deep.equal({ n: 1 });
    const mail = (await mailsTo(db, h.user.email)).find((m) => m.template === 'invoice_rectified');
    expect(mail?.subject).to.equal(`Factura rectificativa ${r.number} de tu factura ${original!.number}`);
    expect(mail?.text_body).to.include(reason).and.to.include('52,19 €');

    // the customer: both invoices, each pointing at the other; the rectifying one signed, original once
    const customer = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const list = pageText((await customer.get(`/contratos/${h.supply.contractId}/facturas`).expect(200)).text);
    expect(list).to.include(original!.number).and.to.include(r.number);
    expect(pageText((await customer.get(`/facturas/${original!.id}`).expect(200)).text)).to.include(`Rectificada por la factura ${r.number}`);
    const summary = await customer.get(`/facturas/${r.id}`).expect(200);
    expect(pageText(summary.text)).to.include(`Rectifica la factura ${original!.number}`).and.to.include(reason);
    // the original once, through the explicit button, like any invoice
    const first = await customer.post(`/facturas/${r.id}/original`).type('form').send({ _csrf: csrfFrom(summary.text) })
      .buffer(true).parse(binary).expect(200);
    expect(first.headers['x-invoice-copy']).to.equal('original');
    const sig = await pdfTool('pdfsig', first.body as Buffer);
    expect(sig).to.include('Signature Validation: Signature is Valid.');
    const text = await pdfTool('pdftotext', first.body as Buffer);
    expect(text).to.include('FACTURA RECTIFICATIVA').and.to.include(original!.number).and.to.include(r.number);
    expect(text.replace(/\s+/g, ' ')).to.include(`Sustituye a la factura ${original!.number}`);
    const second = await customer.get(`/facturas/${r.id}/pdf`).buffer(true).parse(binary).expect(200);
    expect(second.headers['x-invoice-copy']).to.equal('duplicate');
    expect(await pdfTool('pdftotext', second.body as Buffer)).to.include('DUPLICADO');
    // the replaced invoice is no longer offered for card payment
    expect(pageText((await customer.get(`/contratos/${h.supply.contractId}/pagar`).expect(200)).text)).not.to.include(original!.number);

    // once only
    const again = await sup.post(`/admin/facturas/${original!.id}/rectificar`).type('form').send({ _csrf: csrf, reason, p1: '61', p2: '50', p3: '90' });
    expect(again.status).to.equal(422);
    expect(pageText(again.text)).to.include('Esta factura ya tiene una factura rectificativa.');
    expect(await db('invoices').where({ rectifies_invoice_id: original!.id }).count('* as n').first()).to.deep.equal({ n: 1 });
  });
});
