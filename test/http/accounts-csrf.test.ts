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
});
