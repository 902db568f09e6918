import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import {
  createHousehold, createUser, csrfFrom, lastMailTo, linkIn, loginAs, mailsTo, pageText, resetThrottles, tokenOf, uniqueEmail, uniqueNif, type Agent,
} from '../support/factories';
import { issueResetLink } from '../../src/services/account-links';
import { verifyPassword } from '../../src/adapters/passwords';

const NEW_PASSWORD = 'Lavanda-Muralla-Cometa-82';
const SENT_TEXT = 'Si los datos son correctos, te hemos enviado un email con un enlace para elegir una contraseña nueva.';
/** Questions are stored by key and shown translated. */
const QUESTION_KEY = 'childhood_friend';
const QUESTION = '¿Cómo se llamaba tu mejor amigo de la infancia?';
const DECOYS = [
  '¿Cuál es el nombre de tu primera mascota?',
  '¿En qué ciudad nació tu madre?',
  '¿Cuál era el nombre de tu colegio de primaria?',
  '¿Cuál es tu comida favorita?',
  '¿Cómo se llamaba tu mejor amigo de la infancia?',
  '¿En qué calle vivías de pequeño?',
];
const DECOYS_CA = [
  'Com es deia la teva primera mascota?',
  'En quina ciutat va néixer la teva mare?',
  'Com es deia la teva escola de primària?',
  'Quin és el teu menjar preferit?',
  'Com es deia el teu millor amic de la infància?',
  'A quin carrer vivies de petit?',
];

async function askQuestion(agent: Agent, loginId: string) {
  const form = await agent.get('/recuperar/pregunta').expect(200);
  return agent.post('/recuperar/pregunta').type('form').send({ _csrf: csrfFrom(form.text), loginId });
}

/** The question page as the user sees it, then the answer. */
async function answer(agent: Agent, loginId: string, text: string) {
  const page = await askQuestion(agent, loginId);
  expect(page.status).to.equal(200);
  const question = /class="question-text"><strong>([^<]*)<\/strong>/.exec(page.text)![1]!;
  expect(question).not.to.equal('');
  return agent.post('/recuperar/pregunta/respuesta').type('form').send({ _csrf: csrfFrom(page.text), loginId, answer: text });
}

async function byContract(agent: Agent, fields: { contractAccount: string; email: string; ibanLast4: string }) {
  const form = await agent.get('/recuperar/contrato').expect(200);
  return agent.post('/recuperar/contrato').type('form').send({ _csrf: csrfFrom(form.text), ...fields });
}

async function setPassword(agent: Agent, link: string, password: string, confirm = password) {
  const page = await agent.get(link);
  if (page.status !== 200) return page;
  return agent.post('/restablecer').type('form').send({ _csrf: csrfFrom(page.text), token: tokenOf(link), password, passwordConfirm: confirm });
}

async function tryLogin(ctx: TestContext, loginId: string, password: string) {
  const agent = request.agent(ctx.app);
  const page = await agent.get('/acceso');
  return agent.post('/acceso').type('form').send({ _csrf: csrfFrom(page.text), loginId, password });
}

