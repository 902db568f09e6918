import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { renderInvoicePdf, type InvoicePdfData } from '../../src/adapters/pdf/invoice-pdf';
import { ensureDevelopmentCertificate, loadSigner, type PdfSigner } from '../../src/adapters/pdf/signing';
import { FIXTURE_GENERATED_AT, FIXTURE_TOTAL_TEXT, invoiceFixture } from '../support/invoice-fixture';

const VALID = 'Signature Validation: Signature is Valid.';
const SIGNED_AT = new Date('2026-11-03T09:30:05Z');
const REASON = 'Factura emitida por Enerlia Comercializadora';

/** Runs a poppler tool; pdfsig reports invalid signatures on stdout with exit 0, so callers parse it. */
function poppler(tool: 'pdfsig' | 'pdftotext' | 'pdfinfo', args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(tool, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error(`${tool} is not installed. These tests verify signatures and text with poppler-utils: apt-get install poppler-utils`));
      } else if (err && !stdout) {
        reject(new Error(`${tool} ${args.join(' ')} failed: ${stderr || err.message}`));
      } else {
        resolve(`${stdout}${stderr}`);
      }
    });
  });
}

describe('invoice PDF: rendering and signing', () => {
  let dir: string;
  let signer: PdfSigner;
  let counter = 0;

  async function write(pdf: Buffer): Promise<string> {
    const file = path.join(dir, `invoice-${++counter}.pdf`);
    await fs.writeFile(file, pdf);
    return file;
  }

  const pdfsig = async (pdf: Buffer): Promise<string> => poppler('pdfsig', [await write(pdf)]);
  const pdftotext = async (pdf: Buffer, page?: number): Promise<string> =>
    poppler('pdftotext', [...(page ? ['-f', String(page), '-l', String(page)] : []), '-layout', await write(pdf), '-']);

  async function renderSigned(data: InvoicePdfData, duplicate: boolean): Promise<Buffer> {
    const pdf = await renderInvoicePdf(data, { duplicate, generatedAt: FIXTURE_GENERATED_AT });
    return signer.sign(pdf, { reason: REASON, signedAt: SIGNED_AT });
  }

  before(async () => {
    // Fails (not skips) without poppler: an unverified signature must not pass as green.
    await poppler('pdfsig', ['-v']);
    await poppler('pdftotext', ['-v']);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'invoice-pdf-test-'));
    signer = await loadSigner({ dataDir: dir, inMemory: true });
  });

  after(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('signs the original with a PAdES (ETSI.CAdES.detached) signature that pdfsig validates', async () => {
    const out = await pdfsig(await renderSigned(invoiceFixture(), false));
    expect(out).to.include(VALID);
    expect(out).to.include('ETSI.CAdES.detached');
    expect(out).to.include('Total document signed');
    expect(out).not.to.include('Signature is Invalid');
    expect(out).not.to.include('Digest Mismatch');
  });

  it('signs a duplicate that also validates and says DUPLICADO, which the original does not', async () => {
    const original = await renderSigned(invoiceFixture(), false);
    const duplicate = await renderSigned(invoiceFixture(), true);

    const sig = await pdfsig(duplicate);
    expect(sig).to.include(VALID);
    expect(sig).not.to.include('Signature is Invalid');

    const dupText = await pdftotext(duplicate);
    expect(dupText).to.include('DUPLICADO');
    expect(dupText).to.include('DUPLICADO — emitido el 03/11/2026');
    expect(await pdftotext(original)).not.to.include('DUPLICADO');
  });

  it('prints the invoice number, the CUPS and the total to pay in Spanish format', async () => {
    const text = await pdftotext(await renderSigned(invoiceFixture(), false));
    expect(text).to.include('FE26-0001234');
    expect(text).to.include('ES0021000012345678AB');
    expect(text).to.include('FACTURA DE ELECTRICIDAD');
    expect(text).to.include('TOTAL A PAGAR');
    expect(text).to.include(FIXTURE_TOTAL_TEXT);
    expect(text).to.include('Base imponible');
    expect(text).to.include('45,94 €');
    expect(text).to.include('Domiciliación bancaria: ES91 **** **** **** **** 1332');
    expect(text).to.include('Empresa distribuidora');
    expect(text).to.include('Junta Arbitral de Consumo');
  });

  it('no longer validates after one byte inside the signed range changes', async () => {
    const signed = await renderSigned(invoiceFixture(), false);
    const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(signed.toString('latin1'));
    expect(m, 'a /ByteRange in the signed PDF').to.not.equal(null);
    const firstRangeEnd = Number(m![2]);
    // A digit of the document title: the file stays well-formed, only the signed bytes differ.
    const at = signed.indexOf('(Factura FE26-0001234)') + '(Factura FE26-'.length;
    expect(at).to.be.greaterThan(0).and.lessThan(firstRangeEnd);
    const tampered = Buffer.from(signed);
    tampered[at] = tampered[at] === 0x30 ? 0x31 : 0x30;

    const out = await pdfsig(tampered);
    expect(out).not.to.include(VALID);
    expect(out).to.match(/Signature is Invalid|Digest Mismatch/);
  });

  it('creates the development certificate once and reuses it', async () => {
    const dataDir = path.join(dir, 'data');
    const first = await ensureDevelopmentCertificate(dataDir);
    const bytes = await fs.readFile(first.p12Path);
    const second = await ensureDevelopmentCertificate(dataDir);

    expect(second.p12Path).to.equal(first.p12Path);
    expect(first.p12Path).to.equal(path.join(dataDir, 'signing', 'dev-signing.p12'));
    expect(second.passphrase).to.equal(first.passphrase);
    expect((await fs.readFile(second.p12Path)).equals(bytes)).to.equal(true);
    expect((await fs.stat(first.p12Path)).mode & 0o777).to.equal(0o600);
    expect((await fs.stat(path.join(dataDir, 'signing', 'dev-signing.pass'))).mode & 0o777).to.equal(0o600);

    const fromDisk = await loadSigner({ dataDir });
    expect(fromDisk.subject).to.include('CN=Enerlia Comercializadora - Firma de facturas (desarrollo)');
    expect(fromDisk.subject).to.include('C=ES');
    const pdf = await renderInvoicePdf(invoiceFixture(), { duplicate: false, generatedAt: FIXTURE_GENERATED_AT });
    expect(await pdfsig(await fromDisk.sign(pdf, { reason: REASON, signedAt: SIGNED_AT }))).to.include(VALID);
  });

  it('names the P12 file, never the passphrase, when the passphrase is wrong', async () => {
    const { p12Path, passphrase } = await ensureDevelopmentCertificate(path.join(dir, 'data-wrong-pass'));
    const wrong = 'Not-The-Passphrase-7f3a';
    let error: unknown;
    try {
      await loadSigner({ p12Path, passphrase: wrong, dataDir: dir });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(Error);
    const message = (error as Error).message;
    expect(message).to.include(p12Path);
    expect(message).not.to.include(wrong);
    expect(message).not.to.include(passphrase);
  });

  it('names the file when the P12 cannot be read', async () => {
    const missing = path.join(dir, 'no-such-cert.p12');
    let error: unknown;
    try {
      await loadSigner({ p12Path: missing, passphrase: 'whatever', dataDir: dir });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.include(missing).and.not.include('whatever');
  });

  it('renders the same bytes for the same input and sets the metadata', async () => {
    const opts = { duplicate: false, generatedAt: FIXTURE_GENERATED_AT };
    const a = await renderInvoicePdf(invoiceFixture(), opts);
    const b = await renderInvoicePdf(invoiceFixture(), opts);
    expect(a.equals(b)).to.equal(true);

    const info = await poppler('pdfinfo', ['-isodates', await write(a)]);
    expect(info).to.match(/Title:\s+Factura FE26-0001234/);
    expect(info).to.match(/Author:\s+Enerlia Comercializadora, S\.L\./);
    expect(info).to.match(/CreationDate:\s+2026-11-03T09:30:00/);
    expect(info).to.match(/Pages:\s+1\b/);
  });

  it('prints a gas bill with its own title and a single consumption period', async () => {
    const gas: InvoicePdfData = {
      ...invoiceFixture(),
      supply: { ...invoiceFixture().supply, energy: 'gas', tariff: 'RL.1', productName: 'Enerlia Gas Hogar', powerKw: null, distributor: 'Nedgia Cegas, S.A.', cups: 'ES0230010000123456AB' },
      readings: { previous: null, current: null },
      consumptionKwh: { P1: 412, P2: 0, P3: 0 },
      lines: [
        { kind: 'fixed_term', detail: '31 días × 0,160000 €/día', quantity: 31, unit: 'día', unitPrice: 0.16, amountCents: 496 },
        { kind: 'energy_term', detail: '412 kWh × 0,070000 €/kWh', quantity: 412, unit: 'kWh', unitPrice: 0.07, amountCents: 2884 },
        { kind: 'hydrocarbon_tax', detail: '412 kWh × 0,00234 €/kWh', quantity: 412, unit: 'kWh', unitPrice: 0.00234, amountCents: 96 },
        { kind: 'meter_rental', detail: '31 días × 0,018000 €/día', quantity: 31, unit: 'día', unitPrice: 0.018, amountCents: 56 },
        { kind: 'vat', detail: '21 % s/ 35,32 €', quantity: 35.32, unit: '%', unitPrice: 21, amountCents: 742 },
      ],
      totals: { taxableBaseCents: 3532, vatCents: 742, totalCents: 4274 },
      paymentMethod: { kind: 'transfer' },
      delivery: 'paper',
    };
    const signed = await renderSigned(gas, false);
    expect(await pdfsig(signed)).to.include(VALID);
    const text = await pdftotext(signed);
    expect(text).to.include('FACTURA DE GAS NATURAL');
    expect(text).to.include('Pago por transferencia o con tarjeta en el Área Clientes');
    expect(text).to.include('42,74 €');
    expect(text).to.include('Consumo estimado');
    expect(text).not.to.include('P2 llano');
  });

  it('continues on a second page, with the watermark and the duplicate line on every page', async () => {
    const base = invoiceFixture();
    // Ten zero-sum adjustment pairs force a second page while keeping the totals right.
    const extra = Array.from({ length: 10 }, (_, i) => [
      { kind: 'energy_term' as const, period: 'P3' as const, detail: `Regularización de lectura ${i + 1} (consumo facturado de más en el periodo anterior)`, quantity: 1, unit: 'kWh', unitPrice: 1, amountCents: -100 },
      { kind: 'energy_term' as const, period: 'P3' as const, detail: `Regularización de lectura ${i + 1} (consumo real)`, quantity: 1, unit: 'kWh', unitPrice: 1, amountCents: 100 },
    ]).flat();
    const long: InvoicePdfData = { ...base, lines: [...base.lines.slice(0, -1), ...extra, ...base.lines.slice(-1)] };

    const signed = await renderSigned(long, true);
    expect(await pdfsig(signed)).to.include(VALID);
    const info = await poppler('pdfinfo', [await write(signed)]);
    expect(info).to.match(/Pages:\s+2\b/);
    for (const page of [1, 2]) {
      const text = await pdftotext(signed, page);
      expect(text, `page ${page}`).to.include('DUPLICADO — emitido el 03/11/2026');
      expect(text, `page ${page}`).to.include(`Página ${page} de 2`);
    }
    expect(await pdftotext(signed, 2)).to.include(FIXTURE_TOTAL_TEXT);
  });

  it('refuses to print an invoice whose lines do not add up', async () => {
    const data = invoiceFixture();
    data.totals = { ...data.totals, totalCents: data.totals.totalCents + 1 };
    let error: unknown;
    try {
      await renderInvoicePdf(data, { duplicate: false, generatedAt: FIXTURE_GENERATED_AT });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(RangeError);
    expect((error as Error).message).to.include('FE26-0001234');
  });
});
