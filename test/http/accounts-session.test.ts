/**
 * Session limits (15 min idle, 8 h absolute) and logout. Browsers cannot wait for a session to
 * expire, so the expiry is proven here with the test clock; the e2e scenarios do not cover it.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import { createUser, csrfFrom, loginAs, pageText, resetThrottles, type Agent } from '../support/factories';

const MIN = 60_000;
const IDLE_TEXT = 'Tras un tiempo de inactividad tu sesión de usuario ha caducado. Por motivos de seguridad y privacidad te recomendamos que cuando termines de realizar las consultas sobre tus consumos y facturas pulses la opción Cerrar sesión.';
const ABSOLUTE_TEXT = 'Por seguridad, una sesión dura como máximo 8 horas aunque la sigas usando, y ese tiempo ha pasado.';

function cookieOf(res: request.Response): string {
  const c = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((x) => x.startsWith('ac.sid='));
  if (!c) throw new Error('no session cookie');
  return c.split(';')[0]!;
}

async function loginAgain(agent: Agent, page: request.Response, loginId: string, password: string) {
  return agent.post('/acceso').type('form').send({ _csrf: csrfFrom(page.text), loginId, password });
}

describe('accounts: session expiry and logout', () => {
  let ctx: TestContext;
  let start: Date;
  before(async () => {
    ctx = await testContext();
  });
  beforeEach(async () => {
    start = ctx.clock.now();
    await resetThrottles(ctx.db.knex);
  });
  // other suites share the clock: put it back where it was
  afterEach(() => ctx.clock.set(start));

  it('keeps a session exactly at the 15-minute idle limit, and activity moves the limit', async () => {
    const user = await createUser(ctx.db.knex);
    const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
    ctx.clock.advance(15 * MIN);
    await agent.get('/ajustes').expect(200);
    // activity moves the idle limit
    ctx.clock.advance(15 * MIN);
    await agent.get('/ajustes').expect(200);
  });

  it('ends a session idle for more than 15 minutes, explains why and returns to the page after logging in', async () => {
    const user = await createUser(ctx.db.knex);
    const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
    ctx.clock.advance(10 * MIN);
    await agent.get('/ajustes').expect(200);
    ctx.clock.advance(15 * MIN + 1000);
    const res = await agent.get('/ajustes/accesos').expect(303);
    expect(res.headers.location).to.equal('/sesion-caducada');

    const page = await agent.get('/sesion-caducada').expect(200);
    const text = pageText(page.text);
    expect(text).to.include('Tu sesión ha caducado');
    expect(text).to.include(IDLE_TEXT);
    expect(text).to.include('Vuelve a introducir tu NIF y contraseña para continuar donde lo dejaste.');
    expect(page.text).to.include('name="loginId"');
    // nothing of the old session is left on the server
    const sessions = (await ctx.db.knex('sessions').select('sess')).map((s) => (typeof s.sess === 'string' ? JSON.parse(s.sess) : s.sess));
    expect(sessions.filter((s) => s.userId === user.id)).to.have.length(0);

    const back = await loginAgain(agent, page, user.loginId, user.password);
    expect(back.status).to.equal(303);
    expect(back.headers.location).to.equal('/ajustes/accesos');
    await agent.get('/ajustes/accesos').expect(200);
  });

  it('ends a session 8 hours after login even when it is used all the time, and says so', async () => {
    const user = await createUser(ctx.db.knex);
    const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
    let elapsed = 0;
    while (elapsed + 14 * MIN <= 8 * 60 * MIN) {
      ctx.clock.advance(14 * MIN);
      elapsed += 14 * MIN;
      await agent.get('/suministros').expect(200);
    }
    ctx.clock.advance(8 * 60 * MIN - elapsed);
    await agent.get('/suministros').expect(200); // exactly 8 h: still valid
    ctx.clock.advance(1000);
    const res = await agent.get('/ajustes').expect(303);
    expect(res.headers.location).to.equal('/sesion-caducada?motivo=limite');
    const page = await agent.get('/sesion-caducada?motivo=limite').expect(200);
    expect(pageText(page.text)).to.include(ABSOLUTE_TEXT);
    expect(pageText(page.text)).not.to.include('Tras un tiempo de inactividad');
    const back = await loginAgain(agent, page, user.loginId, user.password);
    expect(back.headers.location).to.equal('/ajustes');
  });

  it('answers an htmx request on an expired session with HX-Redirect to the explanation', async () => {
    const user = await createUser(ctx.db.knex);
    const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
    ctx.clock.advance(16 * MIN);
    const res = await agent.get('/suministros').set('HX-Request', 'true').set('HX-Boosted', 'true').expect(204);
    expect(res.headers['hx-redirect']).to.equal('/sesion-caducada');
    const page = await agent.get('/sesion-caducada').expect(200);
    // a boosted navigation is a page like any other: come back to it
    const back = await loginAgain(agent, page, user.loginId, user.password);
    expect(back.headers.location).to.equal('/suministros');
  });

  it('returns to the page an expired htmx fragment was asked from, never to another site', async () => {
    for (const [current, expected] of [['http://portal.example/ajustes/accesos', '/ajustes/accesos'], ['http://evil.example/robar', '/suministros']] as const) {
      await resetThrottles(ctx.db.knex);
      const user = await createUser(ctx.db.knex);
      const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
      ctx.clock.advance(16 * MIN);
      const res = await agent.get('/suministros?fragmento=1').set('Host', 'portal.example').set('HX-Request', 'true').set('HX-Current-URL', current).expect(204);
      expect(res.headers['hx-redirect']).to.equal('/sesion-caducada');
      const page = await agent.get('/sesion-caducada').expect(200);
      const back = await loginAgain(agent, page, user.loginId, user.password);
      expect(back.headers.location, current).to.equal(expected);
    }
  });

  it('explains the expiry in Catalan too', async () => {
    const page = await request(ctx.app).get('/sesion-caducada').set('Accept-Language', 'ca').expect(200);
    expect(pageText(page.text)).to.include('Després d’un temps d’inactivitat la teva sessió d’usuari ha caducat.');
    const absolute = await request(ctx.app).get('/sesion-caducada?motivo=limite').set('Accept-Language', 'ca').expect(200);
    expect(pageText(absolute.text)).to.include('Per seguretat, una sessió dura com a màxim 8 hores');
  });

  it('sends a visitor to the login form and back to the page asked for', async () => {
    const user = await createUser(ctx.db.knex);
    const agent = request.agent(ctx.app);
    await agent.get('/ajustes/accesos').expect(303).expect('Location', '/');
    await resetThrottles(ctx.db.knex);
    const page = await agent.get('/acceso').expect(200);
    const res = await loginAgain(agent, page, user.loginId, user.password);
    expect(res.headers.location).to.equal('/ajustes/accesos');
  });

  it('logout destroys the session on the server: the old cookie no longer works', async () => {
    const user = await createUser(ctx.db.knex);
    const agent = request.agent(ctx.app);
    const form = await agent.get('/acceso');
    const login = await agent.post('/acceso').type('form').send({ _csrf: csrfFrom(form.text), loginId: user.loginId, password: user.password }).expect(303);
    const cookie = cookieOf(login);
    const settings = await agent.get('/ajustes').expect(200);
    expect(settings.text).to.include('action="/salir"');

    const out = await agent.post('/salir').type('form').send({ _csrf: csrfFrom(settings.text) }).expect(303);
    expect(out.headers.location).to.equal('/?salida=1');
    expect(([] as string[]).concat(out.headers['set-cookie'] ?? []).some((c) => /^ac\.sid=;/.test(c))).to.equal(true);
    const bye = await agent.get('/?salida=1').expect(200);
    expect(pageText(bye.text)).to.include('Has cerrado sesión. Gracias por usar el Área Clientes.');

    const sid = decodeURIComponent(cookie.slice('ac.sid='.length)).replace(/^s:/, '').split('.')[0]!;
    expect(await ctx.db.knex('sessions').where({ sid })).to.have.length(0);
    await request(ctx.app).get('/ajustes').set('Cookie', cookie).expect(303).expect('Location', '/');
    expect(await ctx.db.knex('audit_log').where({ action: 'logout', actor_id: user.id })).to.have.length(1);
  });

  it('refuses a logout without the CSRF token and keeps the session', async () => {
    const user = await createUser(ctx.db.knex);
    const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
    await agent.post('/salir').type('form').send({}).expect(403);
    await agent.get('/ajustes').expect(200);
  });
});
