/**
 * Issue 13: time limits that respect people (WCAG 2.2.1), pages that survive Back/Forward,
 * and error summaries that say which field is wrong.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import { createHousehold, csrfFrom, loginAs, pageText, resetThrottles } from '../support/factories';
import { tinyPdf } from '../support/multipart';

const MIN = 60_000;
const DESCRIPTION = 'La lectura de octubre no coincide con la de mi contador: 12345 kWh & "estimada" <sin revisar>.';

function cookieNamed(res: request.Response, name: string): string | undefined {
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
}

describe('session time, form replay, history restore and error summaries', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let start: Date;
  before(async () => {
    ctx = await testContext();
  });
  beforeEach(async () => {
    start = ctx.clock.now();
    await resetThrottles(ctx.db.knex);
  });
  afterEach(() => ctx.clock.set(start));

  it('tells logged-in pages how long the session has left, and "Seguir conectado" starts the idle time again', async () => {
    const h = await createHousehold(ctx.db.knex);
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const page = await agent.get('/ajustes').expect(200);
    expect(page.text).to.match(/<dialog id="session-warning"[^>]*data-seconds-left="900"/);
    expect(page.headers['x-session-seconds-left']).to.equal('900');
    const token = csrfFrom(page.text);

    ctx.clock.advance(14 * MIN);
    await agent.post('/sesion/seguir').expect(403); // no token: refused like any state change
    const kept = await agent.post('/sesion/seguir').set('x-csrf-token', token).expect(204);
    expect(kept.headers['x-session-seconds-left']).to.equal('900');
    ctx.clock.advance(14 * MIN);
    await agent.get('/ajustes').expect(200);

    // a public page has no warning
    const anonymous = await request(ctx.app).get('/').expect(200);
    expect(anonymous.text).not.to.include('session-warning');
  });

  it('states the limit on long forms, for people without JavaScript', async () => {
    const h = await createHousehold(ctx.db.knex);
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const page = await agent.get(`/contratos/${h.supply.contractId}/reclamacion`).expect(200);
    expect(pageText(page.text)).to.include('tu sesión se cierra tras 15 minutos sin actividad');
  });

  it('keeps a complaint sent after the session expired and fills it in again after the same person logs in', async () => {
    const h = await createHousehold(ctx.db.knex);
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const path = `/contratos/${h.supply.contractId}/reclamacion`;
    const form = await agent.get(path).expect(200);
    ctx.clock.advance(16 * MIN);

    // as a browser sends it: the token and the text first, then the file
    const res = await agent.post(path).set('Referer', `http://127.0.0.1${path}`)
      .field('_csrf', csrfFrom(form.text)).field('category', 'billing').field('description', DESCRIPTION)
      .attach('attachments', tinyPdf(), { filename: 'factura.pdf', contentType: 'application/pdf' });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/sesion-caducada');
    const cookie = cookieNamed(res, 'ac.replay');
    expect(cookie).to.match(/HttpOnly/i);
    // never in the URL, never the file
    expect(res.headers.location).not.to.include('replay');
    const rows = await ctx.db.knex('form_replays').where({ user_id: h.user.id });
    expect(rows).to.have.length(1);
    expect(JSON.stringify(rows[0].fields)).not.to.include('%PDF');
    expect(JSON.stringify(rows[0].fields)).not.to.include('_csrf');

    const expired = await agent.get('/sesion-caducada').expect(200);
    const login = await agent.post('/acceso').type('form').send({ _csrf: csrfFrom(expired.text), loginId: h.user.loginId, password: h.user.password });
    expect(login.status).to.equal(303);
    const first = await agent.get(login.headers.location!).redirects(0);
    expect(first.status).to.equal(303);
    expect(first.headers.location).to.equal(path);
    const back = await agent.get(path).expect(200);
    expect(back.text).to.include('Hemos recuperado lo que escribiste');
    expect(back.text).to.include('<textarea id="f-description" name="description"');
    expect(back.text).to.include('12345 kWh &amp; &quot;estimada&quot; &lt;sin revisar&gt;.</textarea>');
    expect(back.text).to.match(/<input type="radio" id="f-category" name="category" value="billing" checked>/);
    // once: the kept form is gone
    expect(await ctx.db.knex('form_replays').where({ user_id: h.user.id })).to.have.length(0);
    const again = await agent.get(path).expect(200);
    expect(again.text).not.to.include('estimada');
  });

  it('never shows a kept form to somebody else logging in on the same browser, and never keeps passwords', async () => {
    const a = await createHousehold(ctx.db.knex);
    const b = await createHousehold(ctx.db.knex);
    const agent = await loginAs(request.agent(ctx.app), a.user.loginId, a.user.password);
    const settings = await agent.get('/ajustes').expect(200);
    ctx.clock.advance(16 * MIN);
    const res = await agent.post('/ajustes/email').type('form')
      .send({ _csrf: csrfFrom(settings.text), newEmail: 'nuevo@example.com', emailPassword: a.user.password });
    expect(res.headers.location).to.equal('/sesion-caducada');
    const [row] = await ctx.db.knex('form_replays').where({ user_id: a.user.id });
    expect(row.fields).to.deep.equal({ newEmail: 'nuevo@example.com' });

    const expired = await agent.get('/sesion-caducada').expect(200);
    await agent.post('/acceso').type('form').send({ _csrf: csrfFrom(expired.text), loginId: b.user.loginId, password: b.user.password }).expect(303);
    await agent.get('/suministros').expect(200);
    expect(await ctx.db.knex('form_replays').where({ user_id: a.user.id })).to.have.length(0);
  });

  it('answers a history restore (Back/Forward) with the whole page, not the htmx fragment', async () => {
    const h = await createHousehold(ctx.db.knex);
    const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    const path = `/contratos/${h.supply.contractId}/facturas?anio=2026`;
    const fragment = await agent.get(path).set('HX-Request', 'true').expect(200);
    expect(fragment.text.trim().startsWith('<div id="invoice-table">')).to.equal(true);
    const restored = await agent.get(path).set('HX-Request', 'true').set('HX-History-Restore-Request', 'true').expect(200);
    expect(restored.text).to.match(/^<!doctype html>/);
    expect(restored.text).to.include('<header class="site-header">');
    expect(restored.text).to.match(/<h1>Facturas<\/h1>/);
    expect(restored.text).to.include('<form method="get" action="/contratos/');
    expect(restored.headers.vary).to.match(/HX-History-Restore-Request/);
  });

  it('names the field in every error-summary link, says "Error:" in the title and focuses the summary', async () => {
    const agent = request.agent(ctx.app);
    const page = await agent.get('/registro/hogar').expect(200);
    const res = await agent.post('/registro/hogar').type('form').send({ _csrf: csrfFrom(page.text) });
    const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(res.text)?.[0] ?? '';
    expect(summary).to.include('autofocus');
    const links = [...summary.matchAll(/<a href="#([^"]+)">([^<]+)<\/a>/g)].map((m) => m[2]!);
    expect(links.length).to.be.greaterThan(2);
    for (const l of links) expect(l).to.match(/^[^:]+: \S/);
    expect(new Set(links).size).to.equal(links.length);
    expect(/<title>([^<]*)<\/title>/.exec(res.text)?.[1]).to.match(/^Error: /);
  });
});
