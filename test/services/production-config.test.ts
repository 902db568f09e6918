import { expect } from 'chai';
import { loadConfig, ConfigError, DEMO_IN_PRODUCTION_FLAG } from '../../src/config';
import { boot } from '../../src/boot';
import { openDatabase } from '../../src/data/db';
import { StartupError } from '../../src/data/startup-error';
import { resolveDataKey, resolveSessionSecret } from '../../src/adapters/secrets';
import { hashPassword } from '../../src/adapters/passwords';
import { createLogger } from '../../src/adapters/logger';
import { publicDemoLogins } from '../../src/demo/production-guard';
import request from 'supertest';
import { testContext } from '../support/context';
import { csrfFrom } from '../support/factories';

const SECRET = 'k'.repeat(40);
const KEY = Buffer.alloc(32, 9).toString('base64');

async function failure(p: Promise<unknown>): Promise<Error> {
  return p.then(() => { throw new Error('should have failed'); }, (e: Error) => e);
}

describe('safe defaults and production refusals (issue 12 items 2, 7, 15)', () => {
  it('listens on loopback unless HOST says otherwise', () => {
    expect(loadConfig({}, []).host).to.equal('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }, []).host).to.equal('0.0.0.0');
  });

  it('serves the development mailbox only when asked for, never in production', () => {
    expect(loadConfig({}, []).devMailbox).to.equal(false);
    expect(loadConfig({ DEV_MAILBOX: '1' }, []).devMailbox).to.equal(true);
    expect(loadConfig({ DEV_MAILBOX: '1', NODE_ENV: 'production' }, []).devMailbox).to.equal(false);
  });

  it('refuses limits that are zero or negative', () => {
    for (const name of ['SESSION_IDLE_MINUTES', 'SESSION_ABSOLUTE_HOURS', 'ADMIN_IDLE_MINUTES', 'DB_POOL_MAX']) {
      expect(() => loadConfig({ [name]: '0' }, []), name).to.throw(ConfigError, `${name} must be a positive integer`);
      expect(() => loadConfig({ [name]: '-5', NODE_ENV: 'production' }, []), name).to.throw(ConfigError);
    }
  });

  it('refuses a short SESSION_SECRET and an all-zero or short DATA_ENCRYPTION_KEY in production', async () => {
    const prod = (env: NodeJS.ProcessEnv) => loadConfig({ NODE_ENV: 'production', ...env }, []);
    expect((await failure(resolveSessionSecret(prod({ SESSION_SECRET: 'x'.repeat(31) })))).message).to.match(/^SESSION_SECRET must be at least 32 bytes/);
    expect(await resolveSessionSecret(prod({ SESSION_SECRET: SECRET }))).to.equal(SECRET);
    expect((await failure(resolveDataKey(prod({ DATA_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') })))).message).to.match(/is all zeros/);
    expect((await failure(resolveDataKey(prod({ DATA_ENCRYPTION_KEY: Buffer.alloc(24, 3).toString('base64') })))).message).to.match(/must be 32 random bytes/);
  });

  it('creates no demo data in production unless a flag names the risk', async () => {
    expect(loadConfig({ NODE_ENV: 'production' }, []).demo).to.equal(false);
    const asked = loadConfig({ NODE_ENV: 'production', DEMO_DATA: '1', SESSION_SECRET: SECRET, DATA_ENCRYPTION_KEY: KEY }, []);
    const err = await failure(boot(asked, { now: () => new Date() }, createLogger('silent')));
    expect(err).to.be.instanceOf(StartupError);
    expect(err.message).to.contain(`DEMO_DATA_IN_PRODUCTION=${DEMO_IN_PRODUCTION_FLAG}`);
  });

  it('refuses the embedded database in production unless EMBEDDED_DB_IN_PRODUCTION=1', async () => {
    const err = await failure(openDatabase(loadConfig({ NODE_ENV: 'production', DATA_DIR: '/nonexistent/never-created' }, []), { role: 'portal', what: 'test' }));
    expect(err).to.be.instanceOf(StartupError);
    expect(err.message).to.match(/^NODE_ENV=production needs DATABASE_URL .* EMBEDDED_DB_IN_PRODUCTION=1/);
  });

  describe('against the test database', function () {
    this.timeout(60_000);

    it('refuses a production start while a demo login opens with its published password, and a wrong DATA_ENCRYPTION_KEY; sets the language cookie Secure', async () => {
      const ctx = await testContext();
      const db = ctx.db.knex;
      const key = (ctx.app.locals.deps.dataKey as Buffer).toString('base64');
      const prod = (k: string) => {
        // the test run's data folder holds the signing certificate the test database's invoices were signed with
        const c = loadConfig({
          NODE_ENV: 'production', SESSION_SECRET: SECRET, DATA_ENCRYPTION_KEY: k, DATABASE_URL: ctx.db.url, LOG_LEVEL: 'silent', TRUST_PROXY: '1',
          DATA_DIR: ctx.config.dataDir,
        }, []);
        c.pruneSessions = false;
        return c;
      };
      // a demo collaborator with the README's password
      const [user] = await db('users').insert({
        login_id: 'X1234567L', first_name: 'Demo', last_name: 'Pública', email: `demo-${process.pid}@example.com`,
        password_hash: await hashPassword('Colabora-Demo-2026', ctx.config.argon2), status: 'active', language: 'es',
      }).returning('id');
      try {
        expect(await publicDemoLogins(db)).to.deep.equal(['X1234567L']);
        const err = await failure(boot(prod(key), ctx.clock, createLogger('silent')));
        expect(err).to.be.instanceOf(StartupError);
        expect(err.message).to.match(/^Production refuses to start while demo logins open with their published passwords \(X1234567L\)/);
        await db('users').where({ id: user.id }).update({ password_hash: await hashPassword('Otra-Clave-Segura-2026', ctx.config.argon2) });
        expect(await publicDemoLogins(db)).to.deep.equal([]);
      } finally {
        await db('users').where({ id: user.id }).delete();
      }
      // with no public demo login left, production starts; its language cookie is Secure
      const app = await boot(prod(key), ctx.clock, createLogger('silent'));
      try {
        const https = { 'X-Forwarded-Proto': 'https' };
        const page = await request(app.app).get('/acceso').set(https).expect(200);
        const pre = (page.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('__Host-ac.pre='))!;
        expect(pre).to.match(/; Secure/);
        const session = pre.split(';')[0]!;
        const res = await request(app.app).post('/idioma').set(https).set('Cookie', session).type('form')
          .send({ _csrf: csrfFrom(page.text), lang: 'ca', next: '/acceso' }).expect(303);
        const lang = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('lang='));
        expect(lang).to.match(/; Secure/);
      } finally {
        await app.close();
      }
      const wrong = await failure(boot(prod(Buffer.alloc(32, 5).toString('base64')), ctx.clock, createLogger('silent')));
      expect(wrong).to.be.instanceOf(StartupError);
      expect(wrong.message).to.equal("DATA_ENCRYPTION_KEY is not the key this database's secrets were encrypted with: set the right one (a backup holds it).");
    });
  });
});
