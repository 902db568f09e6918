import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import { createHousehold, createUser, csrfFrom, loginAs, pageText, resetThrottles } from '../support/factories';

/** Every state-changing route of the account flows. */
const ROUTES: { path: string; loggedIn: boolean }[] = [
  { path: '/acceso', loggedIn: false },
  { path: '/salir', loggedIn: true },
  { path: '/registro/hogar', loggedIn: false },
  { path: '/registro/empresa', loggedIn: false },
  { path: '/activar', loggedIn: false },
  { path: '/recuperar/pregunta', loggedIn: false },
  { path: '/recuperar/pregunta/respuesta', loggedIn: false },
  { path: '/recuperar/contrato', loggedIn: false },
  { path: '/restablecer', loggedIn: false },
  { path: '/ajustes/contrasena', loggedIn: true },
  { path: '/ajustes/email', loggedIn: true },
  { path: '/ajustes/email/confirmar', loggedIn: false },
  { path: '/ajustes/idioma', loggedIn: true },
  { path: '/ajustes/pregunta', loggedIn: true },
  { path: '/ajustes/suministros', loggedIn: true },
  { path: '/ajustes/2fa', loggedIn: true },
  { path: '/ajustes/2fa/desactivar', loggedIn: true },
  { path: '/acceso/codigo', loggedIn: false },
  { path: '/recuperar/2fa', loggedIn: false },
  { path: '/recuperar/2fa/confirmar', loggedIn: false },
];

const CSRF_PAGE = 'El formulario ha caducado';

