import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import { createUser, csrfFrom, linkIn, mailsTo, pageText, resetThrottles, uniqueNif, type Agent } from '../support/factories';

const WRONG = 'Clave-Equivocada-Total-9';
const CREDENTIALS = 'El usuario o contraseña no son correctos.';
const LOCK_HINT = 'Si tras varios intentos no has podido acceder, es posible que tu usuario esté bloqueado.';

function sid(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith('ac.sid='))?.split(';')[0];
}

async function attempt(agent: Agent, loginId: string, password: string) {
  const page = await agent.get('/acceso');
  return agent.post('/acceso').type('form').send({ _csrf: csrfFrom(page.text), loginId, password });
}

describe('accounts: login, lockout and throttling', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testContext();
  });
  beforeEach(() => resetThrottles(ctx.db.knex));

  it('logs in with NIF and password, regenerates the session id and records the login', async () => {
    const user = await createUser(ctx.db.knex);
    const agent = request.agent(ctx.app);
    // the login form alone stores no session; a page that wants a login stores where to come back
    const page = await agent.get('/acceso').expect(200);
    expect(sid(page)).to.equal(undefined);
    const before = sid(await agent.get('/ajustes').expect(303));
    expect(before).to.be.a('string');
    const res = await agent.post('/acceso').type('form').send({ _csrf: csrfFrom(page.text), loginId: user.loginId, password: user.password }).expect(303);
    expect(res.headers.location).to.equal('/ajustes');
    const after = sid(res);
    expect(after).to.be.a('string');
    expect(after).not.to.equal(before);

    const home = await agent.get('/suministros').expect(200);
    expect(pageText(home.text)).to.include(`Hola, ${user.firstName}.`);
    await agent.get('/acceso').expect(303).expect('Location', '/suministros');
    // the pre-login session id was thrown away: it does not carry the login
    await request(ctx.app).get('/suministros').set('Cookie', before!).expect(303).expect('Location', '/');

    const row = await ctx.db.knex('users').where({ id: user.id }).first();
    expect(row.failed_logins).to.equal(0);
    expect(new Date(row.last_login_at).getTime()).to.equal(ctx.clock.now().getTime());
    const history = await ctx.db.knex('login_history').where({ user_id: user.id });
    expect(history.map((h) => h.success)).to.deep.equal([true]);
    const audit = await ctx.db.knex('audit_log').where({ action: 'login.success', actor_id: user.id });
    expect(audit).to.have.length(1);
    expect(audit[0].actor_type).to.equal('user');
  });

  // issue 12, item 18: timing must not tell ids apart, so both paths run the same statements
  it('runs the same SQL statements for an unknown id as for a known id with a wrong password', async () => {
    const user = await createUser(ctx.db.knex);
    const statements = async (loginId: string) => {
      const agent = request.agent(ctx.app);
      const page = await agent.get('/acceso');
      const seen: string[] = [];
      const listener = (q: { sql: string }) => seen.push(q.sql.replace(/\s+/g, ' ').trim());
      ctx.db.knex.on('query', listener);
      try {
        const res = await agent.post('/acceso').type('form').send({ _csrf: csrfFrom(page.text), loginId, password: WRONG });
        expect(res.status).to.equal(401);
      } finally {
        ctx.db.knex.removeListener('query', listener);
      }
      return seen;
    };
    const known = await statements(user.loginId);
    const unknown = await statements(uniqueNif());
    expect(known.length).to.be.greaterThan(3);
    expect(unknown).to.deep.equal(known);
  });

  it('accepts the NIF typed in lower case or with dots and dashes', async () => {
    const user = await createUser(ctx.db.knex);
    const typed = `${user.loginId.slice(0, 2)}.${user.loginId.slice(2, 5)}.${user.loginId.slice(5, 8)}-${user.loginId.slice(8).toLowerCase()}`;
    const res = await attempt(request.agent(ctx.app), typed, user.password);
    expect(res.status).to.equal(303);
  });

  it('refuses a CIF with the seeds\' explanation and a link to the business page', async () => {
    const res = await attempt(request.agent(ctx.app), 'B81234569', 'cualquier-cosa');
    expect(res.status).to.equal(422);
    const text = pageText(res.text);
    expect(text).to.include('A partir de ahora no puedes acceder con CIF (NIF de persona jurídica). Accede con el NIF del representante de la empresa o de la gestoría.');
    expect(text).to.include('No te preocupes: si necesitas ayuda para pasar al NIF del representante, consulta cómo hacerlo.');
    expect(res.text).to.include('<a href="/empresas">Acceso para empresas y gestorías</a>');
    const business = await request(ctx.app).get('/empresas').expect(200);
    expect(pageText(business.text)).to.include('necesitarás identificarte con el NIF del representante legal, y no podrás acceder con el CIF ni con el email');
  });

  it('refuses an email with the seeds\' explanation, in Spanish and in Catalan', async () => {
    const res = await attempt(request.agent(ctx.app), 'gestor@fincas.es', 'cualquier-cosa');
    expect(res.status).to.equal(422);
    expect(pageText(res.text)).to.include('El acceso mediante email ya no está disponible.');
    expect(res.text).to.include('<a href="/empresas">');

    const ca = request.agent(ctx.app);
    const page = await ca.get('/acceso').set('Accept-Language', 'ca');
    const cif = await ca.post('/acceso').set('Accept-Language', 'ca').type('form').send({ _csrf: csrfFrom(page.text), loginId: 'B81234569', password: 'x' });
    expect(cif.status).to.equal(422);
    expect(pageText(cif.text)).to.include("A partir d'ara no pots accedir amb CIF (NIF de persona jurídica).");
  });

  it('shows the seeds\' field messages for a bad format and for empty fields', async () => {
    const format = await attempt(request.agent(ctx.app), '1234', 'x');
    expect(format.status).to.equal(422);
    expect(pageText(format.text)).to.include('Formato de NIF, NIE o Pasaporte incorrecto. Revisa las indicaciones antes de poner contraseña.');
    expect(pageText(format.text)).to.include('Poner el NIF sin puntos ni guiones. Ej: 02356126X');

    const empty = await attempt(request.agent(ctx.app), '', '');
    expect(empty.status).to.equal(422);
    expect(empty.text).to.include('<a href="#f-loginId">NIF, NIE o Pasaporte: Este campo es requerido</a>');
    expect(empty.text).to.include('<a href="#f-password">Contraseña: Este campo es requerido</a>');
  });

  it('gives the same status and page for an unknown user, a wrong password and a locked account', async () => {
    const active = await createUser(ctx.db.knex);
    const locked = await createUser(ctx.db.knex, { status: 'locked' });
    const unknown = uniqueNif();
    // the locked account is tried with its RIGHT password: even that must not show
    const cases = [
      { loginId: unknown, password: WRONG },
      { loginId: active.loginId, password: WRONG },
      { loginId: locked.loginId, password: locked.password },
    ];
    const agents = cases.map(() => request.agent(ctx.app));
    for (let n = 1; n <= 3; n++) {
      const answers = [];
      for (const [i, c] of cases.entries()) {
        const res = await attempt(agents[i]!, c.loginId, c.password);
        const token = csrfFrom(res.text);
        answers.push({ status: res.status, body: res.text.replaceAll(token, 'CSRF').replaceAll(c.loginId, 'LOGIN-ID') });
      }
      expect(answers.map((a) => a.status), `attempt ${n}`).to.deep.equal([401, 401, 401]);
      expect(answers[1]!.body, `attempt ${n}: wrong password vs unknown user`).to.equal(answers[0]!.body);
      expect(answers[2]!.body, `attempt ${n}: locked vs unknown user`).to.equal(answers[0]!.body);
      const text = pageText(answers[0]!.body);
      expect(text).to.include(CREDENTIALS);
      // the seed's hint comes "tras varios intentos": from the third failure in this browser
      if (n < 3) expect(text, `attempt ${n}`).not.to.include(LOCK_HINT);
      else expect(text).to.include(LOCK_HINT);
    }
  });

  it('locks the account after 5 consecutive failures, refuses the right password on the 6th and emails the owner once', async () => {
    const user = await createUser(ctx.db.knex);
    const agent = request.agent(ctx.app);
    for (let i = 1; i <= 4; i++) expect((await attempt(agent, user.loginId, WRONG)).status).to.equal(401);
    let row = await ctx.db.knex('users').where({ id: user.id }).first();
    expect(row.status).to.equal('active');
    expect(row.failed_logins).to.equal(4);
    expect(await mailsTo(ctx.db.knex, user.email)).to.have.length(0);

    const fifth = await attempt(agent, user.loginId, WRONG);
    expect(fifth.status).to.equal(401);
    expect(pageText(fifth.text)).to.include(CREDENTIALS);
    row = await ctx.db.knex('users').where({ id: user.id }).first();
    expect(row.status).to.equal('locked');
    expect(row.failed_logins).to.equal(5);
    expect(new Date(row.locked_at).getTime()).to.equal(ctx.clock.now().getTime());

    const sixth = await attempt(request.agent(ctx.app), user.loginId, user.password);
    expect(sixth.status).to.equal(401);
    expect(pageText(sixth.text)).to.include(CREDENTIALS);
    expect(sixth.headers.location).to.equal(undefined);

    const mails = await mailsTo(ctx.db.knex, user.email);
    expect(mails.map((m) => m.template)).to.deep.equal(['lockout']);
    expect(mails[0]!.subject).to.equal('Tu usuario del Área Clientes se ha bloqueado');
    expect(mails[0]!.text_body).to.include('Tu usuario se ha bloqueado tras varios intentos de acceso fallidos.');
    expect(linkIn(mails[0]!.text_body, '/restablecer')).to.match(/^\/restablecer\?token=[\w-]{43}$/);
    expect(mails[0]!.text_body).not.to.include(user.password);

    const locks = await ctx.db.knex('audit_log').where({ action: 'account.locked', target_id: String(user.id) });
    expect(locks).to.have.length(1);
    const failures = await ctx.db.knex('audit_log').where({ action: 'login.failure', target_id: String(user.id) }).orderBy('id');
    expect(failures.map((f) => f.details.outcome)).to.deep.equal(['bad_credentials', 'bad_credentials', 'bad_credentials', 'bad_credentials', 'bad_credentials', 'locked']);
    const history = await ctx.db.knex('login_history').where({ user_id: user.id });
    expect(history.filter((h) => h.success)).to.have.length(0);
    expect(history).to.have.length(6);
  });

  it('counts only consecutive failures: a successful login starts again from zero', async () => {
    const user = await createUser(ctx.db.knex);
    for (let i = 0; i < 4; i++) await attempt(request.agent(ctx.app), user.loginId, WRONG);
    expect((await attempt(request.agent(ctx.app), user.loginId, user.password)).status).to.equal(303);
    for (let i = 0; i < 4; i++) await attempt(request.agent(ctx.app), user.loginId, WRONG);
    const row = await ctx.db.knex('users').where({ id: user.id }).first();
    expect(row.status).to.equal('active');
    expect(row.failed_logins).to.equal(4);
  });

  it('tells a not-yet-activated user to activate only when the password is right', async () => {
    const user = await createUser(ctx.db.knex, { status: 'pending' });
    const right = await attempt(request.agent(ctx.app), user.loginId, user.password);
    expect(right.status).to.equal(401);
    expect(pageText(right.text)).to.include('Tu usuario todavía no está activado.');
    const wrong = await attempt(request.agent(ctx.app), user.loginId, WRONG);
    expect(wrong.status).to.equal(401);
    expect(pageText(wrong.text)).to.include(CREDENTIALS);
    expect(pageText(wrong.text)).not.to.include('no está activado');
    const row = await ctx.db.knex('users').where({ id: user.id }).first();
    expect(row.status).to.equal('pending');
  });

  it('records a failure for an unknown user without a target', async () => {
    const unknown = uniqueNif();
    const before = await ctx.db.knex('audit_log').where({ action: 'login.failure' }).whereNull('target_id').count<{ count: number }[]>('* as count').first();
    await attempt(request.agent(ctx.app), unknown, WRONG);
    const after = await ctx.db.knex('audit_log').where({ action: 'login.failure' }).whereNull('target_id').orderBy('id', 'desc');
    expect(after.length).to.equal(Number(before!.count) + 1);
    expect(after[0].actor_type).to.equal('anonymous');
    expect(after[0].details).to.deep.equal({ outcome: 'unknown_user' });
  });

  it('does not count successful logins against the address (an office shares one)', async () => {
    const start = ctx.clock.now();
    try {
      const user = await createUser(ctx.db.knex);
      ctx.clock.set(new Date(Math.ceil(start.getTime() / 900_000) * 900_000 + 60_000));
      for (let i = 1; i <= 25; i++) expect((await attempt(request.agent(ctx.app), user.loginId, user.password)).status, `login ${i}`).to.equal(303);
      expect(await ctx.db.knex('rate_limits').where('bucket', 'like', 'login:%')).to.have.length(0);
    } finally {
      ctx.clock.set(start);
    }
  });

  it('throttles login attempts per IP with a 429 page, kept in Postgres, until the window ends', async () => {
    const start = ctx.clock.now();
    try {
      const user = await createUser(ctx.db.knex);
      const agent = request.agent(ctx.app);
      // one fresh window for this test, whatever time it is
      ctx.clock.set(new Date(Math.ceil(start.getTime() / 900_000) * 900_000 + 60_000));
      for (let i = 1; i <= 20; i++) expect((await attempt(agent, uniqueNif(), WRONG)).status, `attempt ${i}`).to.equal(401);
      const blocked = await attempt(request.agent(ctx.app), user.loginId, user.password);
      expect(blocked.status).to.equal(429);
      expect(pageText(blocked.text)).to.include('Has hecho demasiados intentos desde esta conexión. Espera unos minutos antes de volver a intentarlo.');
      const buckets = await ctx.db.knex('rate_limits').where('bucket', 'like', 'login:%');
      expect(buckets.map((b) => b.hits)).to.deep.equal([20]);
      // throttled attempts are not held against the account
      const row = await ctx.db.knex('users').where({ id: user.id }).first();
      expect(row.failed_logins).to.equal(0);
      expect(row.last_login_at).to.equal(null);

      ctx.clock.advance(15 * 60_000);
      expect((await attempt(request.agent(ctx.app), user.loginId, user.password)).status).to.equal(303);
    } finally {
      ctx.clock.set(start);
    }
  });
});
