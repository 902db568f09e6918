/**
 * Certificate login over real TLS: a test CA issues the certificates, Node's https client
 * presents them to the listener, and the ticket is followed into the portal.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:https';
import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import type { AppDeps } from '../../src/deps';
import { TrustStore } from '../../src/adapters/client-cert';
import { createCa, type Issued } from '../../src/adapters/dev-ca';
import { buildOcspResponse, requestedSerial } from '../../src/adapters/ocsp';
import { CERT_ENTRY_PATH } from '../../src/config-cert-login';
import { createCertLoginServer } from '../../src/web/cert-login-server';
import { testContext, type TestContext } from '../support/context';
import { createContractAccount, createCustomer, createHousehold, createSupply, createUser, csrfFrom, lastMailTo, linkUser, loginAs, pageText, uniqueCif, uniqueEmail, uniqueNif, type Agent } from '../support/factories';
import { dnieSubject, fnmtSubject, makeTestPki, representativeSubject, type TestPki } from '../support/cert-pki';

interface TlsAnswer {
  status: number;
  location: string;
  body: string;
}

function tlsGet(port: number, pki: TestPki, client: Issued | null, path = CERT_ENTRY_PATH): Promise<TlsAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port, path, method: 'GET', servername: 'localhost', ca: pki.ca.certPem,
      ...(client ? { cert: client.certPem, key: client.keyPem } : {}), agent: false,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: String(res.headers.location ?? ''), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A state as the portal would give; refusals are decided before any ticket, so any state does. */
const SOME_STATE = `${CERT_ENTRY_PATH}?estado=${'s'.repeat(32)}`;

/** The listener-relative part of the portal's redirect to the entry (it carries the state). */
function entryPathOf(location: string): string {
  const u = new URL(location);
  expect(u.pathname).to.equal(CERT_ENTRY_PATH);
  return u.pathname + u.search;
}

/** The portal-relative part of the ticket redirect (the portal is PUBLIC_URL; tests reach it in-process). */
function portalPath(location: string): string {
  const u = new URL(location);
  return u.pathname + u.search;
}

