/**
 * Staff passwords (issue 12 item 8): a staff member changes their own password with the current
 * one; a supervisor-chosen password must be changed at the first login; a reset (or a reset of
 * the second factor) makes the old password useless and emails a single-use link to the member
 * only, so the supervisor can no longer log in as them. Spanish and Catalan.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import { pageText, type Agent } from '../support/factories';
import { createStaff, loginStaff, staffCsrf, STAFF_PASSWORD, type StaffFixture } from '../support/staff';

const NEW_PASSWORD = 'Cerezo-Faro-Meridiano-71';

async function passwordStep(agent: Agent, staffId: string, password: string) {
  const csrf = await staffCsrf(agent, '/admin/acceso');
  return agent.post('/admin/acceso').type('form').send({ _csrf: csrf, staffId, password }).redirects(0);
}

async function changePassword(agent: Agent, current: string, next: string, confirm = next) {
  const csrf = await staffCsrf(agent, '/admin/contrasena');
  return agent.post('/admin/contrasena').type('form').send({ _csrf: csrf, currentPassword: current, newPassword: next, newPasswordConfirm: confirm }).redirects(0);
}

/** The reset link of the last email to this address. */
async function resetLinkOf(ctx: TestContext, email: string): Promise<string> {
  const mail = await ctx.db.knex('outbox').where({ to_address: email, template: 'staff_password_reset' }).orderBy('id', 'desc').first();
  const m = /\/admin\/restablecer\?token=([A-Za-z0-9_-]+)/.exec(String(mail?.text_body ?? ''));
  if (!m) throw new Error(`no reset link mailed to ${email}`);
  return `/admin/restablecer?token=${m[1]}`;
}

