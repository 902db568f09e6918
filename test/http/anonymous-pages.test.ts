import { expect } from 'chai';
import request from 'supertest';
import type { Eta } from 'eta';
import { testContext, type TestContext } from '../support/context';
import { createUser, csrfFrom, resetThrottles } from '../support/factories';
import { cookieValues } from '../../src/web/middleware/anonymous-pages';

/** The header names the two ways may differ in: the clock and the visitor's own cookie. */
const PER_REQUEST = new Set(['date', 'set-cookie']);

function sameHeaders(res: request.Response): Record<string, string> {
  return Object.fromEntries(Object.entries(res.headers as Record<string, string>).filter(([k]) => !PER_REQUEST.has(k)));
}

const TOKEN = /[0-9a-f]{64}/g;

describe('anonymous pages: the home page kept per language, the token put back per visitor', () => {
  let ctx: TestContext;
  let renders = 0;
  let original: (...args: Parameters<Eta['render']>) => string;
  let unwrapped: Eta['render'];
  before(async () => {
    ctx = await testContext();
    const eta = ctx.app.locals.eta as Eta;
    unwrapped = eta.render;
    original = (...args) => unwrapped.apply(eta, args);
    // includes are rendered through the same method: count the home page itself
    eta.render = ((...args: Parameters<Eta['render']>) => {
      if (args[0] === 'home/index') renders += 1;
      return original(...args);
    }) as Eta['render'];
  });
  after(() => {
    (ctx.app.locals.eta as Eta).render = unwrapped;
  });
  beforeEach(async () => {
    await resetThrottles(ctx.db.knex);
    // a kept page lasts a second in development: move past it so each test starts with none
    ctx.clock.advance(5_000);
  });

  it('renders the first visit the ordinary way and serves the next ones the same page without rendering', async () => {
    const before = renders;
    const first = await request(ctx.app).get('/').expect(200);
    expect(renders).to.equal(before + 1);
    const second = await request(ctx.app).get('/').expect(200);
    const third = await request(ctx.app).get('/').expect(200);
    expect(renders, 'served without rendering').to.equal(before + 1);
    expect(second.text.replace(TOKEN, 'T')).to.equal(first.text.replace(TOKEN, 'T'));
    expect(sameHeaders(second)).to.deep.equal(sameHeaders(first));
    // each visitor without a cookie gets a token of its own, in the page and in its cookie
    const tokens = [first, second, third].map((r) => csrfFrom(r.text));
    expect(new Set(tokens).size).to.equal(3);
    for (const [i, r] of [first, second, third].entries()) {
      const cookie = (r.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('ac.pre='))!;
      expect(cookie).to.match(new RegExp(`^ac\\.pre=${tokens[i]}\\.`));
      expect(cookie).to.include('HttpOnly').and.include('SameSite=Lax');
      expect(r.text.match(TOKEN)!.every((t) => t === tokens[i])).to.equal(true);
    }
    expect(first.headers['vary']).to.include('Accept-Language').and.include('HX-Request');
    expect(first.headers['cache-control']).to.equal('no-store');
  });

  it('gives a visitor back the token of its signed cookie, and a new one for a forged cookie', async () => {
    await request(ctx.app).get('/').expect(200);
    const agent = request.agent(ctx.app);
    const token = csrfFrom((await agent.get('/').expect(200)).text);
    const again = await agent.get('/').expect(200);
    expect(again.headers['set-cookie']).to.equal(undefined);
    expect(csrfFrom(again.text)).to.equal(token);
    const forged = await request(ctx.app).get('/').set('Cookie', `ac.pre=${token}.forged`).expect(200);
    expect(csrfFrom(forged.text)).not.to.equal(token);
    expect(String(forged.headers['set-cookie'])).to.match(/^ac\.pre=/);
  });

  it('the token of a kept page logs the visitor in', async () => {
    await request(ctx.app).get('/').expect(200);
    const user = await createUser(ctx.db.knex);
    const agent = request.agent(ctx.app);
    const before = renders;
    const token = csrfFrom((await agent.get('/').expect(200)).text);
    expect(renders, 'the kept page').to.equal(before);
    await agent.post('/acceso').type('form').send({ _csrf: token, loginId: user.loginId, password: user.password })
      .expect(303).expect('Location', '/suministros');
    // logged in: the home page goes the ordinary way, which sends a user to their supplies
    await agent.get('/').expect(303).expect('Location', '/suministros');
  });

  it('keeps one page per language: the cookie, then the browser languages', async () => {
    const ca = await request(ctx.app).get('/').set('Accept-Language', 'ca-ES,ca;q=0.9').expect(200);
    const caAgain = await request(ctx.app).get('/').set('Accept-Language', 'ca-ES,ca;q=0.9').expect(200);
    const es = await request(ctx.app).get('/').set('Accept-Language', 'ca').set('Cookie', 'lang=es').expect(200);
    for (const r of [ca, caAgain]) expect(r.text).to.include('<html lang="ca"');
    expect(es.text).to.include('<html lang="es"');
  });

  it('goes the ordinary way with a query string, an htmx request or a session cookie', async () => {
    await request(ctx.app).get('/').expect(200);
    const sessionCookie = ctx.app.locals.sessionCookieName as string;
    for (const [what, send] of [
      ['query', () => request(ctx.app).get('/?salida=1')],
      ['htmx', () => request(ctx.app).get('/').set('HX-Request', 'true')],
      ['session cookie', () => request(ctx.app).get('/').set('Cookie', `${sessionCookie}=s%3Aunknown.sig`)],
    ] as const) {
      const before = renders;
      await send().expect(200);
      expect(renders, what).to.equal(before + 1);
    }
    const loggedOut = await request(ctx.app).get('/?salida=1').expect(200);
    const plain = await request(ctx.app).get('/').expect(200);
    expect(loggedOut.text.replace(TOKEN, 'T')).not.to.equal(plain.text.replace(TOKEN, 'T'));
  });

  it('renders again once a kept page is older than a second in development', async () => {
    await request(ctx.app).get('/').expect(200);
    const before = renders;
    await request(ctx.app).get('/').expect(200);
    ctx.clock.advance(1_001);
    await request(ctx.app).get('/').expect(200);
    expect(renders).to.equal(before + 1);
  });

  it('reads cookie headers as cookie-parser does', () => {
    const cases: [string | undefined, Record<string, string>][] = [
      [undefined, {}],
      ['', {}],
      ['a=1', { a: '1' }],
      ['a=1; b=2;c=3', { a: '1', b: '2', c: '3' }],
      ['a=1; a=2', { a: '1' }],
      ['a="quoted"', { a: 'quoted' }],
      ['a=%C3%B1; b=%E0%A4%A', { a: 'ñ', b: '%E0%A4%A' }],
      ['novalue; a=1', { a: '1' }],
      [' spaced = v ', { spaced: 'v' }],
    ];
    for (const [header, expected] of cases) {
      expect(Object.fromEntries(cookieValues(header)), String(header)).to.deep.equal(expected);
    }
  });
});
