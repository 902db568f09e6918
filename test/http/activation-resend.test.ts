/**
 * Issue 15 item 5: a registered but not-yet-activated user asks for the activation email again.
 * The answer is the same whatever the NIF and email; only a pending registration with that very
 * address gets a fresh link (the old one stops working); throttled per NIF and per address.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import { createUser, csrfFrom, linkIn, mailsTo, resetThrottles, uniqueNif } from '../support/factories';
import { fieldError, inputValue } from '../support/pages';

const PATH = '/registro/reenviar-activacion';

describe('resend the activation email, self-service', () => {
  let ctx: TestContext;
  before(async function () {
    this.timeout(180_000);
    ctx = await testContext();
  });
  beforeEach(() => resetThrottles());

  async function ask(loginId: string, email: string) {
    const agent = request.agent(ctx.app);
    const page = await agent.get(PATH).expect(200);
    return agent.post(PATH).type('form').send({ _csrf: csrfFrom(page.text), loginId, email });
  }

  it('linked from the login page and the "sent" page of registration', async () => {
    expect((await request(ctx.app).get('/').expect(200)).text).to.include(`href="${PATH}"`);
    expect((await request(ctx.app).get('/registro/enviado').expect(200)).text).to.include(`href="${PATH}"`);
  });

  it('a malformed NIF or email is explained by its field (422), the input kept', async () => {
    const res = await ask('123', 'no-es-un-email');
    expect(res.status).to.equal(422);
    expect(fieldError(res.text, 'loginId')).to.be.a('string');
    expect(fieldError(res.text, 'email')).to.be.a('string');
    expect(inputValue(res.text, 'loginId')).to.equal('123');
  });

  it('the same answer for every case; only the pending registration with that email gets a link', async function () {
    this.timeout(30_000);
    const db = ctx.db.knex;
    const pending = await createUser(db, { status: 'pending' });
    const active = await createUser(db);
    const answers = [
      await ask(pending.loginId, pending.email.toUpperCase()),
      await ask(pending.loginId, 'otra@example.com'),
      await ask(active.loginId, active.email),
      await ask(uniqueNif(), 'nadie@example.com'),
    ];
    for (const a of answers) {
      expect(a.status).to.equal(303);
      expect(a.headers.location).to.equal(`${PATH}/enviado`);
    }
    const mails = (await mailsTo(db, pending.email)).filter((m) => m.template === 'activation');
    expect(mails).to.have.length(1);
    expect(await mailsTo(db, 'otra@example.com')).to.have.length(0);
    expect((await mailsTo(db, active.email)).filter((m) => m.template === 'activation')).to.have.length(0);
    const audited = db('audit_log').where({ action: 'user.activation_resent', target_id: String(pending.id) });
    expect(await audited.count('* as n').first()).to.deep.equal({ n: 1 });

    // a second request: a new link, and the first no longer works
    await resetThrottles();
    await ask(pending.loginId, pending.email);
    const [first, second] = (await mailsTo(db, pending.email)).filter((m) => m.template === 'activation')
      .map((m) => linkIn(m.text_body, '/activar'));
    expect(first).to.not.equal(second);
    const links = [first!, second!];
    const statuses = await Promise.all(links.map(async (l) => (await request(ctx.app).get(l)).status));
    expect(statuses.sort()).to.deep.equal([200, 410]);
  });

  it('throttled per NIF (3 an hour), with the same form again', async function () {
    this.timeout(30_000);
    const nif = uniqueNif();
    for (let i = 0; i < 3; i++) expect((await ask(nif, 'x@example.com')).status).to.equal(303);
    const fourth = await ask(nif, 'x@example.com');
    expect(fourth.status).to.equal(429);
    expect(inputValue(fourth.text, 'loginId')).to.equal(nif);
    // another NIF from the same address is still answered
    expect((await ask(uniqueNif(), 'x@example.com')).status).to.equal(303);
  });
});
