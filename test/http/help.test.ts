import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../support/context';
import { pageText } from '../support/factories';
import { invoiceFixture } from '../support/invoice-fixture';
import { renderInvoicePdf } from '../../src/adapters/pdf/invoice-pdf';
import type { PdfSigner } from '../../src/adapters/pdf/signing';

const run = promisify(execFile);

/** The CMS signature and the bytes it covers, cut out of a signed PDF by its /ByteRange. */
function signaturePieces(pdf: Buffer): { signed: Buffer; cms: Buffer } {
  const text = pdf.toString('latin1');
  const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(text);
  if (!m) throw new Error('no /ByteRange in the PDF');
  const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
  const signed = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
  const hex = text.slice(a + b + 1, c - 1);
  const der = Buffer.from(hex, 'hex');
  // the placeholder is padded with zeros after the DER SEQUENCE: keep only its declared length
  const len = der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) + der.subarray(2, 2 + (der[1]! & 0x7f)).reduce((n, x) => n * 256 + x, 0) : 2 + der[1]!;
  return { signed, cms: der.subarray(0, len) };
}

describe('help centre', () => {
  before(async function () {
    this.timeout(180_000); // the first test of a run starts the app and its database
    await testContext();
  });

  it('lists every topic, and the search finds "factura electrónica" without JavaScript', async () => {
    const { app } = await testContext();
    const all = await request(app).get('/ayuda').expect(200);
    expect(pageText(all.text)).to.include('Factura electrónica').and.to.include('Empresas y gestorías');
    const res = await request(app).get('/ayuda').query({ q: 'factura electrónica' }).expect(200);
    const text = pageText(res.text);
    expect(text).to.match(/\d+ respuestas? para «factura electrónica»/);
    expect(text).to.include('¿Qué es la factura electrónica y cómo la activo?');
    expect(text).not.to.include('¿Cómo cambio la potencia contratada?');
  });

  it('leads from the DNIe answer to the certificate login, in Spanish and Catalan', async () => {
    const { app } = await testContext();
    const es = await request(app).get('/ayuda').query({ q: 'dnie' }).expect(200);
    expect(es.text).to.match(/<a href="\/acceso\/certificado">Acceder con DNIe o certificado digital<\/a>/);
    const ca = await request(app).get('/ayuda').query({ q: 'dnie' }).set('Cookie', 'lang=ca').expect(200);
    expect(ca.text).to.include('href="/acceso/certificado"');
    await request(app).get('/acceso/certificado').expect(200);
  });

  it('answers htmx with the results only, and says when nothing matches', async () => {
    const { app } = await testContext();
    const frag = await request(app).get('/ayuda').query({ q: 'zzzz' }).set('HX-Request', 'true').expect(200);
    expect(frag.text).not.to.include('<html');
    expect(pageText(frag.text)).to.include('No hemos encontrado respuestas para «zzzz»');
  });

  it('searches in Catalan for a Catalan reader', async () => {
    const { app } = await testContext();
    const res = await request(app).get('/ayuda').query({ q: 'contrasenya' }).set('Cookie', 'lang=ca').expect(200);
    expect(pageText(res.text)).to.include('He oblidat la contrasenya');
  });

  it('survives control characters and long queries', async () => {
    const { app } = await testContext();
    await request(app).get('/ayuda').query({ q: `factura\u0000${'x'.repeat(5000)}` }).expect(200);
    await request(app).get('/ayuda?q=a&q=b').expect(200);
  });

  it('publishes the signing certificate, which verifies an invoice signature with openssl', async () => {
    const { app } = await testContext();
    const page = await request(app).get('/ayuda/certificado-firma').expect(200);
    expect(pageText(page.text)).to.include('Huella SHA-256');
    const pem = await request(app).get('/ayuda/certificado-firma.pem').expect(200);
    expect(pem.headers['content-disposition']).to.include('attachment');
    expect(pem.text).to.match(/^-----BEGIN CERTIFICATE-----/);
    const der = await request(app).get('/ayuda/certificado-firma.cer').buffer(true)
      .parse((res, cb) => { const parts: Buffer[] = []; res.on('data', (c: Buffer) => parts.push(c)); res.on('end', () => cb(null, Buffer.concat(parts))); })
      .expect(200);
    expect((der.body as Buffer)[0]).to.equal(0x30);

    const signer = (app.locals.deps as { signer: PdfSigner }).signer;
    const pdf = await signer.sign(await renderInvoicePdf(invoiceFixture(), { duplicate: false, generatedAt: new Date('2026-11-03T09:30:00Z') }), {
      reason: 'Factura de prueba', signedAt: new Date('2026-11-03T09:30:05Z'),
    });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'help-cert-'));
    const { signed, cms } = signaturePieces(pdf);
    await fs.writeFile(path.join(dir, 'cert.pem'), pem.text);
    await fs.writeFile(path.join(dir, 'sig.der'), cms);
    await fs.writeFile(path.join(dir, 'content.bin'), signed);
    const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'sig.der', '-content', 'content.bin', '-CAfile', 'cert.pem', '-purpose', 'any', '-out', '/dev/null'];
    const { stderr } = await run('openssl', args, { cwd: dir });
    expect(stderr).to.include('Verification successful');
    // the same check with a different certificate fails: the test can tell
    await fs.writeFile(path.join(dir, 'other.pem'), (await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=Otro', '-days', '1'], { cwd: dir })).stdout);
    const wrong = await run('openssl', [...args.slice(0, -6), '-CAfile', 'other.pem', '-purpose', 'any', '-out', '/dev/null'], { cwd: dir }).then(() => 'ok', (e: { stderr: string }) => e.stderr);
    expect(wrong).to.include('Verification failure');
    await fs.rm(dir, { recursive: true, force: true });
  });
});

describe('a browser that refuses cookies', () => {
  it('is told to allow cookies instead of "the form expired"', async () => {
    const { app } = await testContext();
    const res = await request(app).post('/acceso').set('Sec-Fetch-Site', 'same-origin').type('form').send({ loginId: '12345678Z', password: 'x', _csrf: 'x' });
    expect(res.status).to.equal(403);
    expect(pageText(res.text)).to.include('Tu navegador no acepta cookies');
    const byOrigin = await request(app).post('/acceso').set('Host', 'portal.example').set('Origin', 'https://portal.example').type('form').send({ _csrf: 'x' });
    expect(pageText(byOrigin.text)).to.include('Tu navegador no acepta cookies');
    // with a cookie the session simply expired; from another site it is a forged form
    const withCookie = await request(app).post('/acceso').set('Cookie', 'lang=es').set('Sec-Fetch-Site', 'same-origin').type('form').send({ _csrf: 'x' });
    expect(pageText(withCookie.text)).to.include('El formulario ha caducado');
    const crossSite = await request(app).post('/acceso').set('Origin', 'https://evil.example').set('Sec-Fetch-Site', 'cross-site').type('form').send({ _csrf: 'x' });
    expect(pageText(crossSite.text)).to.include('El formulario ha caducado');
  });
});
