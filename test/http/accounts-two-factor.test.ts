import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import {
  createCustomer, createHousehold, csrfFrom, lastMailTo, linkIn, linkUser, loginAs, pageText, resetThrottles, tokenOf, type Agent, type UserFixture,
} from '../support/factories';
import { totpAt } from '../support/staff';

/** Issue 12, item 10: TOTP for customers from Ajustes, a policy that requires it, and recovery of a lost factor. */

async function enrol(ctx: TestContext, agent: Agent): Promise<{ secret: string; codes: string[] }> {
  const page = await agent.get('/ajustes/2fa').expect(200);
  expect(page.headers['cache-control']).to.include('no-store');
  const secret = /id="totp-secret"[^>]*>([^<]+)</.exec(page.text)![1]!.replace(/\s+/g, '');
  const wrong = await agent.post('/ajustes/2fa').type('form').send({ _csrf: csrfFrom(page.text), code: '000000' });
  expect(wrong.status).to.equal(422);
  const done = await agent.post('/ajustes/2fa').type('form').send({ _csrf: csrfFrom(page.text), code: await totpAt(secret, ctx.clock.now()) });
  expect(done.status).to.equal(200);
  const codes = [...done.text.matchAll(/<li><code>([^<]+)<\/code><\/li>/g)].map((m) => m[1]!);
  expect(codes).to.have.length(10);
  return { secret, codes };
}

async function passwordStep(ctx: TestContext, user: UserFixture) {
  const agent = request.agent(ctx.app);
  const page = await agent.get('/acceso');
  const res = await agent.post('/acceso').type('form').send({ _csrf: csrfFrom(page.text), loginId: user.loginId, password: user.password });
  return { agent, res };
}

async function codeStep(agent: Agent, code: string) {
  const page = await agent.get('/acceso/codigo').expect(200);
  return agent.post('/acceso/codigo').type('form').send({ _csrf: csrfFrom(page.text), code });
}

