import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import { createUser, csrfFrom, lastMailTo, linkIn, loginAs, mailsTo, pageText, resetThrottles, tokenOf, uniqueEmail, type Agent } from '../support/factories';
import { verifyPassword } from '../../src/adapters/passwords';
import { normalizeAnswer } from '../../src/domain/secret-answer';

const NEW_PASSWORD = 'Lavanda-Muralla-Cometa-82';

async function submit(agent: Agent, path: string, fields: Record<string, string>) {
  const page = await agent.get('/ajustes').expect(200);
  return agent.post(path).type('form').send({ _csrf: csrfFrom(page.text), ...fields });
}

async function auditOf(ctx: TestContext, action: string, userId: number) {
  return ctx.db.knex('audit_log').where({ action, actor_id: userId, target_id: String(userId) });
}

describe('accounts: settings', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testContext();
  });
  beforeEach(() => resetThrottles(ctx.db.knex));

  it('needs a logged-in user', async () => {
    for (const path of ['/ajustes', '/ajustes/accesos']) await request(ctx.app).get(path).expect(303).expect('Location', '/');
    const agent = request.agent(ctx.app);
    const home = await agent.get('/');
    await agent.post('/ajustes/idioma').type('form').send({ _csrf: csrfFrom(home.text), language: 'ca' }).expect(303).expect('Location', '/');
  });

  it('shows the user\'s access data', async () => {
    const user = await createUser(ctx.db.knex);
    const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
    const page = await agent.get('/ajustes').expect(200);
    const text = pageText(page.text);
    expect(text).to.include(user.loginId);
    expect(text).to.include(user.email);
    expect(text).to.include('No tienes pregunta secreta. Añádela para poder recuperar la contraseña con ella.');
  });

  describe('password', () => {
    it('counts a wrong current password like a failed login: the 5th locks the account and the address is throttled', async () => {
      const user = await createUser(ctx.db.knex);
      const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
      for (let i = 1; i <= 4; i++) {
        const res = await submit(agent, '/ajustes/contrasena', { currentPassword: `no-es-la-mia-${i}`, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD });
        expect(res.status, `attempt ${i}`).to.equal(422);
      }
      expect((await ctx.db.knex('users').where({ id: user.id }).first()).failed_logins).to.equal(4);
      await submit(agent, '/ajustes/email', { newEmail: uniqueEmail('nuevo'), emailPassword: 'tampoco-es-la-mia' });
      const row = await ctx.db.knex('users').where({ id: user.id }).first();
      expect(row.status).to.equal('locked');
      expect((await lastMailTo(ctx.db.knex, user.email))!.template).to.equal('lockout');
      // a locked user's session ends
      await agent.get('/ajustes').expect(303);
      expect((await ctx.db.knex('rate_limits').where('bucket', 'like', 'login:%').first()).hits).to.equal(5);
    });

    it('stops checking the current password once the address is over the login throttle', async () => {
      const user = await createUser(ctx.db.knex);
      const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
      await submit(agent, '/ajustes/contrasena', { currentPassword: 'no-es-la-mia', password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD });
      await ctx.db.knex('rate_limits').where('bucket', 'like', 'login:%').update({ hits: 20 });
      const res = await submit(agent, '/ajustes/contrasena', { currentPassword: user.password, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD });
      expect(res.status).to.equal(422);
      expect(await verifyPassword((await ctx.db.knex('users').where({ id: user.id }).first()).password_hash, user.password)).to.equal(true);
    });

    it('changes it with the current one, keeps this session, ends the others and tells the owner', async () => {
      const user = await createUser(ctx.db.knex);
      const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
      const other = await loginAs(request.agent(ctx.app), user.loginId, user.password);
      const res = await submit(agent, '/ajustes/contrasena', { currentPassword: user.password, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/ajustes');
      const page = await agent.get('/ajustes').expect(200);
      expect(pageText(page.text)).to.include('Tu contraseña se ha cambiado. Hemos cerrado tus otras sesiones abiertas.');
      await other.get('/ajustes').expect(303).expect('Location', '/');

      const row = await ctx.db.knex('users').where({ id: user.id }).first();
      expect(await verifyPassword(row.password_hash, NEW_PASSWORD)).to.equal(true);
      expect(await auditOf(ctx, 'password.changed', user.id)).to.have.length(1);
      const mail = (await lastMailTo(ctx.db.knex, user.email))!;
      expect(mail.template).to.equal('password_changed');
      expect(mail.subject).to.equal('Tu contraseña del Área Clientes ha cambiado');
      expect(mail.text_body).not.to.include(NEW_PASSWORD);
    });

    it('refuses a wrong current password and a weak or mismatched new one, changing nothing', async () => {
      const user = await createUser(ctx.db.knex);
      const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
      const wrong = await submit(agent, '/ajustes/contrasena', { currentPassword: 'no-es-la-mia-123', password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD });
      expect(wrong.status).to.equal(422);
      expect(wrong.text).to.include('<a href="#f-currentPassword">Contraseña actual: La contraseña actual no es correcta.</a>');
      const weak = await submit(agent, '/ajustes/contrasena', { currentPassword: user.password, password: `${user.loginId}-casa`, passwordConfirm: `${user.loginId}-casa` });
      expect(weak.status).to.equal(422);
      expect(pageText(weak.text)).to.include('La contraseña no puede contener tu NIF, tu nombre, tu email ni palabras de este servicio.');
      const mismatch = await submit(agent, '/ajustes/contrasena', { currentPassword: user.password, password: NEW_PASSWORD, passwordConfirm: 'otra' });
      expect(mismatch.status).to.equal(422);
      expect(pageText(mismatch.text)).to.include('Las contraseñas no coinciden.');
      const row = await ctx.db.knex('users').where({ id: user.id }).first();
      expect(await verifyPassword(row.password_hash, user.password)).to.equal(true);
      expect(await auditOf(ctx, 'password.changed', user.id)).to.have.length(0);
      expect(await mailsTo(ctx.db.knex, user.email)).to.have.length(0);
    });
  });

  describe('email', () => {
    it('needs the password, confirms through a link to the new address and tells the old one', async () => {
      const user = await createUser(ctx.db.knex);
      const newEmail = uniqueEmail('nuevo');
      const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
      const res = await submit(agent, '/ajustes/email', { newEmail, emailPassword: user.password });
      expect(res.status).to.equal(303);
      const page = await agent.get('/ajustes').expect(200);
      expect(pageText(page.text)).to.include(`Te hemos enviado un enlace a ${newEmail}. El cambio se aplicará cuando lo confirmes desde ese email.`);
      expect((await ctx.db.knex('users').where({ id: user.id }).first()).email).to.equal(user.email);
      expect(await auditOf(ctx, 'email.change_requested', user.id)).to.have.length(1);

      const notice = (await lastMailTo(ctx.db.knex, user.email))!;
      expect(notice.template).to.equal('email_change_notice');
      expect(notice.text_body).to.include(`Se ha pedido cambiar el email de tu usuario a ${newEmail}.`);
      expect(notice.text_body).not.to.match(/token=/);
      const confirm = (await lastMailTo(ctx.db.knex, newEmail))!;
      expect(confirm.template).to.equal('email_change_confirm');
      const link = linkIn(confirm.text_body, '/ajustes/email/confirmar');

      // the link may be opened in another browser, not logged in
      const other = request.agent(ctx.app);
      const form = await other.get(link).expect(200);
      const done = await other.post('/ajustes/email/confirmar').type('form').send({ _csrf: csrfFrom(form.text), token: tokenOf(link) }).expect(303);
      expect(done.headers.location).to.equal('/acceso');
      const row = await ctx.db.knex('users').where({ id: user.id }).first();
      expect(row.email).to.equal(newEmail);
      expect(await auditOf(ctx, 'email.changed', user.id)).to.have.length(1);
      expect((await lastMailTo(ctx.db.knex, newEmail))!.template).to.equal('email_changed');

      const replay = await other.post('/ajustes/email/confirmar').type('form').send({ _csrf: csrfFrom(form.text), token: tokenOf(link) }).expect(410);
      expect(pageText(replay.text)).to.include('El enlace no es válido, ya se ha utilizado o ha caducado');
      const settings = await agent.get('/ajustes').expect(200);
      expect(pageText(settings.text)).to.include(newEmail);
    });

    it('refuses a wrong password, an invalid address and the same address', async () => {
      const user = await createUser(ctx.db.knex);
      const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
      const wrong = await submit(agent, '/ajustes/email', { newEmail: uniqueEmail('x'), emailPassword: 'no-es-la-mia-123' });
      expect(wrong.status).to.equal(422);
      expect(wrong.text).to.include('<a href="#f-emailPassword">Contraseña actual: La contraseña actual no es correcta.</a>');
      const invalid = await submit(agent, '/ajustes/email', { newEmail: 'sin-arroba', emailPassword: user.password });
      expect(invalid.status).to.equal(422);
      expect(pageText(invalid.text)).to.include('Escribe un email válido, por ejemplo nombre@dominio.es');
      const same = await submit(agent, '/ajustes/email', { newEmail: user.email.toUpperCase(), emailPassword: user.password });
      expect(same.status).to.equal(422);
      expect(pageText(same.text)).to.include('Es el mismo email que ya tienes.');
      expect(await mailsTo(ctx.db.knex, user.email)).to.have.length(0);
      expect(await auditOf(ctx, 'email.change_requested', user.id)).to.have.length(0);
    });

    it('expires the confirmation link after 24 hours', async () => {
      const start = ctx.clock.now();
      try {
        const user = await createUser(ctx.db.knex);
        const newEmail = uniqueEmail('tarde');
        const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
        await submit(agent, '/ajustes/email', { newEmail, emailPassword: user.password });
        const link = linkIn((await lastMailTo(ctx.db.knex, newEmail))!.text_body, '/ajustes/email/confirmar');
        ctx.clock.advance(24 * 3600_000 + 1000);
        await request(ctx.app).get(link).expect(410);
        expect((await ctx.db.knex('users').where({ id: user.id }).first()).email).to.equal(user.email);
      } finally {
        ctx.clock.set(start);
      }
    });
  });

  describe('language', () => {
    it('is saved for the user: pages now, emails and the next login', async () => {
      const user = await createUser(ctx.db.knex);
      const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
      const res = await submit(agent, '/ajustes/idioma', { language: 'ca' });
      expect(res.status).to.equal(303);
      const page = await agent.get('/ajustes').expect(200);
      expect(page.text).to.include('<html lang="ca">');
      expect(pageText(page.text)).to.include('Hem desat el teu idioma.');
      expect((await ctx.db.knex('users').where({ id: user.id }).first()).language).to.equal('ca');
      const rows = await auditOf(ctx, 'settings.language', user.id);
      expect(rows.map((r) => r.details)).to.deep.equal([{ language: 'ca' }]);

      // a new browser with a Spanish Accept-Language: the user's choice wins after login
      const fresh = await loginAs(request.agent(ctx.app), user.loginId, user.password);
      const again = await fresh.get('/suministros').set('Accept-Language', 'es').expect(200);
      expect(again.text).to.include('<html lang="ca">');

      await submit(agent, '/ajustes/contrasena', { currentPassword: user.password, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD });
      const mail = (await lastMailTo(ctx.db.knex, user.email))!;
      expect(mail.language).to.equal('ca');
      expect(mail.subject).to.equal('La teva contrasenya de l’Àrea Clients ha canviat');
    });

    it('is saved for the user from the header switch too', async () => {
      const user = await createUser(ctx.db.knex);
      const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
      const page = await agent.get('/suministros').expect(200);
      await agent.post('/idioma').type('form').send({ _csrf: csrfFrom(page.text), lang: 'ca', next: '/suministros' }).expect(303).expect('Location', '/suministros');
      expect((await ctx.db.knex('users').where({ id: user.id }).first()).language).to.equal('ca');
      expect((await auditOf(ctx, 'settings.language', user.id)).map((r) => r.details)).to.deep.equal([{ language: 'ca' }]);
      // choosing the same language again changes nothing and writes no audit row
      await agent.post('/idioma').type('form').send({ _csrf: csrfFrom(page.text), lang: 'ca' }).expect(303);
      expect(await auditOf(ctx, 'settings.language', user.id)).to.have.length(1);
    });

    it('refuses an unknown language', async () => {
      const user = await createUser(ctx.db.knex);
      const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
      expect((await submit(agent, '/ajustes/idioma', { language: 'fr' })).status).to.equal(422);
      expect((await ctx.db.knex('users').where({ id: user.id }).first()).language).to.equal('es');
      expect(await auditOf(ctx, 'settings.language', user.id)).to.have.length(0);
    });
  });

  describe('secret question', () => {
    it('saves a question and the hashed, normalised answer with the password, and recovery then asks it', async () => {
      const user = await createUser(ctx.db.knex);
      const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
      const res = await submit(agent, '/ajustes/pregunta', { secretQuestion: 'primary_school', secretAnswer: ' Peñíscola ', questionPassword: user.password });
      expect(res.status).to.equal(303);
      const page = await agent.get('/ajustes').expect(200);
      expect(pageText(page.text)).to.include('Hemos guardado tu pregunta secreta.');
      expect(pageText(page.text)).to.include('Tu pregunta actual: «¿Cuál era el nombre de tu colegio de primaria?».');
      const row = await ctx.db.knex('users').where({ id: user.id }).first();
      expect(row.secret_question).to.equal('primary_school');
      expect(row.secret_answer_hash).not.to.include('Peñíscola');
      expect(await verifyPassword(row.secret_answer_hash, normalizeAnswer('PENISCOLA'))).to.equal(true);
      expect(await auditOf(ctx, 'settings.secret_question', user.id)).to.have.length(1);

      const visitor = request.agent(ctx.app);
      const form = await visitor.get('/recuperar/pregunta');
      const question = await visitor.post('/recuperar/pregunta').type('form').send({ _csrf: csrfFrom(form.text), loginId: user.loginId }).expect(200);
      expect(pageText(question.text)).to.include('¿Cuál era el nombre de tu colegio de primaria?');
    });

    it('refuses it without the password or with a too short question or answer', async () => {
      const user = await createUser(ctx.db.knex);
      const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
      const noPassword = await submit(agent, '/ajustes/pregunta', { secretQuestion: 'primary_school', secretAnswer: 'Peñíscola', questionPassword: '' });
      expect(noPassword.status).to.equal(422);
      expect(noPassword.text).to.include('<a href="#f-questionPassword">Contraseña actual: Este campo es requerido</a>');
      // a question of one's own is refused: only the translated list's keys are accepted
      const short = await submit(agent, '/ajustes/pregunta', { secretQuestion: '¿Y?', secretAnswer: 'no', questionPassword: user.password });
      expect(short.status).to.equal(422);
      expect(pageText(short.text)).to.include('Elige una pregunta de la lista.');
      expect(pageText(short.text)).to.include('La respuesta debe tener al menos 3 caracteres.');
      expect((await ctx.db.knex('users').where({ id: user.id }).first()).secret_question).to.equal(null);
      expect(await auditOf(ctx, 'settings.secret_question', user.id)).to.have.length(0);
    });
  });

  it('lists the user\'s own recent logins, successful and failed ("Últimos accesos")', async () => {
    const user = await createUser(ctx.db.knex);
    const stranger = await createUser(ctx.db.knex);
    const start = ctx.clock.now();
    try {
      for (const [who, password] of [[stranger, 'mala-clave-larga-1'], [user, 'mala-clave-larga-2']] as const) {
        const a = request.agent(ctx.app);
        const p = await a.get('/acceso');
        await a.post('/acceso').type('form').set('User-Agent', 'Navegador-De-Prueba/1.0').send({ _csrf: csrfFrom(p.text), loginId: who.loginId, password });
        ctx.clock.advance(60_000);
      }
      const agent = await loginAs(request.agent(ctx.app).set('User-Agent', 'Otro-Navegador/2.0'), user.loginId, user.password);
      const page = await agent.get('/ajustes/accesos').expect(200);
      const rows = [...page.text.matchAll(/<tr>\s*<td[^>]*>([^<]+)<\/td>\s*<td[^>]*><span class="badge [^"]+">([^<]+)<\/span><\/td>\s*<td[^>]*>([^<]+)<\/td>\s*<td[^>]*>([^<]+)<\/td>/g)].map((m) => [m[2], m[4]]);
      expect(rows).to.deep.equal([['Correcto', 'Otro-Navegador/2.0'], ['Fallido', 'Navegador-De-Prueba/1.0']]);
      expect(pageText(page.text)).to.include('Si ves un acceso que no reconoces, cambia tu contraseña y llámanos.');
    } finally {
      ctx.clock.set(start);
    }
  });
});