describe('certificate login (TLS client authentication)', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let pki: TestPki;
  let app: Express;
  let server: Server;
  let port: number;
  let trust: TrustStore;

  before(async () => {
    ctx = await testContext();
    pki = makeTestPki();
    trust = new TrustStore({ caPath: pki.caFile, crlPath: pki.crlFile, reloadMinutes: 0 }).start();
    const base = ctx.app.locals.deps as AppDeps;
    const config = { ...base.config, certLogin: { ...base.config.certLogin, port: 0, entryUrl: `https://localhost:0${CERT_ENTRY_PATH}`, header: undefined } };
    app = createApp({ ...base, config, certTrust: trust });
    server = createCertLoginServer(app, { key: pki.server.keyPem, cert: pki.server.certPem, ca: [pki.ca.certPem], publicUrl: config.publicUrl });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    trust.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /**
   * Starts from the portal (which keeps the state in the session), presents the certificate,
   * then follows the ticket back into the portal with the same browser-like agent.
   */
  async function loginWith(client: Issued, agent: Agent = request.agent(app)): Promise<{ agent: Agent; landed: request.Response; ticketPath: string }> {
    const start = await agent.get('/acceso/certificado/iniciar');
    expect(start.status).to.equal(303);
    const answer = await tlsGet(port, pki, client, entryPathOf(start.headers.location!));
    expect(answer.status, answer.body.slice(0, 300)).to.equal(303);
    expect(answer.location).to.match(/\/acceso\/certificado\/ticket\?t=/);
    const ticketPath = portalPath(answer.location);
    const landed = await agent.get(ticketPath);
    return { agent, landed, ticketPath };
  }

  it('a DNIe-like certificate logs its holder in, with an audit row naming issuer and serial', async () => {
    const h = await createHousehold(ctx.db.knex);
    const cert = pki.issue(dnieSubject(h.user.loginId));
    const { agent, landed } = await loginWith(cert);
    expect(landed.status).to.equal(303);
    expect(landed.headers.location).to.equal('/suministros');
    const page = await agent.get('/ajustes');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(h.user.loginId);
    const row = await ctx.db.knex('audit_log').where({ action: 'login.certificate', actor_id: h.user.id }).first();
    expect(row.details.issuer).to.equal('AC Pruebas Usuarios');
    expect(row.details.serial).to.equal(cert.cert.serialNumber.toUpperCase().replace(/^(00)+/, ''));
  });

  it('a user created from an invitation is taken over by the certificate holder: own email, and the inviter side locked out', async () => {
    const db = ctx.db.knex;
    const h = await createHousehold(db);
    // the account an invitation created: email and password were chosen on the inviter's side
    await db('users').where({ id: h.user.id }).update({ identity_proven: false });
    const squatter = await loginAs(request.agent(app), h.user.loginId, h.user.password);
    expect((await squatter.get('/ajustes')).status).to.equal(200);
    // even with certificate login switched off by whoever holds that password
    await db('users').where({ id: h.user.id }).update({ certificate_login: false });

    const { agent, landed } = await loginWith(pki.issue(dnieSubject(h.user.loginId)));
    expect(landed.headers.location).to.equal('/acceso/certificado/alta');
    const form = await agent.get('/acceso/certificado/alta');
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('id="cert-reclaim"');
    const email = uniqueEmail('propia');
    const sent = await agent.post('/acceso/certificado/alta').type('form').send({ _csrf: csrfFrom(form.text), email });
    expect(sent.headers.location).to.equal('/acceso/certificado/alta/enviada');

    const user = await db('users').where({ id: h.user.id }).first();
    expect(user.email).to.equal(email);
    expect(user.status).to.equal('pending');
    expect(user.identity_proven).to.equal(true);
    // the inviter side's session ended and its password no longer opens the account
    expect((await squatter.get('/ajustes')).status).to.not.equal(200);
    const again = await request.agent(app).post('/acceso').type('form')
      .send({ _csrf: csrfFrom((await request.agent(app).get('/acceso')).text), loginId: h.user.loginId, password: h.user.password });
    expect(again.headers.location ?? '').to.not.equal('/suministros');
    // what the account had stays: the household it holds
    expect(await db('customer_links').where({ user_id: h.user.id, status: 'active' }).first()).to.not.equal(undefined);
    const row = await db('audit_log').where({ action: 'registration.certificate_reclaimed', target_id: String(h.user.id) }).first();
    expect(row).to.not.equal(undefined);

    // the activation link goes to the person's own email; after it, the certificate logs them in
    const mail = await lastMailTo(db, email);
    expect(mail?.template).to.equal('activation');
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail!.text_body)![1];
    const page = await agent.get(`/activar?token=${token}`);
    expect((await agent.post('/activar').type('form').send({ _csrf: csrfFrom(page.text), token })).status).to.equal(303);
    const back = await loginWith(pki.issue(dnieSubject(h.user.loginId)));
    expect(back.landed.headers.location).to.equal('/suministros');
  });

  it('an FNMT-like certificate (NIF only in the CN) logs in too', async () => {
    const h = await createHousehold(ctx.db.knex);
    const { landed } = await loginWith(pki.issue(fnmtSubject(h.user.loginId)));
    expect(landed.headers.location).to.equal('/suministros');
  });

  it('a representative certificate logs in the person, who sees the company', async () => {
    const person = await createUser(ctx.db.knex);
    const company = await createCustomer(ctx.db.knex, { kind: 'company', representativeNif: person.loginId });
    await linkUser(ctx.db.knex, person, company, 'representative');
    await createSupply(ctx.db.knex, await createContractAccount(ctx.db.knex, company));
    const { agent, landed } = await loginWith(pki.issue(representativeSubject(person.loginId, company.taxId, company.name)));
    expect(landed.headers.location).to.equal('/suministros');
    const supplies = await agent.get('/suministros');
    expect(supplies.status).to.equal(200);
    expect(supplies.text).to.contain(company.name);
    const row = await ctx.db.knex('audit_log').where({ action: 'login.certificate', actor_id: person.id }).first();
    expect(row.details.entityCif).to.equal(company.taxId);
  });

  it('the ticket is single-use and a forged one is refused', async () => {
    const h = await createHousehold(ctx.db.knex);
    const cert = pki.issue(dnieSubject(h.user.loginId));
    const { agent, landed, ticketPath } = await loginWith(cert);
    expect(landed.status).to.equal(303);
    const replay = await agent.get(ticketPath);
    expect(replay.status).to.equal(410);
    expect(replay.text).to.contain('data-reason="ticket"');
    // the certificate itself can of course log in again, with a new ticket
    expect((await loginWith(cert)).landed.status).to.equal(303);
    const forged = await request.agent(app).get(ticketPath.replace(/\.[^.]+$/, '.AAAA'));
    expect(forged.status).to.equal(410);
  });

  it('a ticket only works in the browser that started the login (no login CSRF)', async () => {
    const h = await createHousehold(ctx.db.knex);
    const attacker = request.agent(app);
    const start = await attacker.get('/acceso/certificado/iniciar');
    const answer = await tlsGet(port, pki, pki.issue(dnieSubject(h.user.loginId)), entryPathOf(start.headers.location!));
    // the victim's browser, sent to the attacker's ticket, has another (or no) state
    const victim = request.agent(app);
    await victim.get('/acceso/certificado/iniciar');
    const landed = await victim.get(portalPath(answer.location));
    expect(landed.status).to.equal(410);
    expect((await victim.get('/ajustes')).status).to.equal(303);
  });

  it('the ticket lives one minute', async () => {
    const h = await createHousehold(ctx.db.knex);
    const agent = request.agent(app);
    const start = await agent.get('/acceso/certificado/iniciar');
    const answer = await tlsGet(port, pki, pki.issue(dnieSubject(h.user.loginId)), entryPathOf(start.headers.location!));
    ctx.clock.advance(61_000);
    const late = await agent.get(portalPath(answer.location));
    expect(late.status).to.equal(410);
  });

  const refusals: [string, (p: TestPki, nif: string) => Issued, string][] = [
    ['revoked (in the CRL)', (p) => p.revoked, 'revoked'],
    ['expired', (p, nif) => p.issue(dnieSubject(nif), { notBefore: new Date('2020-01-01'), notAfter: new Date('2026-11-01') }), 'expired'],
    ['wrong usage (DNIe FIRMA)', (p, nif) => p.issue(dnieSubject(nif), { usage: 'signature' }), 'wrong_usage'],
    ['untrusted (another CA)', (p, nif) => p.issue(dnieSubject(nif), { byUntrusted: true }), 'untrusted'],
  ];
  for (const [name, make, reason] of refusals) {
    it(`${name} → a page saying which certificate and why, no ticket`, async () => {
      const h = await createHousehold(ctx.db.knex);
      const cert = make(pki, h.user.loginId);
      const before = await ctx.db.knex('certificate_login_tickets').count<{ count: string }[]>('* as count');
      const answer = await tlsGet(port, pki, cert, SOME_STATE);
      expect(answer.status).to.equal(403);
      expect(answer.body).to.contain(`data-reason="${reason}"`);
      expect(pageText(answer.body)).to.contain('GARCIA LOPEZ, JUAN');
      expect(pageText(answer.body)).to.contain(cert.cert.serialNumber.toUpperCase().replace(/^(00)+/, ''));
      const after = await ctx.db.knex('certificate_login_tickets').count<{ count: string }[]>('* as count');
      expect(after[0]!.count).to.equal(before[0]!.count);
      const audit = await ctx.db.knex('audit_log').where({ action: 'login.certificate_refused' }).orderBy('id', 'desc').first();
      expect(audit.details.reason).to.equal(reason);
    });
  }

  it('the revoked page gives the revocation date', async () => {
    const answer = await tlsGet(port, pki, pki.revoked, SOME_STATE);
    expect(pageText(answer.body)).to.match(/Revocado el\s*18 de noviembre de 2026/);
  });

  it('a CRL reloaded from disk revokes a certificate that worked before', async () => {
    const h = await createHousehold(ctx.db.knex);
    const cert = pki.issue(dnieSubject(h.user.loginId));
    expect((await tlsGet(port, pki, cert, SOME_STATE)).status).to.equal(303);
    pki.revoke([cert]);
    trust.reload();
    expect((await tlsGet(port, pki, cert, SOME_STATE)).status).to.equal(403);
    pki.revoke([]);
    trust.reload();
  });

  it('no certificate → the login page with the reason', async () => {
    const answer = await tlsGet(port, pki, null, SOME_STATE);
    expect(answer.status).to.equal(303);
    const agent = request.agent(app);
    const step = await agent.get(portalPath(answer.location));
    expect(step.status).to.equal(303);
    expect(step.headers.location).to.equal('/');
    const login = await agent.get('/');
    expect(login.status).to.equal(200);
    expect(pageText(login.text)).to.contain('No has elegido ningún certificado');
    expect(login.text).to.contain('action="/acceso"');
  });

  it('the listener serves only the certificate entry: other paths go to the portal', async () => {
    const answer = await tlsGet(port, pki, null, '/suministros');
    expect(answer.status).to.equal(303);
    expect(answer.location).to.equal(`${ctx.config.publicUrl}/suministros`);
  });

  it('the entry reached without starting at the portal starts there', async () => {
    for (const path of ['/', CERT_ENTRY_PATH]) {
      const answer = await tlsGet(port, pki, pki.issue(dnieSubject('12345678Z')), path);
      expect(answer.status).to.equal(303);
      expect(answer.location).to.equal(`${ctx.config.publicUrl}/acceso/certificado/iniciar`);
    }
  });

  const states: [string, Parameters<typeof createUser>[1], string][] = [
    ['locked', { status: 'locked' }, 'locked'],
    ['disabled', { status: 'disabled' }, 'disabled'],
    ['pending', { status: 'pending' }, 'pending'],
  ];
  for (const [name, userOpts, reason] of states) {
    it(`a ${name} account is not logged in by its certificate`, async () => {
      const h = await createHousehold(ctx.db.knex, { user: userOpts });
      const { landed } = await loginWith(pki.issue(dnieSubject(h.user.loginId)));
      expect(landed.status).to.equal(403);
      expect(landed.text).to.contain(`data-reason="${reason}"`);
    });
  }

  it('Ajustes shows certificate login on; turned off, the certificate no longer logs in', async () => {
    const h = await createHousehold(ctx.db.knex);
    const cert = pki.issue(dnieSubject(h.user.loginId));
    const { agent } = await loginWith(cert);
    const settings = await agent.get('/ajustes');
    expect(pageText(settings.text)).to.contain('Activado: puedes acceder con tu DNIe');
    const off = await agent.post('/ajustes/certificado').type('form').send({ _csrf: csrfFrom(settings.text), enabled: 'no' });
    expect(off.status).to.equal(303);
    const after = await agent.get('/ajustes');
    expect(pageText(after.text)).to.contain('Desactivado: solo puedes acceder con tu NIF y contraseña');
    const again = await loginWith(cert);
    expect(again.landed.status).to.equal(403);
    expect(again.landed.text).to.contain('data-reason="turned_off"');
    const row = await ctx.db.knex('audit_log').where({ action: 'certificate_login.disabled', actor_id: h.user.id }).first();
    expect(row).to.not.equal(undefined);
  });

  it('a proven NIF with no account registers with only an email, confirmed by the activation link', async () => {
    const nif = uniqueNif();
    const customer = await createCustomer(ctx.db.knex, { kind: 'individual', taxId: nif });
    const company = await createCustomer(ctx.db.knex, { kind: 'company', taxId: uniqueCif(), representativeNif: nif });
    const cert = pki.issue(dnieSubject(nif, 'MARÍA', 'PÉREZ GIL'));
    const { agent, landed } = await loginWith(cert);
    expect(landed.headers.location).to.equal('/acceso/certificado/alta');
    const form = await agent.get('/acceso/certificado/alta');
    expect(form.status).to.equal(200);
    expect(form.text).to.contain(nif);
    expect(form.text).to.contain(customer.name);
    expect(form.text).to.contain(company.name);
    const bad = await agent.post('/acceso/certificado/alta').type('form').send({ _csrf: csrfFrom(form.text), email: 'no-es-un-email' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('href="#f-email"');
    expect(bad.text).to.contain('value="no-es-un-email"');
    const email = uniqueEmail('certificado');
    const sent = await agent.post('/acceso/certificado/alta').type('form').send({ _csrf: csrfFrom(bad.text), email });
    expect(sent.status).to.equal(303);
    expect(sent.headers.location).to.equal('/acceso/certificado/alta/enviada');
    const user = await ctx.db.knex('users').where({ login_id: nif }).first();
    expect(user.status).to.equal('pending');
    expect(user.first_name).to.equal('María');
    // the certificate proved the NIF, as contract data would (issue 12, item 1)
    expect(user.identity_proven).to.equal(true);
    const links = await ctx.db.knex('customer_links').where({ user_id: user.id }).orderBy('customer_id');
    expect(links.map((l: { role: string }) => l.role)).to.deep.equal(['holder', 'representative']);
    const mail = await lastMailTo(ctx.db.knex, email);
    expect(mail?.template).to.equal('activation');
    // the proof is used up: the form cannot be sent twice
    expect((await agent.get('/acceso/certificado/alta')).status).to.equal(410);
  });

  it('a proven NIF with no contracts is told so', async () => {
    const { landed } = await loginWith(pki.issue(dnieSubject(uniqueNif())));
    expect(landed.status).to.equal(403);
    expect(landed.text).to.contain('data-reason="no_customer"');
  });

  it('a certificate naming no person (a company seal) is refused', async () => {
    const seal = pki.issue([{ oid: '2.5.4.3', value: 'SELLO EMPRESA' }, { oid: '2.5.4.97', value: 'VATES-B81234569' }]);
    const answer = await tlsGet(port, pki, seal, SOME_STATE);
    expect(answer.status).to.equal(403);
    expect(answer.body).to.contain('data-reason="no_identity"');
  });
});

describe('certificate login behind a reverse proxy (header mode)', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let pki: TestPki;
  let trust: TrustStore;
  const header = 'X-SSL-Client-Cert';

  before(async () => {
    ctx = await testContext();
    pki = makeTestPki();
    trust = new TrustStore({ caPath: pki.caFile, crlPath: pki.crlFile, reloadMinutes: 0 }).start();
  });
  after(() => trust.stop());

  function proxyApp(trustProxy: string): Express {
    const base = ctx.app.locals.deps as AppDeps;
    const config = {
      ...base.config, trustProxy,
      certLogin: { ...base.config.certLogin, port: null, header, entryUrl: `https://certificado.example.com${CERT_ENTRY_PATH}` },
    };
    return createApp({ ...base, config, certTrust: trust });
  }

  // nginx's $ssl_client_escaped_cert
  const escaped = (c: Issued) => encodeURIComponent(c.certPem);

  it('from a trusted proxy address, the header certificate logs in', async () => {
    const h = await createHousehold(ctx.db.knex);
    const app = proxyApp('loopback');
    const agent = request.agent(app);
    const start = await agent.get('/acceso/certificado/iniciar');
    expect(start.headers.location).to.match(/^https:\/\/certificado\.example\.com\/acceso\/certificado\/entrar\?estado=/);
    const answer = await request(app).get(portalPath(start.headers.location!)).set(header, escaped(pki.issue(dnieSubject(h.user.loginId))));
    expect(answer.status).to.equal(303);
    const landed = await agent.get(portalPath(answer.headers.location!));
    expect(landed.headers.location).to.equal('/suministros');
  });

  it('the app still checks the header certificate itself (revoked, untrusted)', async () => {
    const app = proxyApp('loopback');
    const revoked = await request(app).get(SOME_STATE).set(header, escaped(pki.revoked));
    expect(revoked.status).to.equal(403);
    expect(revoked.text).to.contain('data-reason="revoked"');
    const untrusted = await request(app).get(SOME_STATE).set(header, escaped(pki.issue(dnieSubject('12345678Z'), { byUntrusted: true })));
    expect(untrusted.text).to.contain('data-reason="untrusted"');
  });

  it('from an address that is not a trusted proxy, the header is ignored', async () => {
    const h = await createHousehold(ctx.db.knex);
    const app = proxyApp('10.9.8.7');
    const answer = await request(app).get(SOME_STATE).set(header, escaped(pki.issue(dnieSubject(h.user.loginId))))
      .set('X-Forwarded-For', '10.9.8.7');
    expect(answer.status).to.equal(303);
    expect(answer.headers.location).to.match(/\/acceso\/certificado\/sin-certificado$/);
  });

  it('without header mode configured, the header means nothing (plain HTTP entry is 404)', async () => {
    const h = await createHousehold(ctx.db.knex);
    const base = ctx.app.locals.deps as AppDeps;
    const app = createApp({ ...base, config: { ...base.config, trustProxy: 'loopback', certLogin: { ...base.config.certLogin, header: undefined } }, certTrust: trust });
    const answer = await request(app).get(SOME_STATE).set(header, escaped(pki.issue(dnieSubject(h.user.loginId))));
    expect(answer.status).to.equal(404);
  });

  it('HAProxy style base64 DER is accepted too', async () => {
    const h = await createHousehold(ctx.db.knex);
    const app = proxyApp('loopback');
    const der = new crypto.X509Certificate(pki.issue(dnieSubject(h.user.loginId)).certPem).raw.toString('base64');
    const answer = await request(app).get(SOME_STATE).set(header, der);
    expect(answer.status).to.equal(303);
    expect(answer.headers.location).to.match(/ticket\?t=/);
  });
});

describe('certificate login with an OCSP responder', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let pki: TestPki;
  let responder: http.Server;
  let url: string;
  const known = new Map<string, crypto.X509Certificate>();
  const revokedSerials = new Set<string>();
  let signWith: { certPem: string; keyPem: string };

  before(async () => {
    ctx = await testContext();
    pki = makeTestPki();
    signWith = pki.ca;
    responder = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const serial = requestedSerial(Buffer.concat(chunks));
        const leaf = known.get(serial);
        if (!leaf) return res.writeHead(500).end();
        const now = ctx.clock.now();
        const body = buildOcspResponse(signWith, leaf, {
          status: revokedSerials.has(serial) ? 'revoked' : 'good', revokedAt: new Date(now.getTime() - 3600_000),
          thisUpdate: new Date(now.getTime() - 60_000), nextUpdate: new Date(now.getTime() + 3600_000),
        });
        res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(body);
      });
    });
    await new Promise<void>((resolve) => responder.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(responder.address() as AddressInfo).port}/ocsp`;
  });
  after(() => new Promise<void>((resolve) => responder.close(() => resolve())));

  function issue(nif: string): Issued {
    const c = pki.issue(dnieSubject(nif));
    const x = new crypto.X509Certificate(c.certPem);
    known.set(x.serialNumber.replace(/^(00)+(?=.)/, ''), x);
    return c;
  }

  async function enter(ocspUrl: string, cert: Issued): Promise<request.Response> {
    const trust = new TrustStore({ caPath: pki.caFile, reloadMinutes: 0, ocspUrl }).start();
    const base = ctx.app.locals.deps as AppDeps;
    const config = {
      ...base.config, trustProxy: 'loopback',
      certLogin: { ...base.config.certLogin, port: null, header: 'X-SSL-Client-Cert', entryUrl: `https://certificado.example.com${CERT_ENTRY_PATH}` },
    };
    return request(createApp({ ...base, config, certTrust: trust })).get(SOME_STATE).set('X-SSL-Client-Cert', encodeURIComponent(cert.certPem));
  }

  it('a "good" answer lets the certificate in', async () => {
    const h = await createHousehold(ctx.db.knex);
    const answer = await enter(url, issue(h.user.loginId));
    expect(answer.status).to.equal(303);
    expect(answer.headers.location).to.match(/ticket\?t=/);
  });

  it('a certificate revoked at the responder (not yet in any CRL) gets the revoked page', async () => {
    const cert = issue('12345678Z');
    revokedSerials.add(new crypto.X509Certificate(cert.certPem).serialNumber.replace(/^(00)+(?=.)/, ''));
    const answer = await enter(url, cert);
    expect(answer.status).to.equal(403);
    expect(answer.text).to.contain('data-reason="revoked"');
  });

  it('no usable answer (responder down, or a response signed by someone else) refuses for now', async () => {
    const down = await enter('http://127.0.0.1:9/ocsp', issue('12345678Z'));
    expect(down.status).to.equal(503);
    expect(down.text).to.contain('data-reason="unavailable"');
    signWith = createCa('AC Falsa', { notBefore: new Date('2020-01-01'), notAfter: new Date('2036-01-01') });
    try {
      const forged = await enter(url, issue('12345678Z'));
      expect(forged.status).to.equal(503);
    } finally {
      signWith = pki.ca;
    }
  });
});
