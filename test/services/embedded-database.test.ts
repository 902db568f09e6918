import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { Knex } from 'knex';
import pg from 'pg';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import { createHousehold, csrfFrom, GOOD_PASSWORD, issueInvoices } from '../support/factories';
import { storeSignedOriginals } from '../../src/services/invoice-documents';
import { createStaff, totpAt } from '../support/staff';
import { audit } from '../../src/data/audit-repo';
import { writeBackup } from '../../src/data/backup';
import { currentSecrets } from '../../src/cli/backup-secrets';
import { loadConfig } from '../../src/config';
import { boot } from '../../src/boot';
import { createLogger } from '../../src/adapters/logger';
import { ManualClock } from '../../src/adapters/clock';

const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** Runs a command of the project (tsx) with the test database's settings. */
function command(ctx: TestContext, script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return run(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root, timeout: 90_000,
    env: { ...process.env, DATA_DIR: ctx.config.dataDir, DATABASE_URL: ctx.config.databaseUrl ?? '', LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env },
  });
}

describe('the database set-up (issue 11)', function () {
  this.timeout(180_000);
  let ctx: TestContext;
  let db: Knex;

  before(async () => {
    ctx = await testContext();
    db = ctx.db.knex;
  });

  it('a second portal on the same data folder refuses with one line naming the running process', async function () {
    if (ctx.config.databaseUrl) this.skip();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root, env: { ...process.env, DATA_DIR: ctx.config.dataDir, PORT: '0', DATABASE_URL: '', DEMO_DATA: '0' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).to.equal(1);
    const lines = out.trim().split('\n');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(new RegExp(`^Error de arranque: The data folder .* is already in use \\(process ${process.pid}, .*database on 127\\.0\\.0\\.1:\\d+\\)`));
    // and it touched nothing: the portal's server still answers
    expect((await request(ctx.app).get('/healthz').expect(200)).body).to.include({ status: 'ok', writable: true });
  });

  it('runs a billing run from the command line while the portal serves and writes: everything acknowledged stays, each invoice has its PDF', async () => {
    const month = '2020-09';
    for (let i = 0; i < 6; i++) await createHousehold(db, { consumption: [{ month, P1: 120 + i }] });
    let acknowledged = 0;
    let writing = true;
    const marker = `cli-concurrency-${process.pid}`;
    const writer = (async () => {
      while (writing) {
        await audit(db, { actorType: 'system', actorId: null, action: marker, at: new Date(), details: { n: acknowledged } });
        acknowledged++;
        await request(ctx.app).get('/healthz').expect(200);
      }
    })();
    let cli;
    try {
      cli = await command(ctx, 'src/cli/billing-issue.ts', ['--period', month]);
    } finally {
      writing = false;
      await writer;
    }
    expect(cli.stdout).to.match(new RegExp(`^${month}: \\d+ invoice\\(s\\) issued and signed`));
    if (!ctx.config.databaseUrl) expect(cli.stdout).to.contain(`the embedded PostgreSQL of process ${process.pid}`);
    expect(acknowledged).to.be.greaterThan(0);
    const kept = await db('audit_log').where({ action: marker }).count<{ n: number }[]>('* as n').first();
    expect(Number(kept!.n)).to.equal(acknowledged);
    const invoices = await db('invoices as i').leftJoin('invoice_documents as d', 'd.invoice_id', 'i.id')
      .where('i.period_start', `${month}-01`).select('i.id', 'd.size_bytes');
    expect(invoices.length).to.be.at.least(6);
    for (const inv of invoices) expect(inv.size_bytes, `invoice ${inv.id} has no PDF`).to.be.greaterThan(1000);
  });

  it('backs up while serving, and the backup restored into a new folder logs in, opens an invoice PDF and verifies a staff TOTP; without its secrets it refuses to start', async () => {
    const household = await createHousehold(db, { consumption: [{ month: '2026-06', P1: 140 }] });
    const [invoice] = await issueInvoices(db, household.supply.contractId, ['2026-06']);
    await storeSignedOriginals(db, [invoice!.id], ctx.app.locals.deps.signer, ctx.clock.now());
    const staff = await createStaff(db, { role: 'supervisor' });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'area-clientes-backup-')), 'test.backup');
    await writeBackup(db, file, await currentSecrets(db, ctx.config));
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);

    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'area-clientes-restored-'));
    let databaseUrl = '';
    let drop = async () => undefined as void;
    if (ctx.config.databaseUrl) {
      const base = new URL(ctx.config.databaseUrl);
      const name = `${base.pathname.slice(1)}_restored`;
      const admin = new pg.Client({ connectionString: ctx.config.databaseUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      base.pathname = `/${name}`;
      databaseUrl = base.toString();
      drop = async () => {
        const c = new pg.Client({ connectionString: ctx.config.databaseUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      };
    }
    try {
      const restored = await command(ctx, 'src/cli/restore.ts', [file], { DATA_DIR: dataDir, DATABASE_URL: databaseUrl });
      expect(restored.stdout).to.match(/^Restored \d+ rows from .* with its data key, signing certificate and session secret/);
      for (const f of ['data-key', 'session-secret', 'signing/dev-signing.p12']) {
        expect(fs.statSync(path.join(dataDir, f)).mode & 0o777, f).to.equal(0o600);
      }

      const config = loadConfig({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: databaseUrl, DEMO_DATA: '0', NODE_ENV: 'test', SMTP_URL: '' }, []);
      config.argon2 = ctx.config.argon2;
      config.pruneSessions = false;
      const clock = new ManualClock(ctx.clock.now());
      const second = await boot(config, clock, createLogger('silent'));
      try {
        const agent = request.agent(second.app);
        const page = await agent.get('/acceso');
        await agent.post('/acceso').type('form').send({ _csrf: csrfFrom(page.text), loginId: household.user.loginId, password: GOOD_PASSWORD }).expect(303);
        const pdf = await agent.get(`/facturas/${invoice!.id}/pdf`).expect(200);
        expect(pdf.headers['content-type']).to.contain('application/pdf');
        expect(Buffer.from(pdf.body as Buffer).subarray(0, 5).toString()).to.equal('%PDF-');

        const admin = request.agent(second.app);
        const login = await admin.get('/admin/acceso');
        await admin.post('/admin/acceso').type('form').send({ _csrf: csrfFrom(login.text), staffId: staff.staffId, password: staff.password })
          .expect(303).expect('location', '/admin/acceso/codigo');
        const codePage = await admin.get('/admin/acceso/codigo');
        clock.set(new Date(clock.now().getTime() + 60_000));
        await admin.post('/admin/acceso/codigo').type('form').send({ _csrf: csrfFrom(codePage.text), code: await totpAt(staff.totpSecret!, clock.now()) })
          .expect(303).expect('location', '/admin');
      } finally {
        await second.close();
      }

      // the secrets are part of the data now: damaged or missing, start-up says so and replaces nothing
      const keyFile = path.join(dataDir, 'data-key');
      const key = fs.readFileSync(keyFile);
      const refused = async () => boot(config, clock, createLogger('silent')).then(async (b) => { await b.close(); return ''; }, (e: Error) => e.message);
      fs.writeFileSync(keyFile, 'not a key');
      expect(await refused()).to.match(/^The data key file .*data-key must be 32 random bytes in base64/);
      fs.rmSync(keyFile);
      expect(await refused()).to.match(/^The data key file .*data-key is missing, but the database holds secrets encrypted with it/);
      expect(fs.existsSync(keyFile)).to.equal(false);
      fs.writeFileSync(keyFile, key, { mode: 0o600 });
      fs.rmSync(path.join(dataDir, 'signing/dev-signing.p12'));
      expect(await refused()).to.match(/^The signing certificate \(.*dev-signing\.p12\) is missing, but the database holds invoices signed with it/);
      expect(fs.existsSync(path.join(dataDir, 'signing/dev-signing.p12'))).to.equal(false);
    } finally {
      await drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
