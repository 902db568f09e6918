import { expect } from 'chai';
import request from 'supertest';
import type { Knex } from 'knex';
import { testContext, type TestContext } from '../support/context';
import {
  addConsumption, createContractAccount, createCustomer, createHousehold, createSupply, csrfFrom, loginAs, pageText, uniqueCif, uniqueEmail, type Agent,
} from '../support/factories';
import { createStaff, loginStaff, staffCsrf, type StaffFixture } from '../support/staff';
import { billingRunSettled, holdBillingRuns, runnerDeps, startBillingRun, stopBillingRuns } from '../../src/services/billing-runs';
import { insertOutbox } from '../../src/data/outbox-repo';

const PERIOD = '2019-03';

async function countRows(db: Knex, table: string, where: (q: Knex.QueryBuilder) => void): Promise<number> {
  const q = db(table);
  where(q);
  const row = await q.count<{ n: number }[]>('* as n').first();
  return Number(row?.n ?? 0);
}

describe('admin operations: billing runs, audit log, outbox', () => {
  let ctx: TestContext;
  let db: Knex;
  let supervisor: StaffFixture;
  let agente: StaffFixture;
  let sup: Agent;
  let agt: Agent;

  before(async () => {
    ctx = await testContext();
    db = ctx.db.knex;
    supervisor = await createStaff(db, { role: 'supervisor' });
    agente = await createStaff(db, { role: 'agente' });
    sup = await loginStaff(request.agent(ctx.app), supervisor);
    agt = await loginStaff(request.agent(ctx.app), agente);
  });

  describe('billing run', () => {
    let contracts: number[];

    before(async () => {
      const customer = await createCustomer(db, { kind: 'company', taxId: uniqueCif(), name: 'Talleres Ribera SL' });
      const account = await createContractAccount(db, customer);
      contracts = [];
      for (let i = 0; i < 3; i++) {
        const s = await createSupply(db, account, { startDate: '2019-01-01', eBilling: i === 0 });
        await addConsumption(db, s.contractId, [{ month: PERIOD, P1: 100 + i, P2: 80, P3: 120 }, { month: '2019-05', P1: 90, P2: 70, P3: 100 }]);
        contracts.push(s.contractId);
      }
    });

    const invoicesOf = (period: string) => countRows(db, 'invoices', (q) => q.whereIn('contract_id', contracts).where('period_start', `${period}-01`));

    it('shows the runs to an agente, without the start form; starting is for supervisors (403)', async () => {
      const page = await agt.get('/admin/facturacion').expect(200);
      expect(page.text).to.not.contain('name="period"');
      expect(pageText(page.text)).to.contain('Solo un supervisor puede iniciar una facturación');
      const csrf = await staffCsrf(agt, '/admin/facturacion');
      const res = await agt.post('/admin/facturacion').type('form').send({ _csrf: csrf, period: PERIOD });
      expect(res.status).to.equal(403);
      expect(await countRows(db, 'billing_runs', (q) => q.where({ period: PERIOD }))).to.equal(0);
    });

    it('refuses a bad period with 422, the message next to the field and what was typed', async () => {
      const csrf = await staffCsrf(sup, '/admin/facturacion');
      const cases: [string, string][] = [
        ['', 'Indica el periodo'],
        ['03/2019', 'Escribe el periodo como AAAA-MM'],
        ['2019-13', 'Escribe el periodo como AAAA-MM'],
        ['2026-11', 'Solo se pueden facturar meses ya cerrados: el último es 2026-10'],
        ['2027-02', 'Solo se pueden facturar meses ya cerrados'],
        ['1990-01', 'No hay consumos anteriores a'],
      ];
      for (const [period, message] of cases) {
        const res = await sup.post('/admin/facturacion').type('form').send({ _csrf: csrf, period });
        expect(res.status, period).to.equal(422);
        expect(res.text).to.contain('id="f-period-error"');
        expect(res.text).to.contain('aria-describedby="f-period-hint f-period-error"');
        expect(pageText(res.text), period).to.contain(message);
        expect(res.text).to.contain(`value="${period}"`);
      }
    });

    it('requires the CSRF token', async () => {
      const res = await sup.post('/admin/facturacion').type('form').send({ period: PERIOD });
      expect(res.status).to.equal(403);
      expect(await countRows(db, 'billing_runs', (q) => q.where({ period: PERIOD }))).to.equal(0);
    });

    it('runs in the background with a progress page, refuses a second start meanwhile, then issues the invoices once', async () => {
      const release = holdBillingRuns();
      let runId: number;
      try {
        const csrf = await staffCsrf(sup, '/admin/facturacion');
        const res = await sup.post('/admin/facturacion').type('form').send({ _csrf: csrf, period: PERIOD });
        expect(res.status).to.equal(303);
        const m = /^\/admin\/facturacion\/(\d+)$/.exec(res.headers.location ?? '');
        expect(m, res.headers.location).to.not.equal(null);
        runId = Number(m![1]);

        // while running: the page refreshes itself without JS and htmx polls the region
        const running = await sup.get(`/admin/facturacion/${runId}`).expect(200);
        expect(running.headers['cache-control']).to.equal('no-store');
        expect(running.text).to.contain('<noscript><meta http-equiv="refresh" content="2"></noscript>');
        expect(running.text).to.contain('hx-trigger="every 1s"');
        expect(running.text).to.contain(`hx-get="/admin/facturacion/${runId}"`);
        expect(running.text).to.contain('<progress');
        expect(pageText(running.text)).to.contain('En curso');

        // a second start of the same period is refused while this one runs
        const again = await sup.post('/admin/facturacion').type('form').send({ _csrf: csrf, period: PERIOD });
        expect(again.status).to.equal(409);
        expect(pageText(again.text)).to.contain(`Ya hay una facturación de ${PERIOD} en curso`);
        expect(again.text).to.contain(`<a href="/admin/facturacion/${runId}" id="running-run">`);
        expect(await countRows(db, 'billing_runs', (q) => q.where({ period: PERIOD }))).to.equal(1);
      } finally {
        release();
      }
      await billingRunSettled(runId);

      const done = await sup.get(`/admin/facturacion/${runId}`).expect(200);
      expect(done.text).to.not.contain('http-equiv="refresh"');
      expect(done.text).to.not.contain('hx-trigger');
      expect(pageText(done.text)).to.contain('3 de 3 facturas');
      expect(pageText(done.text)).to.contain('Terminada');
      expect(done.text).to.match(/<progress[^>]*max="3"[^>]*value="3"/);

      // the htmx poll gets the fragment alone, without the trigger once finished
      const fragment = await sup.get(`/admin/facturacion/${runId}`).set('HX-Request', 'true').expect(200);
      expect(fragment.text).to.not.contain('<html');
      expect(fragment.text).to.contain('id="run-progress"');
      expect(fragment.text).to.not.contain('hx-trigger');

      expect(await invoicesOf(PERIOD)).to.equal(3);
      expect(await countRows(db, 'invoice_documents as d', (q) => q.join('invoices as i', 'i.id', 'd.invoice_id').whereIn('i.contract_id', contracts))).to.equal(3);
      const row = await db('billing_runs').where({ id: runId }).first();
      expect(row).to.include({ status: 'done', period: PERIOD, total: 3, issued: 3, skipped: 0, started_by: supervisor.id, error: null });
      expect(row.finished_at).to.not.equal(null);
      const audits = await db('audit_log').where({ target_type: 'billing_run', target_id: String(runId) }).orderBy('id');
      expect(audits.map((a) => a.action)).to.deep.equal(['billing.run_started', 'billing.run_finished']);
      expect(audits[0]).to.include({ actor_type: 'staff', actor_id: supervisor.id });
      expect(audits[1].details).to.include({ period: PERIOD, status: 'done', issued: 3 });

      const list = await agt.get('/admin/facturacion').expect(200);
      expect(list.text).to.contain(`href="/admin/facturacion/${runId}"`);
      expect(pageText(list.text)).to.contain(supervisor.staffId);
    });

    it('runs a finished period again without issuing anything new', async () => {
      const csrf = await staffCsrf(sup, '/admin/facturacion');
      const res = await sup.post('/admin/facturacion').type('form').send({ _csrf: csrf, period: PERIOD }).expect(303);
      const runId = Number(res.headers.location!.split('/').pop());
      await billingRunSettled(runId);
      expect(await db('billing_runs').where({ id: runId }).first()).to.include({ status: 'done', total: 0, issued: 0 });
      expect(await invoicesOf(PERIOD)).to.equal(3);
      const page = await sup.get(res.headers.location!).expect(200);
      expect(pageText(page.text)).to.contain('no se ha emitido ninguna factura nueva');
    });

    it('takes over a period left "running" by a process that is gone', async () => {
      const now = ctx.clock.now();
      // silent for longer than a shared database's grace period (the embedded one has none)
      const silentSince = new Date(now.getTime() - 11 * 60_000);
      const [ghost] = await db('billing_runs').insert({ period: '2019-04', status: 'running', started_by: supervisor.id, started_at: silentSince, updated_at: silentSince }).returning('id');
      const csrf = await staffCsrf(sup, '/admin/facturacion');
      const res = await sup.post('/admin/facturacion').type('form').send({ _csrf: csrf, period: '2019-04' }).expect(303);
      await billingRunSettled(Number(res.headers.location!.split('/').pop()));
      expect(await db('billing_runs').where({ id: ghost.id }).first()).to.include({ status: 'failed', error: 'stale' });
      const page = await sup.get(`/admin/facturacion/${ghost.id}`).expect(200);
      expect(pageText(page.text)).to.contain('El proceso que la ejecutaba se detuvo sin terminarla');
    });

    it('on shutdown a running run stops, rolls back and is recorded as interrupted', async () => {
      const release = holdBillingRuns();
      const started = await startBillingRun(runnerDeps(ctx.app.locals.deps), '2019-05', { staffId: supervisor.id, ip: null });
      if (!started.ok) throw new Error('not started');
      const stopping = stopBillingRuns();
      release();
      await stopping;
      expect(await db('billing_runs').where({ id: started.runId }).first()).to.include({ status: 'failed', error: 'interrupted', issued: 0 });
      expect(await invoicesOf('2019-05')).to.equal(0);
      const finished = await db('audit_log').where({ action: 'billing.run_finished', target_id: String(started.runId) }).first();
      expect(finished.details).to.include({ status: 'failed', error: 'interrupted' });
      const page = await sup.get(`/admin/facturacion/${started.runId}`).expect(200);
      expect(pageText(page.text)).to.contain('Se interrumpió al detener la aplicación');
    });
  });

  describe('audit log viewer', () => {
    const prefix = `zzops${process.pid}.`;
    let customer: { id: number; taxId: string };
    let user: { id: number; loginId: string };

    before(async () => {
      const h = await createHousehold(db);
      customer = { id: h.customer.id, taxId: h.customer.taxId };
      user = h.user;
      const rows = [
        { at: new Date('2026-11-18T23:30:00Z'), actor_type: 'user', actor_id: user.id, customer_id: customer.id, action: `${prefix}login`, ip: '203.0.113.7', details: JSON.stringify({ note: '=HYPERLINK("http://evil")', sep: 'a;b' }) },
        { at: new Date('2026-11-19T22:30:00Z'), actor_type: 'staff', actor_id: supervisor.id, customer_id: customer.id, action: `${prefix}unlock`, target_type: 'user', target_id: String(user.id), ip: '198.51.100.2', details: JSON.stringify({ reason: 'llamada' }) },
        { at: new Date('2026-11-19T23:30:00Z'), actor_type: 'system', actor_id: null, customer_id: null, action: `${prefix}cleanup`, ip: null, details: null },
      ];
      await db('audit_log').insert(rows);
      const many = Array.from({ length: 60 }, (_, i) => ({ at: new Date(Date.UTC(2026, 9, 1, 8, i)), actor_type: 'system', action: `${prefix}bulk`, details: JSON.stringify({ i }) }));
      await db('audit_log').insert(many);
    });

    it('lists entries newest first with actor, customer link, target, IP and details', async () => {
      const res = await agt.get(`/admin/auditoria?accion=${prefix}`).expect(200);
      const text = pageText(res.text);
      expect(text.indexOf(`${prefix}cleanup`)).to.be.lessThan(text.indexOf(`${prefix}unlock`));
      expect(text.indexOf(`${prefix}unlock`)).to.be.lessThan(text.indexOf(`${prefix}login`));
      expect(res.text).to.contain(`href="/admin/clientes/${customer.id}"`);
      expect(text).to.contain(`Personal: ${supervisor.staffId}`);
      expect(text).to.contain(`Usuario: ${user.loginId}`);
      expect(text).to.contain('203.0.113.7');
      expect(text).to.contain('{"reason":"llamada"}');
      expect(text).to.contain(`user ${user.id}`);
    });

    it('filters by actor, customer, action and Spanish dates', async () => {
      const only = async (qs: string) => {
        const res = await sup.get(`/admin/auditoria?${qs}`).expect(200);
        return ['login', 'unlock', 'cleanup', 'bulk'].filter((a) => res.text.includes(`${prefix}${a}`));
      };
      expect(await only(`accion=${prefix}&tipo=staff&actor=${supervisor.staffId.toUpperCase()}`)).to.deep.equal(['unlock']);
      expect(await only(`accion=${prefix}&tipo=staff&actor=${supervisor.id}`)).to.deep.equal(['unlock']);
      expect(await only(`accion=${prefix}&tipo=user&actor=${user.loginId}`)).to.deep.equal(['login']);
      expect(await only(`accion=${prefix}&tipo=system&desde=2026-11-01`)).to.deep.equal(['cleanup']);
      expect(await only(`accion=${prefix}&cliente=${customer.taxId}`)).to.deep.equal(['login', 'unlock']);
      expect(await only(`accion=${prefix}&cliente=${customer.id}`)).to.deep.equal(['login', 'unlock']);
      expect(await only(`accion=${prefix}unl`)).to.deep.equal(['unlock']);
      // 2026-11-18T23:30Z and 2026-11-19T22:30Z are 19 November in Spain; 2026-11-19T23:30Z is the 20th
      expect(await only(`accion=${prefix}&desde=2026-11-19&hasta=2026-11-19`)).to.deep.equal(['login', 'unlock']);
      expect(await only(`accion=${prefix}&desde=2026-11-20`)).to.deep.equal(['cleanup']);
    });

    it('pages newest first with a cursor', async () => {
      const first = await sup.get(`/admin/auditoria?accion=${prefix}bulk`).expect(200);
      expect((first.text.match(/<tr>/g) ?? []).length - 1).to.equal(40);
      const next = /href="(\/admin\/auditoria\?[^"]*antes=[^"]+)" rel="next"/.exec(first.text)?.[1]?.replace(/&amp;/g, '&');
      expect(next).to.be.a('string');
      const second = await sup.get(next!).expect(200);
      expect((second.text.match(/<tr>/g) ?? []).length - 1).to.equal(20);
      expect(second.text).to.not.contain('rel="next"');
      expect(pageText(second.text)).to.contain('{"i":0}');
      expect(pageText(first.text)).to.contain('{"i":59}');
    });

    it('says what is wrong with a filter (422) and keeps it', async () => {
      const cases: [string, string, string][] = [
        ['desde=2026-13-01', 'f-desde-error', 'Escribe la fecha como AAAA-MM-DD'],
        ['desde=2026-11-20&hasta=2026-11-01', 'f-hasta-error', 'La fecha final es anterior a la inicial'],
        ['actor=admin', 'f-actor-error', 'Elige también el tipo de actor'],
        ['tipo=staff&actor=nadie-existe', 'f-actor-error', 'No hay ningún miembro del personal'],
        ['cliente=B00000000', 'f-cliente-error', 'No hay ningún cliente con ese NIF/CIF'],
        ['accion=a%25b', 'f-accion-error', 'Usa solo letras minúsculas'],
      ];
      for (const [qs, id, message] of cases) {
        const res = await sup.get(`/admin/auditoria?${qs}`);
        expect(res.status, qs).to.equal(422);
        expect(res.text, qs).to.contain(`id="${id}"`);
        expect(pageText(res.text), qs).to.contain(message);
      }
      const kept = await sup.get('/admin/auditoria?tipo=staff&actor=nadie-existe').expect(422);
      expect(kept.text).to.contain('value="nadie-existe"');
      expect(kept.text).to.match(/<option value="staff" selected>/);
    });

    it('exports the filtered entries as CSV for Spanish Excel, safe against formulas', async () => {
      const res = await agt.get(`/admin/auditoria.csv?accion=${prefix}&cliente=${customer.taxId}`)
        .buffer(true).parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks).toString('utf8')));
        }).expect(200);
      expect(res.headers['content-type']).to.match(/^text\/csv; charset=utf-8/);
      expect(res.headers['content-disposition']).to.match(/^attachment; filename="auditoria-2026-11-\d\d\.csv"$/);
      const body = res.body as string;
      expect(body.startsWith('\uFEFF')).to.equal(true);
      const lines = body.slice(1).split('\r\n').filter(Boolean);
      expect(lines[0]).to.equal('Fecha (hora de España);Tipo de actor;Id. actor;Actor;Id. cliente;NIF/CIF;Cliente;Acción;Tipo de objeto;Id. objeto;IP;Detalles');
      expect(lines).to.have.length(3);
      expect(lines[1]).to.contain(`2026-11-19 23:30:00;staff;${supervisor.id};${supervisor.staffId};${customer.id};${customer.taxId};`);
      expect(lines[1]).to.contain(`;${prefix}unlock;user;${user.id};198.51.100.2;`);
      // the JSON is one quoted cell; a cell that starts with = would be prefixed with '
      expect(lines[2]).to.contain(`2026-11-19 00:30:00;user;${user.id};${user.loginId};`);
      expect(lines[2]).to.contain(';"{""sep"":""a;b"",""note"":""=HYPERLINK(\\""http://evil\\"")""}"');
      const exported = await db('audit_log').where({ action: 'audit.exported', actor_id: agente.id }).orderBy('id', 'desc').first();
      expect(exported).to.include({ actor_type: 'staff' });
    });

    it('neutralises a cell that a spreadsheet would run', async () => {
      await db('audit_log').insert({ at: new Date('2026-11-19T12:00:00Z'), actor_type: 'anonymous', action: `${prefix}formula`, target_type: 'x', target_id: '=1+2', ip: '@evil' });
      const res = await sup.get(`/admin/auditoria.csv?accion=${prefix}formula`).buffer(true).parse((r, cb) => {
        let s = '';
        r.on('data', (c: Buffer) => { s += c.toString('utf8'); });
        r.on('end', () => cb(null, s));
      }).expect(200);
      const line = (res.body as string).split('\r\n')[1]!;
      expect(line).to.contain(";x;'=1+2;'@evil;");
    });

    it('refuses an invalid filter on the CSV too (422 page, no file)', async () => {
      const res = await sup.get('/admin/auditoria.csv?desde=ayer').expect(422);
      expect(res.headers['content-type']).to.match(/^text\/html/);
    });
  });

  describe('outbox', () => {
    let failedId: number;
    let to: string;

    before(async () => {
      const h = await createHousehold(db);
      to = uniqueEmail('correo');
      failedId = await insertOutbox(db, {
        to, language: 'es', template: 'password_reset', subject: 'Restablece tu contraseña',
        text: 'Hola Ana,\nhttps://portal.example/restablecer?token=AbCdEf0123456789_secret-token\nUn saludo', html: '<p>Hola</p>', customerId: h.customer.id,
      });
      await db('outbox').where({ id: failedId }).update({ status: 'failed', attempts: 6, last_error: 'connect ECONNREFUSED 10.0.0.1:25' });
      await insertOutbox(db, { to, language: 'es', template: 'activation', subject: 'Activa tu cuenta', text: 'x', html: 'x' });
    });

    it('lists messages by status and recipient, with counts', async () => {
      const all = await agt.get(`/admin/correo?para=${encodeURIComponent(to.toUpperCase())}`).expect(200);
      expect(pageText(all.text)).to.contain('Restablece tu contraseña');
      expect(pageText(all.text)).to.contain('Activa tu cuenta');
      expect(all.text).to.match(/id="outbox-counts"/);
      const failed = await agt.get(`/admin/correo?estado=failed&para=${encodeURIComponent(to)}`).expect(200);
      expect(pageText(failed.text)).to.contain('Restablece tu contraseña');
      expect(pageText(failed.text)).to.contain('connect ECONNREFUSED');
      expect(pageText(failed.text)).to.not.contain('Activa tu cuenta');
      expect(failed.text).to.contain(`href="/admin/correo/${failedId}"`);
    });

    it('shows a message with its text, one-time links hidden', async () => {
      const res = await agt.get(`/admin/correo/${failedId}`).expect(200);
      expect(pageText(res.text)).to.contain('restablecer?token=[…]');
      expect(res.text).to.not.contain('AbCdEf0123456789_secret-token');
      expect(res.text).to.contain(`action="/admin/correo/${failedId}/reintentar"`);
      await agt.get('/admin/correo/999999999').expect(404);
    });

    it('retries a failed message (CSRF required), with an audit row', async () => {
      await agt.post(`/admin/correo/${failedId}/reintentar`).type('form').send({}).expect(403);
      expect(await db('outbox').where({ id: failedId }).first()).to.include({ status: 'failed' });

      const csrf = await staffCsrf(agt, `/admin/correo/${failedId}`);
      const res = await agt.post(`/admin/correo/${failedId}/reintentar`).type('form').send({ _csrf: csrf }).expect(303);
      expect(res.headers.location).to.equal(`/admin/correo/${failedId}`);
      const row = await db('outbox').where({ id: failedId }).first();
      expect(row).to.include({ status: 'pending', attempts: 0 });
      expect(new Date(row.next_attempt_at).getTime()).to.be.at.most(ctx.clock.now().getTime());
      const a = await db('audit_log').where({ action: 'outbox.retried', target_id: String(failedId) }).first();
      expect(a).to.include({ actor_type: 'staff', actor_id: agente.id, customer_id: row.customer_id });
      const page = await agt.get(res.headers.location!).expect(200);
      expect(pageText(page.text)).to.contain(`El mensaje ${failedId} vuelve a estar en la cola de envío`);

      // a message that has not failed is not put back
      const again = await agt.post(`/admin/correo/${failedId}/reintentar`).type('form').send({ _csrf: csrf }).expect(303);
      expect(pageText((await agt.get(again.headers.location!)).text)).to.contain('Solo se pueden reintentar los mensajes fallidos');
      expect(await countRows(db, 'audit_log', (q) => q.where({ action: 'outbox.retried', target_id: String(failedId) }))).to.equal(1);
    });
  });

  describe('who may open these pages', () => {
    const pages = ['/admin/facturacion', '/admin/facturacion/1', '/admin/auditoria', '/admin/auditoria.csv', '/admin/correo', '/admin/correo/1'];

    it('sends anonymous visitors to the admin login', async () => {
      for (const p of pages) {
        const res = await request(ctx.app).get(p);
        expect(res.status, p).to.equal(303);
        expect(res.headers.location, p).to.equal('/admin/acceso');
      }
      const post = await request(ctx.app).post('/admin/correo/1/reintentar').type('form').send({});
      expect(post.status).to.be.oneOf([303, 403]);
    });

    it('never opens them with a customer session', async () => {
      const h = await createHousehold(db);
      const customer = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
      for (const p of pages) {
        const res = await customer.get(p);
        expect(res.status, p).to.equal(303);
        expect(res.headers.location, p).to.equal('/admin/acceso');
      }
      expect(csrfFrom((await customer.get('/ajustes')).text)).to.be.a('string');
    });
  });
});
