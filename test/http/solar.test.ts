import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../support/context';
import { createHousehold, createSupply, csrfFrom, loginAs, pageText } from '../support/factories';
import { todayInSpain } from '../../src/domain/time';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

async function pdftotext(pdf: Buffer): Promise<string> {
  const file = path.join(os.tmpdir(), `solar-${process.pid}-${Math.random().toString(36).slice(2)}.pdf`);
  await fs.writeFile(file, pdf);
  try {
    return (await promisify(execFile)('pdftotext', ['-layout', file, '-'])).stdout;
  } finally {
    await fs.rm(file, { force: true });
  }
}

/** The 12 months before the current one, YYYY-MM, oldest first. */
function last12Months(now: Date): string[] {
  const [y, m] = todayInSpain(now).split('-').map(Number) as [number, number];
  return Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(y, m - 13 + i, 1)).toISOString().slice(0, 7));
}

describe('solar simulator', () => {
  before(async function () {
    this.timeout(180_000); // the first test of a run starts the app and its database
    await testContext();
  });

  async function household() {
    const ctx = await testContext();
    const h = await createHousehold(ctx.db.knex, { consumption: last12Months(ctx.clock.now()).map((month) => ({ month, P1: 100, P2: 90, P3: 160 })) });
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    return { ctx, h, agent, url: `/contratos/${h.supply.contractId}/simulador-solar` };
  }

  it('simulates with the supply\'s own year of consumption, without JavaScript (a GET form)', async () => {
    const { agent, url } = await household();
    const form = await agent.get(url).expect(200);
    expect(pageText(form.text)).to.include('Usamos 12 meses de consumo');
    const res = await agent.get(url).query({ calcular: '1', orientation: 'S', tilt: '30', sizing: 'panels', panels: '6', roofM2: '', battery: '0' }).expect(200);
    const text = pageText(res.text);
    expect(text).to.include('6 placas, 2,70 kWp');
    expect(text).to.match(/Producción al año\s*[\d.]+ kWh/);
    expect(text).to.include('Quiero un estudio');
    expect(res.text).to.include('<svg class="solar-chart"');
    const pdf = await agent.get(`${url}.pdf`).query({ orientation: 'S', tilt: '30', sizing: 'panels', panels: '6', roofM2: '', battery: '0' })
      .buffer(true).parse((r, cb) => { const parts: Buffer[] = []; r.on('data', (c: Buffer) => parts.push(c)); r.on('end', () => cb(null, Buffer.concat(parts))); })
      .expect(200);
    expect(pdf.headers['content-type']).to.equal('application/pdf');
    const pdfText = await pdftotext(pdf.body as Buffer);
    expect(pdfText).to.include('6 placas, 2,70 kWp').and.to.include('Ahorro al año');
  });

  it('says what is wrong next to the field, keeps what was typed, and answers 422', async () => {
    const { agent, url } = await household();
    const res = await agent.get(url).query({ calcular: '1', orientation: 'S', tilt: '75', sizing: 'panels', panels: 'muchas', battery: '0' }).expect(422);
    const text = pageText(res.text);
    expect(text).to.include('La inclinación debe estar entre 0 y 60 grados');
    expect(text).to.include('Escribe el número de placas, sin decimales');
    expect(res.text).to.include('value="75"').and.to.include('value="muchas"');
    expect(res.text).to.match(/<title>Error: /);
  });

  it('turns the simulation into a study request tracked in Mis gestiones', async () => {
    const { ctx, h, agent, url } = await household();
    const page = await agent.get(url).query({ calcular: '1', orientation: 'SE_SW', tilt: '20', sizing: 'recommended', battery: '5' }).expect(200);
    const res = await agent.post(`${url}/estudio`).type('form')
      .send({ _csrf: csrfFrom(page.text), orientation: 'SE_SW', tilt: '20', sizing: 'recommended', panels: '', roofM2: '', battery: '5' })
      .expect(303);
    const id = Number(/\/gestiones\/(\d+)$/.exec(res.headers.location as string)?.[1]);
    const row = await ctx.db.knex('requests').where({ id }).first('type', 'customer_id', 'contract_id', 'payload');
    expect(row).to.include({ type: 'solar_study', customer_id: h.customer.id, contract_id: h.supply.contractId });
    expect(row.payload).to.include({ orientation: 'SE_SW', tiltDeg: 20, batteryKwh: 5 });
    expect(row.payload.yearlySavingCents).to.be.a('number').and.greaterThan(0);
    const detail = await agent.get(`/gestiones/${id}`).expect(200);
    expect(pageText(detail.text)).to.include('Estudio de instalación solar');
  });

  it('refuses a study whose form is wrong, without creating anything', async () => {
    const { ctx, h, agent, url } = await household();
    const page = await agent.get(url).expect(200);
    await agent.post(`${url}/estudio`).type('form').send({ _csrf: csrfFrom(page.text), orientation: 'N', tilt: '20', battery: '0' }).expect(422);
    const [row] = await ctx.db.knex('requests').where({ customer_id: h.customer.id }).count<{ count: string }[]>('* as count');
    expect(Number(row?.count)).to.equal(0);
  });

  it('explains when there is nothing to simulate: a gas supply, or less than a year of data', async () => {
    const { ctx, h, agent } = await household();
    const gas = await createSupply(ctx.db.knex, { id: h.account.id, customerId: h.customer.id }, { energy: 'gas' });
    const g = await agent.get(`/contratos/${gas.contractId}/simulador-solar`).expect(200);
    expect(pageText(g.text)).to.include('El simulador solar es para suministros de electricidad.');
    const fresh = await createSupply(ctx.db.knex, { id: h.account.id, customerId: h.customer.id });
    const f = await agent.get(`/contratos/${fresh.contractId}/simulador-solar`).query({ calcular: '1', orientation: 'S', tilt: '30', battery: '0' }).expect(200);
    expect(pageText(f.text)).to.include('Necesitamos 12 meses de consumo');
  });
});
