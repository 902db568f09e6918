/**
 * One user cannot slow the whole portal (issue 12 item 5): the month's ZIP renders and signs
 * in the worker pool, not on the event loop, and a user gets one bulk download at a time (a
 * translated 429 page for the second), across instances (the lease is a database row).
 */
import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../support/context';
import { createHousehold, csrfFrom, issueInvoices, loginAs, pageText } from '../support/factories';
import { pdfWorkerStats } from '../../src/adapters/pdf/pool';

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('bulk downloads: worker pool and one at a time per user', function () {
  this.timeout(60_000);

  async function household() {
    const ctx = await testContext();
    const h = await createHousehold(ctx.db.knex, { consumption: [{ month: '2026-09', P1: 80 }, { month: '2026-10', P1: 90 }] });
    await issueInvoices(ctx.db.knex, h.supply.contractId, ['2026-10']);
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    return { ctx, h, agent };
  }

  it('makes the ZIP\'s PDFs in the worker threads', async () => {
    const { agent } = await household();
    const before = pdfWorkerStats().completed;
    const res = await agent.get('/suministros/facturas.zip?mes=2026-11').buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).to.match(/zip/);
    expect(pdfWorkerStats().completed - before).to.equal(1);
    expect(pdfWorkerStats().threads).to.be.at.least(1);
  });

  it('refuses a second download while the first runs, with a translated 429 page, then allows the next', async () => {
    const { ctx, h, agent } = await household();
    const db = ctx.db.knex;
    const now = ctx.clock.now();
    // the first download, in progress (on this or another instance)
    await db('bulk_download_leases').insert({ user_id: h.user.id, token: 'x'.repeat(32), expires_at: new Date(now.getTime() + 60_000) });
    const busy = await agent.get('/suministros/facturas.zip?mes=2026-11').expect(429);
    expect(busy.headers['retry-after']).to.equal('30');
    expect(pageText(busy.text)).to.include('Ya tienes una descarga en curso');
    await agent.post('/ajustes/idioma').type('form').send({ _csrf: csrfFrom((await agent.get('/ajustes')).text), language: 'ca' }).expect(303);
    const ca = await agent.get('/suministros/facturas.zip?mes=2026-11').expect(429);
    expect(pageText(ca.text)).to.include('Ja tens una descàrrega en curs');
    // nothing was audited for the refused one
    expect(await db('audit_log').where({ actor_id: h.user.id, action: 'invoice.bulk_downloaded' }).select('id')).to.have.length(0);

    await db('bulk_download_leases').where({ user_id: h.user.id }).delete();
    await agent.get('/suministros/facturas.zip?mes=2026-11').buffer(true).parse(binary).expect(200);
    // released at the end: the next one is allowed too
    await agent.get('/suministros/facturas.zip?mes=2026-11').buffer(true).parse(binary).expect(200);
    expect(await db('bulk_download_leases').where({ user_id: h.user.id }).select('user_id')).to.have.length(0);
  });

  it('takes over a lease left by an instance that died', async () => {
    const { ctx, h, agent } = await household();
    await ctx.db.knex('bulk_download_leases').insert({ user_id: h.user.id, token: 'y'.repeat(32), expires_at: new Date(ctx.clock.now().getTime() - 1000) });
    await agent.get('/suministros/facturas.zip?mes=2026-11').buffer(true).parse(binary).expect(200);
  });

  it('simultaneous downloads of one user: each is made or refused with 429, never a failure', async () => {
    const { agent } = await household();
    const results = await Promise.all([0, 1, 2].map(() => agent.get('/suministros/facturas.zip?mes=2026-11').buffer(true).parse(binary)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).to.include(200);
    expect(statuses.every((s) => s === 200 || s === 429)).to.equal(true);
  });
});
