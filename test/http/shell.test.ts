import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../support/context';

describe('portal shell', () => {
  it('serves the home page in Spanish by default with the login form', async () => {
    const { app } = await testContext();
    const res = await request(app).get('/').expect(200);
    expect(res.headers['content-type']).to.match(/text\/html/);
    expect(res.text).to.include('<html lang="es">');
    expect(res.text).to.include('Poner el NIF sin puntos ni guiones. Ej: 02356126X');
    expect(res.text).to.include('name="loginId"');
    expect(res.text).to.include('name="_csrf"');
  });

  it('follows Accept-Language to Catalan', async () => {
    const { app } = await testContext();
    const res = await request(app).get('/').set('Accept-Language', 'ca-ES,ca;q=0.9').expect(200);
    expect(res.text).to.include('<html lang="ca">');
    expect(res.text).to.include('Introdueix el NIF sense punts ni guions');
  });

  it('switches language with a CSRF-protected form and remembers it', async () => {
    const { app } = await testContext();
    const agent = request.agent(app);
    const page = await agent.get('/').expect(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const res = await agent.post('/idioma').type('form').send({ _csrf: token, lang: 'ca', next: '/' }).expect(303);
    expect(res.headers.location).to.equal('/');
    const again = await agent.get('/').expect(200);
    expect(again.text).to.include('<html lang="ca">');
  });

  it('refuses a state change without a CSRF token', async () => {
    const { app } = await testContext();
    // with the session cookie of a page already seen: without any cookie the page says to allow cookies
    const agent = request.agent(app);
    await agent.get('/').expect(200);
    const res = await agent.post('/idioma').type('form').send({ lang: 'ca' }).expect(403);
    expect(res.text).to.include('El formulario ha caducado');
  });

  it('never redirects to another site after switching language', async () => {
    const { app } = await testContext();
    const agent = request.agent(app);
    const page = await agent.get('/');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const res = await agent.post('/idioma').type('form').send({ _csrf: token, lang: 'es', next: '//evil.example/' }).expect(303);
    expect(res.headers.location).to.equal('/');
  });

  it('answers unknown routes with a translated 404 page', async () => {
    const { app } = await testContext();
    const res = await request(app).get('/no-existe').expect(404);
    expect(res.text).to.include('No encontramos esta página');
    const ca = await request(app).get('/no-existe').set('Accept-Language', 'ca').expect(404);
    expect(ca.text).to.include('No trobem aquesta pàgina');
  });

  it('answers a malformed JSON body with a 400 page, not a 500', async () => {
    const { app } = await testContext();
    const res = await request(app).post('/idioma').set('Content-Type', 'application/json').set('Accept', 'text/html').send('{"lang": ').expect(400);
    expect(res.text).to.include('No hemos podido entender la petición');
  });

  it('answers an oversized body with a 413 page', async () => {
    const { app } = await testContext();
    const res = await request(app).post('/idioma').type('form').set('Accept', 'text/html').send(`lang=${'a'.repeat(200 * 1024)}`).expect(413);
    expect(res.text).to.include('demasiado grandes');
  });

  it('reports the database state on /healthz', async () => {
    const { app } = await testContext();
    const res = await request(app).get('/healthz').expect(200);
    expect(res.body).to.include({ status: 'ok', database: 'up' });
    expect(res.headers['set-cookie']).to.equal(undefined);
  });

  it('sends a strict content security policy and no inline script', async () => {
    const { app } = await testContext();
    const res = await request(app).get('/').expect(200);
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).to.include("script-src 'self'");
    expect(csp).to.include("object-src 'none'");
    expect(csp).to.include("base-uri 'none'");
    expect(res.text).not.to.match(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.to.match(/\son[a-z]+="/);
  });

  it('serves the pinned htmx 2.0 locally', async () => {
    const { app } = await testContext();
    const res = await request(app).get('/static/vendor/htmx.min.js').expect(200);
    expect(res.text).to.match(/version:"2\.0\.\d+"/);
    await request(app).get('/static/app.css').expect(200);
  });

  it('marks the session cookie and the visitor\'s token cookie HttpOnly and SameSite=Lax', async () => {
    const { app } = await testContext();
    const home = await request(app).get('/').expect(200);
    const stored = await request(app).get('/ajustes').expect(303);
    const find = (res: request.Response, name: string) => ([] as string[]).concat(res.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith(`${name}=`));
    for (const cookie of [find(home, 'ac.pre'), find(stored, 'ac.sid')]) {
      expect(cookie).to.be.a('string');
      expect(cookie).to.match(/HttpOnly/i);
      expect(cookie).to.match(/SameSite=Lax/i);
    }
  });
});
