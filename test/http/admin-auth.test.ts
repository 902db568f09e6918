/**
 * The admin section's login: password + TOTP (otplib computes codes at the ManualClock's time),
 * enrolment with recovery codes, lockout, throttling, separate sessions, staff management.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import { createUser, loginAs, pageText, resetThrottles, type Agent } from '../support/factories';
import { createStaff, loginStaff, staffCsrf, totpAt, type StaffFixture } from '../support/staff';

const MIN = 60_000;

function adminCookie(res: request.Response): string | undefined {
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('ac.admin='))?.split(';')[0];
}

async function passwordStep(agent: Agent, staffId: string, password: string): Promise<request.Response> {
  const csrf = await staffCsrf(agent, '/admin/acceso');
  return agent.post('/admin/acceso').type('form').send({ _csrf: csrf, staffId, password });
}

async function codeStep(agent: Agent, code: string): Promise<request.Response> {
  const csrf = await staffCsrf(agent, '/admin/acceso/codigo');
  return agent.post('/admin/acceso/codigo').type('form').send({ _csrf: csrf, code });
}

async function auditActions(ctx: TestContext, staffId: number): Promise<string[]> {
  const rows = await ctx.db.knex('audit_log').where({ target_type: 'staff', target_id: String(staffId) }).orderBy('id');
  return rows.map((r: { action: string }) => r.action);
}

describe('admin: staff login, TOTP and sessions', () => {
  let ctx: TestContext;
  let start: Date;
  before(async () => {
    ctx = await testContext();
  });
  beforeEach(async () => {
    start = ctx.clock.now();
    await resetThrottles(ctx.db.knex);
  });
  afterEach(() => {
    // a later time step than any used here, so replay protection never trips other suites
    if (ctx.clock.now() < start) ctx.clock.set(start);
  });

  describe('enrolment at first login', () => {
    it('shows the QR code and the secret, confirms with a code, shows 10 recovery codes once', async () => {
      const staff = await createStaff(ctx.db.knex, { enrolled: false });
      const agent = request.agent(ctx.app);
      const pw = await passwordStep(agent, staff.staffId, staff.password);
      expect(pw.status).to.equal(303);
      expect(pw.headers.location).to.equal('/admin/alta-2fa');

      // nothing else opens until enrolled
      for (const path of ['/admin', '/admin/personal']) {
        const r = await agent.get(path);
        expect(r.status, path).to.equal(303);
        expect(r.headers.location).to.equal('/admin/alta-2fa');
      }

      const page = await agent.get('/admin/alta-2fa');
      expect(page.status).to.equal(200);
      expect(page.text).to.match(/<img id="totp-qr" src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+"/);
      expect(page.text).not.to.match(/<script(?![^>]*src=)/); // no inline script
      const grouped = /id="totp-secret"[^>]*>([^<]+)</.exec(page.text)![1]!;
      expect(grouped).to.match(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
      const secret = grouped.replace(/ /g, '');
      // the same secret on reload, so a slow scan is not wasted
      expect((await agent.get('/admin/alta-2fa')).text).to.contain(grouped);

      const wrong = await agent.post('/admin/alta-2fa').type('form').send({ _csrf: await staffCsrf(agent, '/admin/alta-2fa'), code: '000000' === await totpAt(secret, ctx.clock.now()) ? '111111' : '000000' });
      expect(wrong.status).to.equal(422);
      expect(wrong.text).to.match(/aria-describedby="[^"]*f-code-error"/);

      const done = await agent.post('/admin/alta-2fa').type('form').send({ _csrf: await staffCsrf(agent, '/admin/alta-2fa'), code: await totpAt(secret, ctx.clock.now()) });
      expect(done.status).to.equal(200);
      expect(done.headers['cache-control']).to.equal('no-store');
      const codes = [...done.text.matchAll(/<li><code>([A-Z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]);
      expect(codes).to.have.length(10);
      expect(new Set(codes).size).to.equal(10);
      expect(pageText(done.text)).to.contain('He guardado los códigos');

      const row = await ctx.db.knex('staff').where({ id: staff.id }).first();
      expect(row.totp_enrolled_at).to.be.instanceOf(Date);
      // the seed is encrypted at rest: a copy of the database cannot generate codes
      expect(row.totp_secret).to.match(/^v1:/).and.not.contain(secret);
      expect(row.recovery_code_hashes).to.have.length(10);
      expect(JSON.stringify(row.recovery_code_hashes)).not.to.contain(codes[0]!.replace(/-/g, ''));

      // shown once: the enrolment page now leads home, which opens
      const again = await agent.get('/admin/alta-2fa');
      expect(again.status).to.equal(303);
      expect(again.headers.location).to.equal('/admin');
      expect((await agent.get('/admin')).status).to.equal(200);
      expect(await auditActions(ctx, staff.id)).to.include.members(['staff.login', 'staff.enrolled']);
    });

    it('the enrolment page needs a session; the code page needs the password first', async () => {
      const anon = request.agent(ctx.app);
      expect((await anon.get('/admin/alta-2fa')).headers.location).to.equal('/admin/acceso');
      expect((await anon.get('/admin/acceso/codigo')).headers.location).to.equal('/admin/acceso');
    });
  });

  describe('login with the second factor', () => {
    let staff: StaffFixture;
    beforeEach(async () => {
      staff = await createStaff(ctx.db.knex, { role: 'agente' });
    });

    it('password then TOTP code opens /admin with a new session id and CSRF token', async () => {
      const agent = request.agent(ctx.app);
      const first = await agent.get('/admin/acceso');
      const cookieBefore = adminCookie(first);
      expect(cookieBefore).to.be.a('string');
      const csrfBefore = await staffCsrf(agent, '/admin/acceso');
      const pw = await agent.post('/admin/acceso').type('form').send({ _csrf: csrfBefore, staffId: staff.staffId, password: staff.password });
      expect(pw.headers.location).to.equal('/admin/acceso/codigo');
      const codePage = await agent.get('/admin/acceso/codigo');
      expect(pageText(codePage.text)).to.contain('Código de verificación');
      const ok = await agent.post('/admin/acceso/codigo').type('form').send({ _csrf: /name="_csrf" value="([^"]+)"/.exec(codePage.text)![1], code: await totpAt(staff.totpSecret!, ctx.clock.now()) });
      expect(ok.status).to.equal(303);
      expect(ok.headers.location).to.equal('/admin');
      const cookieAfter = adminCookie(ok);
      expect(cookieAfter).to.be.a('string').and.not.equal(cookieBefore);
      expect(([] as string[]).concat(ok.headers['set-cookie'] ?? []).join(';')).to.match(/Path=\/admin.*HttpOnly.*SameSite=Strict/i);
      const home = await agent.get('/admin');
      expect(home.status).to.equal(200);
      expect(pageText(home.text)).to.contain('Gestiones abiertas');
      expect(await staffCsrf(agent, '/admin')).not.to.equal(csrfBefore);
      const row = await ctx.db.knex('staff').where({ id: staff.id }).first();
      expect(row.last_login_at).to.be.instanceOf(Date);
      expect(row.totp_last_time_step).to.equal(Math.floor(ctx.clock.now().getTime() / 30_000));
    });

    it('a wrong code is refused, counted, and the page stays on the code step', async () => {
      const agent = request.agent(ctx.app);
      await passwordStep(agent, staff.staffId, staff.password);
      const good = await totpAt(staff.totpSecret!, ctx.clock.now());
      const bad = good === '123456' ? '654321' : '123456';
      const r = await codeStep(agent, bad);
      expect(r.status).to.equal(401);
      expect(pageText(r.text)).to.contain('El código no es correcto');
      expect((await ctx.db.knex('staff').where({ id: staff.id }).first()).failed_logins).to.equal(1);
      expect((await agent.get('/admin')).status).to.equal(303);
      expect(await auditActions(ctx, staff.id)).to.include('staff.login_failed');
      // the right code still works afterwards and resets the counter
      expect((await codeStep(agent, good)).headers.location).to.equal('/admin');
      expect((await ctx.db.knex('staff').where({ id: staff.id }).first()).failed_logins).to.equal(0);
    });

    it('refuses a code replayed within its time step', async () => {
      const code = await totpAt(staff.totpSecret!, ctx.clock.now());
      const a = request.agent(ctx.app);
      await passwordStep(a, staff.staffId, staff.password);
      expect((await codeStep(a, code)).headers.location).to.equal('/admin');
      const b = request.agent(ctx.app);
      await passwordStep(b, staff.staffId, staff.password);
      const replay = await codeStep(b, code);
      expect(replay.status).to.equal(401);
      // the next time step's code works
      ctx.clock.advance(30_000);
      expect((await codeStep(b, await totpAt(staff.totpSecret!, ctx.clock.now()))).headers.location).to.equal('/admin');
    });

    it('a recovery code works once', async () => {
      const code = staff.recoveryCodes[3]!;
      const a = request.agent(ctx.app);
      await passwordStep(a, staff.staffId, staff.password);
      const ok = await codeStep(a, code.toLowerCase().replace(/-/g, ' '));
      expect(ok.headers.location).to.equal('/admin');
      expect(pageText((await a.get('/admin')).text)).to.contain('Te quedan 9');
      expect((await ctx.db.knex('staff').where({ id: staff.id }).first()).recovery_code_hashes).to.have.length(9);
      const b = request.agent(ctx.app);
      await passwordStep(b, staff.staffId, staff.password);
      expect((await codeStep(b, code)).status).to.equal(401);
    });

    it('the code step expires after 5 minutes', async () => {
      const a = request.agent(ctx.app);
      await passwordStep(a, staff.staffId, staff.password);
      ctx.clock.advance(5 * MIN + 1000);
      const r = await a.get('/admin/acceso/codigo');
      expect(r.headers.location).to.equal('/admin/acceso');
    });
  });

  describe('lockout and throttling', () => {
    it('locks after 5 wrong passwords; unknown id, wrong password and locked get the same answer', async () => {
      const staff = await createStaff(ctx.db.knex);
      const answers: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await passwordStep(request.agent(ctx.app), staff.staffId, 'Contraseña-Mala-0000');
        expect(r.status).to.equal(401);
        answers.push(pageText(r.text));
      }
      const row = await ctx.db.knex('staff').where({ id: staff.id }).first();
      expect(row.status).to.equal('locked');
      const locked = await passwordStep(request.agent(ctx.app), staff.staffId, staff.password);
      const unknown = await passwordStep(request.agent(ctx.app), 'nadie.existe', staff.password);
      expect(locked.status).to.equal(401);
      expect(unknown.status).to.equal(401);
      const norm = (t: string) => t.replace(staff.staffId, 'X').replace('nadie.existe', 'X');
      expect(norm(pageText(locked.text))).to.equal(norm(answers[0]!));
      expect(norm(pageText(unknown.text))).to.equal(norm(answers[0]!));
      expect(answers[0]).to.contain('El identificador o la contraseña no son correctos');
      expect(await auditActions(ctx, staff.id)).to.include('staff.locked');
    });

    it('wrong TOTP codes count towards the lockout too', async () => {
      const staff = await createStaff(ctx.db.knex);
      const good = await totpAt(staff.totpSecret!, ctx.clock.now());
      const bad = good === '111111' ? '222222' : '111111';
      const a = request.agent(ctx.app);
      await passwordStep(a, staff.staffId, staff.password);
      for (let i = 0; i < 5; i++) expect((await codeStep(a, bad)).status).to.equal(401);
      expect((await ctx.db.knex('staff').where({ id: staff.id }).first()).status).to.equal('locked');
      // a right code cannot get in now, and looks like any wrong code
      const r = await codeStep(a, good);
      expect(r.status).to.equal(401);
      expect(pageText(r.text)).to.contain('El código no es correcto');
    });

    it('typing the password again does not reset the count of wrong codes', async () => {
      const staff = await createStaff(ctx.db.knex);
      const good = await totpAt(staff.totpSecret!, ctx.clock.now());
      const bad = good === '111111' ? '222222' : '111111';
      for (let round = 0; round < 2; round++) {
        const a = request.agent(ctx.app);
        await passwordStep(a, staff.staffId, staff.password);
        for (let i = 0; i < 3; i++) await codeStep(a, bad);
      }
      expect((await ctx.db.knex('staff').where({ id: staff.id }).first()).status).to.equal('locked');
    });

    it('throttles an IP after 20 attempts with its own key', async () => {
      let last: request.Response | undefined;
      for (let i = 0; i < 21; i++) last = await passwordStep(request.agent(ctx.app), `nadie.${i}`, 'Contraseña-Mala-0000');
      expect(last!.status).to.equal(429);
      expect(pageText(last!.text)).to.contain('Demasiados intentos');
      const row = await ctx.db.knex('rate_limits').where('bucket', 'like', 'admin-login:%').first();
      expect(row).to.not.equal(undefined);
      // the customer login's budget is untouched
      expect(await ctx.db.knex('rate_limits').where('bucket', 'like', 'login:%').first()).to.equal(undefined);
    });

    it('counts failures only: an office of agents logging in from one address is not throttled', async () => {
      ctx.clock.advance(16 * MIN); // a new window, whatever the test before left in it
      for (let i = 0; i < 22; i++) {
        const staff = await createStaff(ctx.db.knex);
        const agent = await loginStaff(request.agent(ctx.app), staff);
        expect((await agent.get('/admin')).status, `login ${i + 1}`).to.equal(200);
      }
      // and failures still are
      let last: request.Response | undefined;
      for (let i = 0; i < 21; i++) last = await passwordStep(request.agent(ctx.app), `nadie.${i}`, 'Contraseña-Mala-0000');
      expect(last!.status).to.equal(429);
    });
  });

  describe('session limits, logout, CSRF', () => {
    it('expires after ADMIN_IDLE_MINUTES (10) idle and says so', async () => {
      const staff = await createStaff(ctx.db.knex);
      const agent = await loginStaff(request.agent(ctx.app), staff);
      ctx.clock.advance(10 * MIN);
      expect((await agent.get('/admin')).status).to.equal(200);
      ctx.clock.advance(10 * MIN + 1000);
      const r = await agent.get('/admin');
      expect(r.status).to.equal(303);
      expect(r.headers.location).to.equal('/admin/acceso?caducada=1');
      const page = await agent.get(r.headers.location!);
      expect(pageText(page.text)).to.contain('tras 10 minutos sin actividad');
      expect((await agent.get('/admin')).headers.location).to.equal('/admin/acceso');
    });

    it('expires 8 hours after login however active', async () => {
      const staff = await createStaff(ctx.db.knex);
      const agent = await loginStaff(request.agent(ctx.app), staff);
      for (let i = 0; i < 70; i++) {
        ctx.clock.advance(8 * MIN);
        const r = await agent.get('/admin');
        if (r.status !== 200) {
          expect(r.headers.location).to.equal('/admin/acceso?caducada=limite');
          expect(i).to.be.greaterThan(55);
          return;
        }
      }
      expect.fail('never expired');
    });

    it('logout destroys the session server-side', async () => {
      const staff = await createStaff(ctx.db.knex);
      const agent = await loginStaff(request.agent(ctx.app), staff);
      const home = await agent.get('/admin');
      const out = await agent.post('/admin/salir').type('form').send({ _csrf: /name="_csrf" value="([^"]+)"/.exec(home.text)![1] });
      expect(out.status).to.equal(303);
      expect(out.headers.location).to.equal('/admin/acceso?salida=1');
      expect(pageText((await agent.get(out.headers.location!)).text)).to.contain('Has cerrado la sesión');
      expect((await agent.get('/admin')).headers.location).to.equal('/admin/acceso');
      expect(await auditActions(ctx, staff.id)).to.include('staff.logout');
      expect(await ctx.db.knex('staff_sessions').whereRaw("(sess->>'staffId')::bigint = ?", [staff.id]).first()).to.equal(undefined);
    });

    it('a POST without the CSRF token is refused with 403', async () => {
      const staff = await createStaff(ctx.db.knex, { role: 'supervisor' });
      const agent = await loginStaff(request.agent(ctx.app), staff);
      const r = await agent.post('/admin/salir').type('form').send({});
      expect(r.status).to.equal(403);
      const r2 = await agent.post('/admin/personal').type('form').send({ staffId: 'x.y.z', reason: 'prueba de csrf' });
      expect(r2.status).to.equal(403);
      expect((await agent.get('/admin')).status).to.equal(200);
      const anon = await request(ctx.app).post('/admin/acceso').type('form').send({ staffId: 'admin', password: 'x' });
      expect(anon.status).to.equal(403);
    });
  });

  describe('separate sessions', () => {
    it('a customer session never opens /admin', async () => {
      const user = await createUser(ctx.db.knex);
      const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
      expect((await agent.get('/suministros')).status).to.equal(200);
      for (const path of ['/admin', '/admin/personal', '/admin/alta-2fa']) {
        const r = await agent.get(path);
        expect(r.status, path).to.equal(303);
        expect(r.headers.location).to.equal('/admin/acceso');
      }
    });

    it('an admin session never opens customer pages', async () => {
      const staff = await createStaff(ctx.db.knex, { role: 'supervisor' });
      const agent = await loginStaff(request.agent(ctx.app), staff);
      expect((await agent.get('/admin')).status).to.equal(200);
      const r = await agent.get('/suministros');
      expect(r.status).to.equal(303);
      expect(r.headers.location).to.equal('/');
      expect((await agent.get('/ajustes')).status).to.equal(303);
    });
  });

  describe('staff management', () => {
    let supervisor: StaffFixture;
    let sup: Agent;
    before(async () => {
      supervisor = await createStaff(ctx.db.knex, { role: 'supervisor' });
    });
    beforeEach(async () => {
      sup = await loginStaff(request.agent(ctx.app), supervisor);
    });

    async function act(memberId: number, action: string, reason: string) {
      const csrf = await staffCsrf(sup, `/admin/personal/${memberId}`);
      return sup.post(`/admin/personal/${memberId}`).type('form').send({ _csrf: csrf, action, reason });
    }

    it('agentes get 403 on every staff page', async () => {
      const agente = await createStaff(ctx.db.knex, { role: 'agente' });
      const a = await loginStaff(request.agent(ctx.app), agente);
      const csrf = await staffCsrf(a, '/admin');
      expect((await a.get('/admin/personal')).status).to.equal(403);
      expect((await a.get('/admin/personal/nuevo')).status).to.equal(403);
      expect((await a.get(`/admin/personal/${supervisor.id}`)).status).to.equal(403);
      expect((await a.post('/admin/personal').type('form').send({ _csrf: csrf })).status).to.equal(403);
      expect((await a.post(`/admin/personal/${supervisor.id}`).type('form').send({ _csrf: csrf, action: 'disable', reason: 'no debería poder' })).status).to.equal(403);
      expect(pageText((await a.get('/admin')).text)).not.to.contain('Personal');
    });

    it('creates a staff member with a generated password shown once, who then enrols', async () => {
      const list = await sup.get('/admin/personal');
      expect(list.status).to.equal(200);
      const csrf = await staffCsrf(sup, '/admin/personal/nuevo');
      const bad = await sup.post('/admin/personal').type('form').send({ _csrf: csrf, staffId: 'N', firstName: 'Nuria', lastName: '', email: 'no', role: 'agente', passwordMode: 'generate', reason: '' });
      expect(bad.status).to.equal(422);
      expect(bad.text).to.contain('value="Nuria"');
      for (const f of ['staffId', 'lastName', 'email', 'reason']) expect(bad.text, f).to.contain(`f-${f}-error`);
      const staffId = `nuria.${process.pid}`;
      const ok = await sup.post('/admin/personal').type('form').send({ _csrf: csrf, staffId, firstName: 'Nuria', lastName: 'Ferrer', email: 'nuria@example.com', role: 'agente', passwordMode: 'generate', reason: 'Nueva incorporación al equipo' });
      expect(ok.status).to.equal(200);
      const password = /id="initial-password"[^>]*>([^<]+)</.exec(ok.text)![1]!;
      expect(password.length).to.be.greaterThan(15);
      const row = await ctx.db.knex('staff').where({ staff_id: staffId }).first();
      expect(row.role).to.equal('agente');
      expect(row.password_hash).to.match(/^\$argon2id\$/);
      const audit = await ctx.db.knex('audit_log').where({ action: 'staff.created', target_id: String(row.id) }).first();
      expect(audit.actor_type).to.equal('staff');
      expect(audit.actor_id).to.equal(supervisor.id);
      expect(audit.details.reason).to.equal('Nueva incorporación al equipo');
      // the same id again is refused
      const dup = await sup.post('/admin/personal').type('form').send({ _csrf: csrf, staffId, firstName: 'Otra', lastName: 'Persona', email: 'otra@example.com', role: 'agente', passwordMode: 'generate', reason: 'Prueba de duplicado' });
      expect(dup.status).to.equal(422);
      const nuria: StaffFixture = { id: row.id, staffId, password, role: 'agente', email: row.email, firstName: 'Nuria', lastName: 'Ferrer', totpSecret: null, recoveryCodes: [] };
      const a = await loginStaff(request.agent(ctx.app), nuria);
      expect(nuria.recoveryCodes).to.have.length(10);
      // the supervisor knows that password: she must choose her own before anything else
      expect((await a.get('/admin').redirects(0)).headers.location).to.equal('/admin/contrasena');
    });

    it('a password set by the supervisor must pass the policy', async () => {
      const csrf = await staffCsrf(sup, '/admin/personal/nuevo');
      const weak = await sup.post('/admin/personal').type('form').send({ _csrf: csrf, staffId: `debil.${process.pid}`, firstName: 'Pau', lastName: 'Roig', email: 'pau@example.com', role: 'supervisor', passwordMode: 'set', password: 'contraseña', reason: 'Alta de supervisor' });
      expect(weak.status).to.equal(422);
      expect(weak.text).to.contain('f-password-error');
      const ok = await sup.post('/admin/personal').type('form').send({ _csrf: csrf, staffId: `fuerte.${process.pid}`, firstName: 'Pau', lastName: 'Roig', email: 'pau@example.com', role: 'supervisor', passwordMode: 'set', password: 'Nogal-Cometa-Bahia-59', reason: 'Alta de supervisor' });
      expect(ok.status).to.equal(200);
      expect(ok.text).not.to.contain('initial-password');
    });

    it('disables (ending sessions), enables, unlocks and resets the second factor, each with a reason', async () => {
      const member = await createStaff(ctx.db.knex, { role: 'agente' });
      const memberAgent = await loginStaff(request.agent(ctx.app), member);
      expect((await memberAgent.get('/admin')).status).to.equal(200);

      const noReason = await act(member.id, 'disable', '');
      expect(noReason.status).to.equal(422);
      expect(noReason.text).to.contain('f-reason-error');

      expect((await act(member.id, 'disable', 'Baja temporal')).status).to.equal(303);
      expect((await memberAgent.get('/admin')).headers.location).to.equal('/admin/acceso');
      expect((await passwordStep(request.agent(ctx.app), member.staffId, member.password)).status).to.equal(401);

      expect((await act(member.id, 'unlock', 'No está bloqueado')).status).to.equal(409);
      expect((await act(member.id, 'enable', 'Vuelve de la baja')).status).to.equal(303);

      await ctx.db.knex('staff').where({ id: member.id }).update({ status: 'locked', failed_logins: 5 });
      expect((await act(member.id, 'unlock', 'Ha llamado y se ha identificado')).status).to.equal(303);
      expect((await ctx.db.knex('staff').where({ id: member.id }).first()).status).to.equal('active');

      expect((await act(member.id, 'reset_2fa', 'Ha perdido el móvil')).status).to.equal(303);
      // the old password no longer opens the account (a supervisor who knew it cannot enrol as the member)
      expect((await passwordStep(request.agent(ctx.app), member.staffId, member.password)).status).to.equal(401);

      const actions = await auditActions(ctx, member.id);
      expect(actions).to.include.members(['staff.disable', 'staff.enable', 'staff.unlock', 'staff.reset_2fa']);
      const row = await ctx.db.knex('audit_log').where({ action: 'staff.reset_2fa', target_id: String(member.id) }).first();
      expect(row.details.reason).to.equal('Ha perdido el móvil');
    });

    it('a supervisor cannot act on themselves; unknown ids are 404', async () => {
      const self = await sup.get(`/admin/personal/${supervisor.id}`);
      expect(pageText(self.text)).to.contain('No puedes aplicarte');
      const csrf = await staffCsrf(sup, '/admin/personal');
      expect((await sup.post(`/admin/personal/${supervisor.id}`).type('form').send({ _csrf: csrf, action: 'disable', reason: 'Me desactivo' })).status).to.equal(409);
      expect((await sup.get('/admin/personal/999999')).status).to.equal(404);
      expect((await sup.get('/admin/personal/abc')).status).to.equal(404);
    });
  });
});
