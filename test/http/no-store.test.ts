/**
 * Private pages are never cached (issue 12 item 6): every logged-in answer (HTML, CSV, PDF,
 * ZIP, admin pages) says `Cache-Control: no-store`, so after logout Back shows nothing of
 * them; only the public assets under /static may be cached.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../support/context';
import { createHousehold, csrfFrom, issueInvoices, loginAs } from '../support/factories';
import { createStaff, loginStaff } from '../support/staff';

describe('Cache-Control: no-store on every authenticated response', function () {
  this.timeout(60_000);

  it('a customer\'s pages, CSV, PDF and ZIP, then logout', async () => {
    const ctx = await testContext();
    const h = await createHousehold(ctx.db.knex, { consumption: [{ month: '2026-09', P1: 80 }, { month: '2026-10', P1: 90 }] });
    const [invoice] = await issueInvoices(ctx.db.knex, h.supply.contractId, ['2026-10']);
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const urls = ['/suministros', '/ajustes', '/ajustes/accesos', `/contratos/${h.supply.contractId}`, `/contratos/${h.supply.contractId}/consumo.csv`,
      `/contratos/${h.supply.contractId}/facturas`, `/facturas/${invoice!.id}/pdf`, '/suministros.csv', '/gestiones', '/suministros/facturas.zip?mes=2026-11'];
    const rows: string[] = [];
    for (const url of urls) {
      const res = await agent.get(url).redirects(0);
      if (res.status !== 200 || !/\bno-store\b/.test(String(res.headers['cache-control']))) rows.push(`${url}: ${res.status} ${String(res.headers['cache-control'])}`);
    }
    expect(rows).to.deep.equal([]);
    const token = csrfFrom((await agent.get('/ajustes')).text);
    const out = await agent.post('/salir').type('form').send({ _csrf: token }).redirects(0);
    expect(out.headers['cache-control']).to.match(/no-store/);
    const after = await agent.get('/ajustes').redirects(0);
    expect(after.status).to.equal(303);
    expect(after.headers['cache-control']).to.match(/no-store/);
    // the assets stay cacheable
    expect(String((await agent.get('/static/app.css')).headers['cache-control'])).not.to.match(/no-store/);
  });

  it('the admin section\'s pages', async () => {
    const ctx = await testContext();
    const staff = await createStaff(ctx.db.knex, { role: 'supervisor' });
    const agent = await loginStaff(request.agent(ctx.app), staff);
    for (const url of ['/admin', '/admin/clientes', '/admin/personal', '/admin/gestiones', '/admin/correo', '/admin/auditoria']) {
      const res = await agent.get(url).redirects(0);
      expect(res.status, url).to.equal(200);
      expect(res.headers['cache-control'], url).to.match(/no-store/);
    }
  });
});