describe('admin: staff passwords', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let supervisor: StaffFixture;
  let sup: Agent;

  before(async () => {
    ctx = await testContext();
    supervisor = await createStaff(ctx.db.knex, { role: 'supervisor' });
  });
  beforeEach(async () => {
    sup = await loginStaff(request.agent(ctx.app), supervisor);
  });

  async function act(memberId: number, action: string, reason: string) {
    const csrf = await staffCsrf(sup, `/admin/personal/${memberId}`);
    return sup.post(`/admin/personal/${memberId}`).type('form').send({ _csrf: csrf, action, reason }).redirects(0);
  }

  it('a staff member changes their own password with the current one; other sessions end', async () => {
    const member = await createStaff(ctx.db.knex, { role: 'agente' });
    const a = await loginStaff(request.agent(ctx.app), member);
    const other = await loginStaff(request.agent(ctx.app), member);
    const page = await a.get('/admin/contrasena');
    expect(page.status).to.equal(200);
    expect(page.text).to.include('autocomplete="current-password"');

    const wrong = await changePassword(a, 'No-Es-Esta-Clave-12', NEW_PASSWORD);
    expect(wrong.status).to.equal(422);
    expect(pageText(wrong.text)).to.include('La contraseña actual no es correcta');
    const weak = await changePassword(a, member.password, 'contraseña');
    expect(weak.status).to.equal(422);
    expect(weak.text).to.include('f-newPassword-error');
    const mismatch = await changePassword(a, member.password, NEW_PASSWORD, `${NEW_PASSWORD}x`);
    expect(pageText(mismatch.text)).to.include('Las dos contraseñas no coinciden');

    const ok = await changePassword(a, member.password, NEW_PASSWORD);
    expect(ok.status).to.equal(303);
    expect(ok.headers.location).to.equal('/admin');
    expect(pageText((await a.get('/admin')).text)).to.include('Tu contraseña se ha cambiado');
    expect((await other.get('/admin').redirects(0)).headers.location).to.equal('/admin/acceso');
    expect((await passwordStep(request.agent(ctx.app), member.staffId, member.password)).status).to.equal(401);
    expect((await passwordStep(request.agent(ctx.app), member.staffId, NEW_PASSWORD)).headers.location).to.equal('/admin/acceso/codigo');
    const mail = await ctx.db.knex('outbox').where({ to_address: member.email, template: 'staff_password_changed' }).first();
    expect(mail).to.not.equal(undefined);
  });

  it('wrong current passwords count towards the lockout', async () => {
    const member = await createStaff(ctx.db.knex, { role: 'agente' });
    const a = await loginStaff(request.agent(ctx.app), member);
    for (let i = 0; i < 4; i++) expect((await changePassword(a, `Intento-Fallido-${i}-xyz`, NEW_PASSWORD)).status).to.equal(422);
    const fifth = await changePassword(a, 'Intento-Fallido-5-xyz', NEW_PASSWORD);
    expect(fifth.status).to.equal(303);
    expect(fifth.headers.location).to.equal('/admin/acceso');
    expect((await ctx.db.knex('staff').where({ id: member.id }).first()).status).to.equal('locked');
  });

  it('forces a change at the first login after a supervisor-chosen password', async () => {
    const csrf = await staffCsrf(sup, '/admin/personal/nuevo');
    const staffId = `marta.${process.pid}`;
    const created = await sup.post('/admin/personal').type('form').send({
      _csrf: csrf, staffId, firstName: 'Marta', lastName: 'Soler', email: 'marta.soler@example.com', role: 'agente', passwordMode: 'set', password: STAFF_PASSWORD, reason: 'Nueva incorporación',
    });
    expect(created.status).to.equal(200);
    const row = await ctx.db.knex('staff').where({ staff_id: staffId }).first();
    const marta: StaffFixture = { id: row.id, staffId, password: STAFF_PASSWORD, role: 'agente', email: row.email, firstName: 'Marta', lastName: 'Soler', totpSecret: null, recoveryCodes: [] };
    const a = await loginStaff(request.agent(ctx.app), marta);
    for (const path of ['/admin', '/admin/clientes', '/admin/gestiones']) {
      expect((await a.get(path).redirects(0)).headers.location, path).to.equal('/admin/contrasena');
    }
    const forced = await a.get('/admin/contrasena');
    expect(pageText(forced.text)).to.include('Tu contraseña la eligió un supervisor');
    expect((await changePassword(a, STAFF_PASSWORD, NEW_PASSWORD)).status).to.equal(303);
    expect((await a.get('/admin').redirects(0)).status).to.equal(200);
    expect((await ctx.db.knex('staff').where({ id: row.id }).first()).must_change_password).to.equal(false);
  });

  it('a reset emails a single-use link to the member only; the supervisor can no longer log in as them', async () => {
    const member = await createStaff(ctx.db.knex, { role: 'agente' });
    const memberAgent = await loginStaff(request.agent(ctx.app), member);
    const done = await act(member.id, 'reset_password', 'Ha olvidado la contraseña');
    expect(done.status).to.equal(303);
    // the supervisor's page shows no password and no link
    const after = await sup.get(`/admin/personal/${member.id}`);
    expect(after.text).not.to.include('restablecer?token=');
    expect(pageText(after.text)).to.include('le hemos enviado por email un enlace');
    // sessions ended, old password useless
    expect((await memberAgent.get('/admin').redirects(0)).headers.location).to.equal('/admin/acceso');
    expect((await passwordStep(request.agent(ctx.app), member.staffId, member.password)).status).to.equal(401);
    const mails = await ctx.db.knex('outbox').where({ template: 'staff_password_reset' }).whereIn('to_address', [member.email, supervisor.email]).select('to_address');
    expect(mails.map((m) => m.to_address)).to.deep.equal([member.email]);

    const link = await resetLinkOf(ctx, member.email);
    const anon = request.agent(ctx.app);
    const form = await anon.get(link);
    expect(form.status).to.equal(200);
    const token = /name="token" value="([^"]+)"/.exec(form.text)![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
    const weak = await anon.post('/admin/restablecer').type('form').send({ _csrf: csrf, token, newPassword: 'corta', newPasswordConfirm: 'corta' });
    expect(weak.status).to.equal(422);
    const set = await anon.post('/admin/restablecer').type('form').send({ _csrf: csrf, token, newPassword: NEW_PASSWORD, newPasswordConfirm: NEW_PASSWORD }).redirects(0);
    expect(set.status).to.equal(303);
    expect(set.headers.location).to.equal('/admin/acceso');
    // single use
    expect((await request.agent(ctx.app).get(link)).status).to.equal(410);
    expect((await passwordStep(request.agent(ctx.app), member.staffId, NEW_PASSWORD)).headers.location).to.equal('/admin/acceso/codigo');
  });

  it('resetting the second factor also invalidates the password; the member sets both again', async () => {
    const member = await createStaff(ctx.db.knex, { role: 'agente' });
    expect((await act(member.id, 'reset_2fa', 'Ha perdido el móvil')).status).to.equal(303);
    expect((await passwordStep(request.agent(ctx.app), member.staffId, member.password)).status).to.equal(401);
    const link = await resetLinkOf(ctx, member.email);
    const anon = request.agent(ctx.app);
    const form = await anon.get(link);
    const token = /name="token" value="([^"]+)"/.exec(form.text)![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
    await anon.post('/admin/restablecer').type('form').send({ _csrf: csrf, token, newPassword: NEW_PASSWORD, newPasswordConfirm: NEW_PASSWORD }).expect(303);
    expect((await passwordStep(request.agent(ctx.app), member.staffId, NEW_PASSWORD)).headers.location).to.equal('/admin/alta-2fa');
  });

  it('speaks Catalan', async () => {
    const member = await createStaff(ctx.db.knex, { role: 'agente' });
    const a = await loginStaff(request.agent(ctx.app), member);
    const csrf = await staffCsrf(a, '/admin');
    await a.post('/admin/idioma').type('form').send({ _csrf: csrf, lang: 'ca', next: '/admin/contrasena' });
    const page = await a.get('/admin/contrasena');
    expect(pageText(page.text)).to.include('Canviar la contrasenya');
    expect(pageText((await request.agent(ctx.app).get('/admin/restablecer?token=nope').set('Cookie', 'lang=ca')).text)).to.include('Aquest enllaç ja no és vàlid');
  });
});