describe('accounts: second factor for customers', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testContext();
  });
  beforeEach(() => resetThrottles(ctx.db.knex));

  it('is set up from Ajustes with recovery codes; login then asks for the code after the password', async () => {
    const { user } = await createHousehold(ctx.db.knex);
    const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
    const { secret, codes } = await enrol(ctx, agent);
    expect((await lastMailTo(ctx.db.knex, user.email))!.template).to.equal('totp_enabled');
    expect(await ctx.db.knex('audit_log').where({ action: 'totp.enrolled', target_id: String(user.id) })).to.have.length(1);
    const row = await ctx.db.knex('users').where({ id: user.id }).first();
    expect(row.totp_secret).not.to.include(secret);

    // the password alone no longer opens a session
    const first = await passwordStep(ctx, user);
    expect(first.res.status).to.equal(303);
    expect(first.res.headers.location).to.equal('/acceso/codigo');
    await first.agent.get('/suministros').expect(303).expect('Location', '/');
    expect((await codeStep(first.agent, '123456')).status).to.equal(401);
    ctx.clock.advance(31_000);
    const ok = await codeStep(first.agent, await totpAt(secret, ctx.clock.now()));
    expect(ok.status).to.equal(303);
    expect(ok.headers.location).to.equal('/suministros');
    await first.agent.get('/suministros').expect(200);

    // a recovery code works once
    const second = await passwordStep(ctx, user);
    const rec = await codeStep(second.agent, codes[0]!);
    expect(rec.status).to.equal(303);
    const third = await passwordStep(ctx, user);
    expect((await codeStep(third.agent, codes[0]!)).status).to.equal(401);
  });

  it('counts wrong codes like wrong passwords: the fifth locks the account', async () => {
    const { user } = await createHousehold(ctx.db.knex);
    await enrol(ctx, await loginAs(request.agent(ctx.app), user.loginId, user.password));
    const { agent } = await passwordStep(ctx, user);
    for (let i = 0; i < 5; i++) await codeStep(agent, `11111${i}`);
    expect((await ctx.db.knex('users').where({ id: user.id }).first()).status).to.equal('locked');
  });

  it('is required by the policy for users acting for more than N customers, before any page', async () => {
    const { user, customer } = await createHousehold(ctx.db.knex);
    const other = await createCustomer(ctx.db.knex, { kind: 'company' });
    await linkUser(ctx.db.knex, user, other, 'authorized_read');
    const before = ctx.config.require2faAboveCustomers;
    ctx.config.require2faAboveCustomers = 1;
    try {
      const { agent, res } = await passwordStep(ctx, user);
      expect(res.headers.location).to.equal('/ajustes/2fa');
      await agent.get('/suministros').expect(303).expect('Location', '/');
      await agent.get(`/clientes/${customer.id}`).expect(303);
      const page = await agent.get('/ajustes/2fa').expect(200);
      expect(pageText(page.text)).to.include('tu usuario debe usar la verificación en dos pasos');
      const secret = /id="totp-secret"[^>]*>([^<]+)</.exec(page.text)![1]!.replace(/\s+/g, '');
      await agent.post('/ajustes/2fa').type('form').send({ _csrf: csrfFrom(page.text), code: await totpAt(secret, ctx.clock.now()) }).expect(200);
      await agent.get('/suministros').expect(200);
      // and it cannot be switched off while required
      const settings = await agent.get('/ajustes/2fa').expect(200);
      expect(settings.text).not.to.include('action="/ajustes/2fa/desactivar"');
      const off = await agent.post('/ajustes/2fa/desactivar').type('form').send({ _csrf: csrfFrom(settings.text), password: user.password });
      expect(off.status).to.equal(422);
    } finally {
      ctx.config.require2faAboveCustomers = before;
    }
  });

  it('recovers a lost second factor with contract data, the email on file and the password, with an audit row', async () => {
    const { user, account } = await createHousehold(ctx.db.knex);
    await enrol(ctx, await loginAs(request.agent(ctx.app), user.loginId, user.password));
    const visitor = request.agent(ctx.app);
    const form = await visitor.get('/recuperar/2fa').expect(200);
    const sent = await visitor.post('/recuperar/2fa').type('form').send({ _csrf: csrfFrom(form.text), contractAccount: account.number, email: user.email, ibanLast4: account.ibanLast4 });
    expect(sent.status, pageText(sent.text)).to.equal(303);
    expect(sent.headers.location).to.equal('/recuperar/enviado');
    const mail = (await lastMailTo(ctx.db.knex, user.email))!;
    expect(mail.template).to.equal('totp_reset');
    const link = linkIn(mail.text_body, '/recuperar/2fa/confirmar');
    const page = await visitor.get(link).expect(200);
    const wrong = await visitor.post('/recuperar/2fa/confirmar').type('form').send({ _csrf: csrfFrom(page.text), token: tokenOf(link), password: 'no-es-la-mia-1234' });
    expect(wrong.status).to.equal(422);
    const done = await visitor.post('/recuperar/2fa/confirmar').type('form').send({ _csrf: csrfFrom(page.text), token: tokenOf(link), password: user.password });
    expect(done.status).to.equal(303);
    expect(await ctx.db.knex('audit_log').where({ action: 'totp.reset', target_id: String(user.id) })).to.have.length(1);
    expect((await ctx.db.knex('users').where({ id: user.id }).first()).totp_enrolled_at).to.equal(null);
    expect((await passwordStep(ctx, user)).res.headers.location).to.equal('/suministros');
    // the link was single use
    await visitor.get(link).expect(410);
  });

  it('switches it off from Ajustes with the password', async () => {
    const { user } = await createHousehold(ctx.db.knex);
    const agent = await loginAs(request.agent(ctx.app), user.loginId, user.password);
    await enrol(ctx, agent);
    const page = await agent.get('/ajustes/2fa').expect(200);
    const res = await agent.post('/ajustes/2fa/desactivar').type('form').send({ _csrf: csrfFrom(page.text), password: user.password });
    expect(res.status).to.equal(303);
    expect((await lastMailTo(ctx.db.knex, user.email))!.template).to.equal('totp_disabled');
    expect((await ctx.db.knex('users').where({ id: user.id }).first()).totp_secret).to.equal(null);
  });
});