describe('accounts: CSRF on every state-changing request', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testContext();
  });
  beforeEach(() => resetThrottles(ctx.db.knex));

  for (const route of ROUTES) {
    it(`POST ${route.path}: 403 without a token and with a wrong one`, async () => {
      const user = await createUser(ctx.db.knex);
      const agent = request.agent(ctx.app);
      if (route.loggedIn) await loginAs(agent, user.loginId, user.password);
      else await agent.get('/').expect(200);

      const missing = await agent.post(route.path).type('form').send({ loginId: user.loginId, password: user.password, language: 'ca' });
      expect(missing.status).to.equal(403);
      expect(pageText(missing.text)).to.include(CSRF_PAGE);
      const wrong = await agent.post(route.path).type('form').send({ _csrf: 'x'.repeat(64), loginId: user.loginId, password: user.password, language: 'ca' });
      expect(wrong.status).to.equal(403);
      expect(pageText(wrong.text)).to.include(CSRF_PAGE);
      const header = await agent.post(route.path).set('x-csrf-token', 'y'.repeat(64)).type('form').send({ language: 'ca' });
      expect(header.status).to.equal(403);
    });
  }

  it('refuses a token taken from another session, and changes nothing', async () => {
    const user = await createUser(ctx.db.knex);
    const attacker = request.agent(ctx.app);
    const token = csrfFrom((await attacker.get('/acceso')).text);
    const victim = request.agent(ctx.app);
    await victim.get('/acceso');
    const res = await victim.post('/acceso').type('form').send({ _csrf: token, loginId: user.loginId, password: user.password });
    expect(res.status).to.equal(403);
    await victim.get('/ajustes').expect(303).expect('Location', '/');
    expect((await ctx.db.knex('users').where({ id: user.id }).first()).last_login_at).to.equal(null);
  });

  it('does not register anyone without a token', async () => {
    const h = await createHousehold(ctx.db.knex);
    await ctx.db.knex('customer_links').where({ user_id: h.user.id }).delete();
    await ctx.db.knex('users').where({ id: h.user.id }).delete();
    const agent = request.agent(ctx.app);
    await agent.get('/registro/hogar');
    await agent.post('/registro/hogar').type('form').send({
      taxId: h.customer.taxId, contractAccount: h.account.number, ibanLast4: h.account.ibanLast4, firstName: 'Ana', lastName: 'Pérez Gil',
      email: 'ana@example.com', password: 'Lavanda-Muralla-Cometa-82', passwordConfirm: 'Lavanda-Muralla-Cometa-82', terms: 'on',
    }).expect(403);
    expect(await ctx.db.knex('users').where({ login_id: h.customer.taxId })).to.have.length(0);
  });

  it('accepts the token in the x-csrf-token header, as htmx sends it', async () => {
    const user = await createUser(ctx.db.knex);
    const agent = request.agent(ctx.app);
    const token = csrfFrom((await agent.get('/acceso')).text);
    const res = await agent.post('/acceso').set('x-csrf-token', token).type('form').send({ loginId: user.loginId, password: user.password });
    expect(res.status).to.equal(303);
  });

  it('gives a new token after login: the one from before no longer works', async () => {
    const user = await createUser(ctx.db.knex);
    const agent = request.agent(ctx.app);
    const before = csrfFrom((await agent.get('/acceso')).text);
    await agent.post('/acceso').type('form').send({ _csrf: before, loginId: user.loginId, password: user.password }).expect(303);
    const after = csrfFrom((await agent.get('/ajustes')).text);
    expect(after).not.to.equal(before);
    await agent.post('/ajustes/idioma').type('form').send({ _csrf: before, language: 'ca' }).expect(403);
    await agent.post('/ajustes/idioma').type('form').send({ _csrf: after, language: 'ca' }).expect(303);
  });

  describe('before logging in (the token in a signed cookie, no session row)', () => {
    const sessionRows = async () => Number((await ctx.db.knex('sessions').count({ n: '*' }).first())!.n);
    const preCookie = (res: request.Response) => ([] as string[]).concat(res.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('ac.pre='));

    it('shows the login form without storing a session, and the form still logs in', async () => {
      const user = await createUser(ctx.db.knex);
      const agent = request.agent(ctx.app);
      const rows = await sessionRows();
      const home = await agent.get('/').expect(200);
      const again = await agent.get('/').expect(200);
      expect(await sessionRows()).to.equal(rows);
      expect(([] as string[]).concat(home.headers['set-cookie'] ?? []).some((c) => c.startsWith('ac.sid='))).to.equal(false);
      expect(preCookie(home)).to.match(/HttpOnly/).and.match(/SameSite=Lax/);
      // the same token for the whole visit, so a second tab's form still works
      expect(csrfFrom(again.text)).to.equal(csrfFrom(home.text));
      expect(preCookie(again)).to.equal(undefined);
      await agent.post('/acceso').type('form').send({ _csrf: csrfFrom(home.text), loginId: user.loginId, password: user.password })
        .expect(303);
    });

    it('refuses the token without its cookie, with a cookie signed elsewhere, or with another visitor\'s cookie', async () => {
      const user = await createUser(ctx.db.knex);
      const home = await request(ctx.app).get('/').expect(200);
      const token = csrfFrom(home.text);
      const cookie = preCookie(home)!.split(';')[0]!;
      const send = (c?: string) => {
        const r = request(ctx.app).post('/acceso').type('form');
        if (c) r.set('Cookie', c);
        return r.send({ _csrf: token, loginId: user.loginId, password: user.password });
      };
      expect((await send()).status).to.equal(403);
      expect((await send(`ac.pre=${token}.${'A'.repeat(43)}`)).status).to.equal(403);
      const other = preCookie(await request(ctx.app).get('/').expect(200))!.split(';')[0]!;
      expect((await send(other)).status).to.equal(403);
      expect((await send(cookie)).status).to.equal(303);
      expect((await ctx.db.knex('users').where({ id: user.id }).first()).last_login_at).not.to.equal(null);
    });

    it('is not accepted once logged in: the session\'s own token is', async () => {
      const user = await createUser(ctx.db.knex);
      const agent = request.agent(ctx.app);
      const before = csrfFrom((await agent.get('/').expect(200)).text);
      await agent.post('/acceso').type('form').send({ _csrf: before, loginId: user.loginId, password: user.password }).expect(303);
      await agent.post('/ajustes/idioma').set('x-csrf-token', before).type('form').send({ language: 'ca' }).expect(403);
      // logging out ends the session; the visitor's cookie token works again for the next login
      const settings = csrfFrom((await agent.get('/ajustes').expect(200)).text);
      await agent.post('/salir').type('form').send({ _csrf: settings }).expect(303);
      const home = csrfFrom((await agent.get('/').expect(200)).text);
      await agent.post('/acceso').type('form').send({ _csrf: home, loginId: user.loginId, password: user.password }).expect(303);
    });
  });
});