describe('accounts: password recovery', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testContext();
  });
  beforeEach(() => resetThrottles(ctx.db.knex));

  describe('with the secret question', () => {
    it('shows the question, sends a single-use 30-minute link for the right answer and sets the new password', async () => {
      const user = await createUser(ctx.db.knex, { secretQuestion: QUESTION_KEY, secretAnswer: 'Tobías' });
      const agent = request.agent(ctx.app);
      const page = await askQuestion(agent, user.loginId.toLowerCase());
      expect(page.status).to.equal(200);
      expect(pageText(page.text)).to.include(`Tu pregunta secreta: ${QUESTION}`);

      // case, accents and spacing of the answer do not count
      const res = await answer(agent, user.loginId, '  TOBIAS ');
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/recuperar/enviado');
      const sent = await agent.get('/recuperar/enviado').expect(200);
      expect(pageText(sent.text)).to.include(SENT_TEXT);
      expect(pageText(sent.text)).to.include('Por tu seguridad, nunca enviamos contraseñas por email.');

      const mail = (await lastMailTo(ctx.db.knex, user.email))!;
      expect(mail.template).to.equal('password_reset');
      expect(mail.subject).to.equal('Restablece tu contraseña del Área Clientes');
      expect(mail.text_body).to.include('El enlace es válido durante 30 minutos y solo se puede usar una vez.');
      expect(mail.text_body).not.to.include(user.password);
      const link = linkIn(mail.text_body, '/restablecer');
      const token = await ctx.db.knex('user_tokens').where({ user_id: user.id, purpose: 'password_reset' }).whereNull('used_at').first();
      expect(new Date(token.expires_at).getTime() - ctx.clock.now().getTime()).to.equal(30 * 60_000);
      // only the hash is stored
      expect(token.token_hash).not.to.equal(tokenOf(link));
      expect(await ctx.db.knex('audit_log').where({ action: 'recovery.question.ok', target_id: String(user.id) })).to.have.length(1);

      const resetter = request.agent(ctx.app);
      const done = await setPassword(resetter, link, NEW_PASSWORD);
      expect(done.status).to.equal(303);
      expect(done.headers.location).to.equal('/acceso');
      expect(pageText((await resetter.get('/acceso').expect(200)).text)).to.include('Tu contraseña se ha cambiado.');
      expect((await tryLogin(ctx, user.loginId, user.password)).status).to.equal(401);
      expect((await tryLogin(ctx, user.loginId, NEW_PASSWORD)).status).to.equal(303);
      expect(await ctx.db.knex('audit_log').where({ action: 'password.reset', target_id: String(user.id) })).to.have.length(1);
      const changed = (await lastMailTo(ctx.db.knex, user.email))!;
      expect(changed.template).to.equal('password_changed');
      expect(changed.text_body).not.to.include(NEW_PASSWORD);
    });

    it('answers a wrong answer exactly like a right one, and sends nothing', async () => {
      const user = await createUser(ctx.db.knex, { secretQuestion: QUESTION_KEY, secretAnswer: 'Tobías' });
      const right = await answer(request.agent(ctx.app), user.loginId, 'tobías');
      const other = await createUser(ctx.db.knex, { secretQuestion: QUESTION_KEY, secretAnswer: 'Tobías' });
      const wrong = await answer(request.agent(ctx.app), other.loginId, 'Rufo');
      expect([wrong.status, wrong.headers.location, wrong.text]).to.deep.equal([right.status, right.headers.location, right.text]);
      expect(await mailsTo(ctx.db.knex, other.email)).to.have.length(0);
      expect(await ctx.db.knex('audit_log').where({ action: 'recovery.question.failed', target_id: String(other.id) })).to.have.length(1);
    });

    it('shows a stable, plausible question for an unknown NIF or a user without one', async () => {
      const unknown = uniqueNif();
      const noQuestion = await createUser(ctx.db.knex);
      for (const loginId of [unknown, noQuestion.loginId]) {
        const first = await askQuestion(request.agent(ctx.app), loginId);
        const again = await askQuestion(request.agent(ctx.app), loginId);
        expect(first.status).to.equal(200);
        const q1 = /class="question-text"><strong>([^<]*)<\/strong>/.exec(first.text)![1]!;
        const q2 = /class="question-text"><strong>([^<]*)<\/strong>/.exec(again.text)![1]!;
        expect(DECOYS).to.include(q1);
        expect(q2).to.equal(q1);
        const res = await answer(request.agent(ctx.app), loginId, 'lo que sea');
        expect(res.status).to.equal(303);
        expect(res.headers.location).to.equal('/recuperar/enviado');
      }
      expect(await mailsTo(ctx.db.knex, noQuestion.email)).to.have.length(0);
    });

    for (const lang of ['es', 'ca'] as const) {
      it(`shows a real question and a decoy from the same translated list (${lang})`, async () => {
        const user = await createUser(ctx.db.knex, { secretQuestion: QUESTION_KEY, secretAnswer: 'Tobías' });
        const ask = async (loginId: string) => {
          const agent = request.agent(ctx.app);
          const form = await agent.get('/recuperar/pregunta').set('Accept-Language', lang).expect(200);
          const page = await agent.post('/recuperar/pregunta').set('Accept-Language', lang).type('form').send({ _csrf: csrfFrom(form.text), loginId }).expect(200);
          return /class="question-text"><strong>([^<]*)<\/strong>/.exec(page.text)![1]!;
        };
        const list = lang === 'es' ? DECOYS : DECOYS_CA;
        for (let i = 0; i < 5; i++) expect(list).to.include(await ask(uniqueNif()));
        expect(list).to.include(await ask(user.loginId));
      });
    }

    it('counts wrong answers, for real questions and decoys alike, on the login throttle of the address', async () => {
      const user = await createUser(ctx.db.knex, { secretQuestion: QUESTION_KEY, secretAnswer: 'Tobías' });
      await answer(request.agent(ctx.app), user.loginId, 'malo');
      await answer(request.agent(ctx.app), uniqueNif(), 'malo');
      expect((await ctx.db.knex('rate_limits').where('bucket', 'like', 'login:%').first()).hits).to.equal(2);
      // a blocked address gets no link even for the right answer
      await ctx.db.knex('rate_limits').where('bucket', 'like', 'login:%').update({ hits: 100 });
      await answer(request.agent(ctx.app), user.loginId, 'Tobías');
      expect(await mailsTo(ctx.db.knex, user.email)).to.have.length(0);
    });

    it('never shows a question typed before the list existed: it counts as none', async () => {
      const user = await createUser(ctx.db.knex, { secretQuestion: '¿Cómo se llamaba mi primer perro?', secretAnswer: 'Tobías' });
      const page = await askQuestion(request.agent(ctx.app), user.loginId);
      expect(page.text).not.to.include('primer perro');
      await answer(request.agent(ctx.app), user.loginId, 'Tobías');
      expect(await mailsTo(ctx.db.knex, user.email)).to.have.length(0);
    });

    it('refuses a CIF or a badly formed NIF with the login messages', async () => {
      const res = await askQuestion(request.agent(ctx.app), 'B81234569');
      expect(res.status).to.equal(422);
      expect(pageText(res.text)).to.include('A partir de ahora no puedes acceder con CIF');
    });

    it('stops answering after 5 tries on one NIF: the 6th, even right, sends nothing', async () => {
      const user = await createUser(ctx.db.knex, { secretQuestion: QUESTION_KEY, secretAnswer: 'Tobías' });
      for (let i = 1; i <= 5; i++) expect((await answer(request.agent(ctx.app), user.loginId, `malo ${i}`)).status).to.equal(303);
      // the per-IP login limit (20) is not reached: this is the per-NIF one
      expect((await ctx.db.knex('rate_limits').where('bucket', 'like', 'secret-answer:%').first()).hits).to.equal(5);
      const sixth = await answer(request.agent(ctx.app), user.loginId, 'Tobías');
      expect(sixth.status).to.equal(303);
      expect(sixth.headers.location).to.equal('/recuperar/enviado');
      expect(await mailsTo(ctx.db.knex, user.email)).to.have.length(0);
      const last = await ctx.db.knex('audit_log').where({ action: 'recovery.question.failed', target_id: String(user.id) }).orderBy('id', 'desc').first();
      expect(last.details).to.deep.equal({ throttled: true });
    });
  });

  describe('with the contract data', () => {
    it('sends the link when contract account, email and IBAN digits match the holder', async () => {
      const h = await createHousehold(ctx.db.knex);
      const res = await byContract(request.agent(ctx.app), { contractAccount: `${h.account.number.slice(0, 4)} ${h.account.number.slice(4)}`, email: h.user.email.toUpperCase(), ibanLast4: h.account.ibanLast4 });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/recuperar/enviado');
      const mail = (await lastMailTo(ctx.db.knex, h.user.email))!;
      expect(mail.template).to.equal('password_reset');
      expect(await ctx.db.knex('audit_log').where({ action: 'recovery.contract.ok', target_id: String(h.user.id) })).to.have.length(1);
      expect((await setPassword(request.agent(ctx.app), linkIn(mail.text_body, '/restablecer'), NEW_PASSWORD)).status).to.equal(303);
      expect((await tryLogin(ctx, h.user.loginId, NEW_PASSWORD)).status).to.equal(303);
    });

    it('answers wrong data exactly like right data, and sends nothing', async () => {
      const h = await createHousehold(ctx.db.knex);
      const right = await byContract(request.agent(ctx.app), { contractAccount: h.account.number, email: h.user.email, ibanLast4: h.account.ibanLast4 });
      const other = await createHousehold(ctx.db.knex);
      const wrongs = [
        { contractAccount: other.account.number, email: other.user.email, ibanLast4: other.account.ibanLast4 === '0000' ? '1111' : '0000' },
        { contractAccount: other.account.number, email: uniqueEmail('otro'), ibanLast4: other.account.ibanLast4 },
        { contractAccount: '999999999999', email: other.user.email, ibanLast4: other.account.ibanLast4 },
      ];
      for (const w of wrongs) {
        const res = await byContract(request.agent(ctx.app), w);
        expect([res.status, res.headers.location, res.text]).to.deep.equal([right.status, right.headers.location, right.text]);
      }
      expect(await mailsTo(ctx.db.knex, other.user.email)).to.have.length(0);
      expect(await ctx.db.knex('audit_log').where({ action: 'recovery.contract.failed', customer_id: other.customer.id })).to.have.length(2);
    });

    it('validates the fields', async () => {
      const res = await byContract(request.agent(ctx.app), { contractAccount: '12', email: '', ibanLast4: 'abcd' });
      expect(res.status).to.equal(422);
      const text = pageText(res.text);
      expect(text).to.include('El número de cuenta contrato tiene 12 cifras. Lo encontrarás en tu factura.');
      expect(text).to.include('Este campo es requerido');
      expect(text).to.include('Escribe las 4 últimas cifras de la cuenta bancaria.');
    });

    it('throttles recovery attempts per IP without saying so', async () => {
      const h = await createHousehold(ctx.db.knex);
      for (let i = 0; i < 10; i++) await byContract(request.agent(ctx.app), { contractAccount: '999999999999', email: uniqueEmail('x'), ibanLast4: '0000' });
      const res = await byContract(request.agent(ctx.app), { contractAccount: h.account.number, email: h.user.email, ibanLast4: h.account.ibanLast4 });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/recuperar/enviado');
      expect(await mailsTo(ctx.db.knex, h.user.email)).to.have.length(0);
    });
  });

  describe('the reset link', () => {
    async function resetLink(user: { id: number; email: string }) {
      const url = await issueResetLink(ctx.db.knex, user.id, ctx.clock.now(), ctx.config);
      return new URL(url).pathname + new URL(url).search;
    }

    it('works once: a replay is refused', async () => {
      const user = await createUser(ctx.db.knex);
      const link = await resetLink(user);
      expect((await setPassword(request.agent(ctx.app), link, NEW_PASSWORD)).status).to.equal(303);
      const agent = request.agent(ctx.app);
      const again = await agent.get(link).expect(410);
      expect(pageText(again.text)).to.include('Este enlace ya se ha utilizado. Si necesitas cambiar la contraseña otra vez, pide un enlace nuevo.');
      const replay = await agent.post('/restablecer').type('form').send({ _csrf: csrfFrom(again.text), token: tokenOf(link), password: 'Otra-Frase-Distinta-Larga-3', passwordConfirm: 'Otra-Frase-Distinta-Larga-3' }).expect(410);
      expect(pageText(replay.text)).to.include('Este enlace ya se ha utilizado.');
      expect(await verifyPassword((await ctx.db.knex('users').where({ id: user.id }).first()).password_hash, NEW_PASSWORD)).to.equal(true);
    });

    it('expires after 30 minutes (and works just before)', async () => {
      const start = ctx.clock.now();
      try {
        const user = await createUser(ctx.db.knex);
        const link = await resetLink(user);
        const agent = request.agent(ctx.app);
        ctx.clock.set(new Date(start.getTime() + 29 * 60_000));
        const page = await agent.get(link).expect(200);
        ctx.clock.set(new Date(start.getTime() + 30 * 60_000 + 1000));
        const late = await agent.post('/restablecer').type('form').send({ _csrf: csrfFrom(page.text), token: tokenOf(link), password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD }).expect(410);
        expect(pageText(late.text)).to.include('El enlace ha caducado: solo es válido durante 30 minutos. Pide uno nuevo.');
        await agent.get(link).expect(410);
        expect(await verifyPassword((await ctx.db.knex('users').where({ id: user.id }).first()).password_hash, user.password)).to.equal(true);
      } finally {
        ctx.clock.set(start);
      }
    });

    it('replaces an older unused link', async () => {
      const user = await createUser(ctx.db.knex);
      const older = await resetLink(user);
      const newer = await resetLink(user);
      await request(ctx.app).get(older).expect(410);
      await request(ctx.app).get(newer).expect(200);
    });

    it('keeps the link usable after a refused weak password', async () => {
      const user = await createUser(ctx.db.knex);
      const link = await resetLink(user);
      const weak = await setPassword(request.agent(ctx.app), link, 'corta');
      expect(weak.status).to.equal(422);
      expect(pageText(weak.text)).to.include('La contraseña debe tener al menos 12 caracteres.');
      const mismatch = await setPassword(request.agent(ctx.app), link, NEW_PASSWORD, 'otra-cosa-distinta');
      expect(mismatch.status).to.equal(422);
      expect(pageText(mismatch.text)).to.include('Las contraseñas no coinciden.');
      expect((await setPassword(request.agent(ctx.app), link, NEW_PASSWORD)).status).to.equal(303);
    });

    it('unlocks a locked account: the link in the lockout email leads back in', async () => {
      const user = await createUser(ctx.db.knex);
      const agent = request.agent(ctx.app);
      for (let i = 0; i < 5; i++) {
        const page = await agent.get('/acceso');
        await agent.post('/acceso').type('form').send({ _csrf: csrfFrom(page.text), loginId: user.loginId, password: 'Clave-Equivocada-Total-9' });
      }
      expect((await ctx.db.knex('users').where({ id: user.id }).first()).status).to.equal('locked');
      const link = linkIn((await lastMailTo(ctx.db.knex, user.email))!.text_body, '/restablecer');
      const done = await setPassword(request.agent(ctx.app), link, NEW_PASSWORD);
      expect(done.status).to.equal(303);
      const row = await ctx.db.knex('users').where({ id: user.id }).first();
      expect(row).to.include({ status: 'active', failed_logins: 0, locked_at: null });
      const audit = await ctx.db.knex('audit_log').where({ action: 'password.reset', target_id: String(user.id) });
      expect(audit.map((a) => a.details)).to.deep.equal([{ unlocked: true }]);
      const flash = await request.agent(ctx.app).get('/acceso');
      expect(flash.status).to.equal(200);
      expect((await tryLogin(ctx, user.loginId, NEW_PASSWORD)).status).to.equal(303);
    });

    it('ends the user\'s other sessions', async () => {
      const user = await createUser(ctx.db.knex);
      const other = await createUser(ctx.db.knex);
      const elsewhere = await loginAs(request.agent(ctx.app), user.loginId, user.password);
      const bystander = await loginAs(request.agent(ctx.app), other.loginId, other.password);
      await elsewhere.get('/ajustes').expect(200);
      const sessionsOf = async (id: number) => (await ctx.db.knex('sessions').select('sess')).filter((s) => (typeof s.sess === 'string' ? JSON.parse(s.sess) : s.sess).userId === id).length;
      expect(await sessionsOf(user.id)).to.equal(1);

      const resetter = request.agent(ctx.app);
      const done = await setPassword(resetter, await resetLink(user), NEW_PASSWORD);
      expect(done.status).to.equal(303);
      const flash = await resetter.get('/acceso').expect(200);
      expect(pageText(flash.text)).to.include('Tu contraseña se ha cambiado. Si tu usuario estaba bloqueado, ya está desbloqueado.');

      expect(await sessionsOf(user.id)).to.equal(0);
      await elsewhere.get('/ajustes').expect(303).expect('Location', '/');
      await bystander.get('/ajustes').expect(200);
    });

    it('does not bring back a disabled account', async () => {
      const user = await createUser(ctx.db.knex);
      const link = await resetLink(user);
      await ctx.db.knex('users').where({ id: user.id }).update({ status: 'disabled' });
      const res = await setPassword(request.agent(ctx.app), link, NEW_PASSWORD);
      expect(res.status).to.equal(410);
      const row = await ctx.db.knex('users').where({ id: user.id }).first();
      expect(row.status).to.equal('disabled');
      expect(await verifyPassword(row.password_hash, user.password)).to.equal(true);
    });

    it('activates a pending account, since the link proves the mailbox', async () => {
      const user = await createUser(ctx.db.knex, { status: 'pending' });
      expect((await setPassword(request.agent(ctx.app), await resetLink(user), NEW_PASSWORD)).status).to.equal(303);
      const row = await ctx.db.knex('users').where({ id: user.id }).first();
      expect(row.status).to.equal('active');
      expect(new Date(row.email_verified_at).getTime()).to.equal(ctx.clock.now().getTime());
    });
  });
});
