/**
 * Issue 14 item 1: a meter reading the customer gives is used by the next invoice when the
 * distributor sent no metering for the month, and the invoice says which readings it used.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../support/context';
import { addConsumption, createHousehold, issueInvoices, loginAs, pageText } from '../support/factories';
import { formTokenOf } from '../support/pages';

const run = promisify(execFile);

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  (res as unknown as NodeJS.ReadableStream).on('data', (c: Buffer) => chunks.push(c));
  (res as unknown as NodeJS.ReadableStream).on('end', () => cb(null, Buffer.concat(chunks)));
};

async function pdfText(pdf: Buffer): Promise<string> {
  const file = path.join(os.tmpdir(), `reading-${process.pid}-${Math.random().toString(36).slice(2)}.pdf`);
  await fs.writeFile(file, pdf);
  try {
    return (await run('pdftotext', [file, '-'])).stdout;
  } finally {
    await fs.rm(file, { force: true });
  }
}

describe('a customer reading billed by the next invoice', () => {
  it('bills November from the reading of the 20th against the distributor reading of 31 October', async function () {
    this.timeout(60_000);
    const ctx = await testContext();
    const db = ctx.db.knex;
    const h = await createHousehold(db);
    const contractId = h.supply.contractId;
    await addConsumption(db, contractId, [{ month: '2026-10', P1: 55, P2: 45, P3: 80 }]);
    await db('meter_readings').insert({ supply_point_id: h.supply.supplyPointId, reading_date: '2026-10-31', source: 'distributor', p1_kwh: 10_000, p2_kwh: 5_000, p3_kwh: 3_000 });
    const [october] = await issueInvoices(db, contractId, ['2026-10']);

    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const form = `/contratos/${contractId}/lectura`;
    await agent.post(form).type('form').send({ _csrf: await formTokenOf(agent, form), date: '2026-11-20', p1: '10060', p2: '5050', p3: '3090' }).expect(303);

    // no metering for November: the invoice bills 10 060 − 10 000 = 60, 5 050 − 5 000 = 50, 3 090 − 3 000 = 90 kWh
    const [november] = await issueInvoices(db, contractId, ['2026-11']);
    expect(await db('invoices').where({ id: november!.id }).first('consumption_p1_kwh', 'consumption_p2_kwh', 'consumption_p3_kwh', 'readings_source', 'reading_from', 'reading_to'))
      .to.deep.equal({ consumption_p1_kwh: 60, consumption_p2_kwh: 50, consumption_p3_kwh: 90, readings_source: 'customer', reading_from: '2026-10-31', reading_to: '2026-11-20' });
    const energy = await db('invoice_lines').where({ invoice_id: november!.id, kind: 'energy_term' }).orderBy('position').pluck('detail');
    expect(energy).to.deep.equal(['60 kWh × 0,199000 €/kWh', '50 kWh × 0,129000 €/kWh', '90 kWh × 0,089000 €/kWh']);

    // each invoice says which readings it used, on the page and in the PDF
    expect(pageText((await agent.get(`/facturas/${november!.id}`).expect(200)).text)).to.include('Lecturas Tu lectura del 20/11/2026, comparada con la del 31/10/2026');
    expect(pageText((await agent.get(`/facturas/${october!.id}`).expect(200)).text)).to.include('Lecturas Reales, de la distribuidora');
    const pdf = await agent.get(`/facturas/${november!.id}/pdf`).buffer(true).parse(binary).expect(200);
    expect(await pdfText(pdf.body as Buffer)).to.include('la lectura actual la ha aportado el cliente');
  });

  it('the distributor metering wins over a customer reading of the same month', async function () {
    this.timeout(30_000);
    const ctx = await testContext();
    const db = ctx.db.knex;
    const h = await createHousehold(db, { consumption: [{ month: '2026-11', P1: 70, P2: 60, P3: 85 }] });
    await db('meter_readings').insert([
      { supply_point_id: h.supply.supplyPointId, reading_date: '2026-10-31', source: 'distributor', p1_kwh: 1_000, p2_kwh: 500, p3_kwh: 300 },
      { supply_point_id: h.supply.supplyPointId, reading_date: '2026-11-15', source: 'customer', p1_kwh: 1_040, p2_kwh: 530, p3_kwh: 340 },
    ]);
    const [november] = await issueInvoices(db, h.supply.contractId, ['2026-11']);
    expect(await db('invoices').where({ id: november!.id }).first('consumption_p1_kwh', 'readings_source'))
      .to.deep.equal({ consumption_p1_kwh: 70, readings_source: 'real' });
  });

  it('with neither metering nor a customer reading the month is not billed yet', async () => {
    const ctx = await testContext();
    const h = await createHousehold(ctx.db.knex);
    let failure: unknown = null;
    try { await issueInvoices(ctx.db.knex, h.supply.contractId, ['2026-11']); } catch (err) { failure = err; }
    expect(String(failure)).to.include('is not billable');
  });
});
