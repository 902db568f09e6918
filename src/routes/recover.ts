import crypto from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { Language } from '../i18n';
import { classifyLoginId, ibanLast4 } from '../domain/ids';
import { checkPassword, passwordProblemMessage } from '../domain/password-policy';
import { unlockChanges } from '../domain/accounts';
import { normalizeAnswer } from '../domain/secret-answer';
import { findUserById, findUserByLoginId, lockUserForUpdate, updateUser, destroyUserSessions } from '../data/users-repo';
import { customerByContractAccount } from '../data/customers-repo';
import { audit } from '../data/audit-repo';
import { hashPassword, verifyPassword } from '../adapters/passwords';
import { overLimit, THROTTLES } from '../services/throttle';
import { issueResetLink } from '../services/account-links';
import { queueMail } from '../adapters/mail/outbox';
import { consumeToken, peekToken } from '../services/token-use';
import { deps } from '../web/middleware/auth';
import { render } from '../web/render';
import { clientIp, formFields } from '../web/forms';
import { FieldErrors, validEmail } from '../web/validation';

function sent(res: Response) {
  res.redirect(303, '/recuperar/enviado');
}

/** A stable, plausible question for ids without one, so the page never tells who is registered. */
function decoyQuestion(req: Request, res: Response, loginId: string): string {
  const list = res.locals.t('recover.decoys', { returnObjects: true }) as unknown as string[];
  const digest = crypto.createHmac('sha256', deps(req).sessionSecret).update(loginId).digest();
  return list[digest.readUInt32BE(0) % list.length]!;
}

export function recoverRoutes(): Router {
  const router = Router();
  const view = (name: string) => (req: Request, res: Response) => render(req, res, `recover/${name}`, { title: res.locals.t(`recover.${name}.title`), form: {}, errors: {} });

  router.get('/recuperar', view('choose'));
  router.get('/recuperar/pregunta', view('question'));
  router.get('/recuperar/contrato', view('contract'));
  router.get('/recuperar/enviado', view('sent'));

  router.post('/recuperar/pregunta', async (req, res) => {
    const { db } = deps(req);
    const form = formFields(req, ['loginId'] as const);
    const id = classifyLoginId(form.loginId);
    if (!id.ok) {
      return render(req, res, 'recover/question', { title: res.locals.t('recover.question.title'), form, errors: { loginId: res.locals.t(`auth.login.errors.${id.reason}`) } }, { status: 400 });
    }
    const user = await findUserByLoginId(db.knex, id.value);
    const question = user?.secret_question && user.secret_answer_hash && user.status !== 'disabled' ? user.secret_question : decoyQuestion(req, res, id.value);
    render(req, res, 'recover/answer', { title: res.locals.t('recover.question.title'), loginId: id.value, question, form: {}, errors: {} });
  });

  router.post('/recuperar/pregunta/respuesta', async (req, res) => {
    const { db, clock, config } = deps(req);
    const now = clock.now();
    const form = formFields(req, ['loginId', 'answer', 'question'] as const);
    const id = classifyLoginId(form.loginId);
    if (!id.ok) return res.redirect(303, '/recuperar/pregunta');
    if (!form.answer.trim()) {
      return render(req, res, 'recover/answer', { title: res.locals.t('recover.question.title'), loginId: id.value, question: form.question.slice(0, 200), form: {}, errors: { answer: res.locals.t('errors.required') } }, { status: 400 });
    }
    const throttled = (await overLimit(db.knex, THROTTLES.recover, clientIp(req), now)) || (await overLimit(db.knex, THROTTLES.secretAnswer, id.value, now));
    const user = await findUserByLoginId(db.knex, id.value);
    const ok = !throttled && !!user?.secret_answer_hash && user.status !== 'disabled' && await verifyPassword(user.secret_answer_hash, normalizeAnswer(form.answer));
    await db.knex.transaction(async (trx) => {
      await audit(trx, { actorType: 'anonymous', action: ok ? 'recovery.question.ok' : 'recovery.question.failed', targetType: user ? 'user' : undefined, targetId: user?.id, ip: clientIp(req), at: now, details: throttled ? { throttled: true } : undefined });
      if (ok && user) {
        const link = await issueResetLink(trx, user.id, now, config);
        await queueMail(trx, { to: user.email, lang: user.language, template: 'password_reset', params: { name: user.first_name }, actionUrl: link, userId: user.id });
      }
    });
    deps(req).mailer?.kick();
    sent(res);
  });

  router.post('/recuperar/contrato', async (req, res) => {
    const { db, clock, config } = deps(req);
    const now = clock.now();
    const t = res.locals.t;
    const form = formFields(req, ['contractAccount', 'email', 'ibanLast4'] as const);
    const e = new FieldErrors(t);
    const account = form.contractAccount.replace(/\s/g, '');
    if (e.requireValue('contractAccount', account) && !/^\d{12}$/.test(account)) e.add('contractAccount', 'register.errors.contractAccount');
    if (e.requireValue('email', form.email) && !validEmail(form.email.trim())) e.add('email', 'register.errors.email');
    if (e.requireValue('ibanLast4', form.ibanLast4) && !/^\d{4}$/.test(form.ibanLast4.trim())) e.add('ibanLast4', 'register.errors.ibanLast4');
    if (e.any) return render(req, res, 'recover/contract', { title: t('recover.contract.title'), form, errors: e.errors }, { status: 400 });
    if (await overLimit(db.knex, THROTTLES.recover, clientIp(req), now)) return sent(res);

    const customer = await customerByContractAccount(db.knex, account);
    const acc = customer ? await db.knex('contract_accounts').where({ number: account }).first('iban') : undefined;
    const ibanOk = !!acc?.iban && ibanLast4(acc.iban) === form.ibanLast4.trim();
    const user = customer && ibanOk ? await db.knex('users as u').join('customer_links as l', 'l.user_id', 'u.id')
      .where('l.customer_id', customer.id).whereIn('l.role', ['holder', 'representative']).where('l.status', 'active')
      .whereRaw('lower(u.email) = lower(?)', [form.email.trim()]).whereNot('u.status', 'disabled').first('u.*') : undefined;
    await db.knex.transaction(async (trx) => {
      await audit(trx, { actorType: 'anonymous', action: user ? 'recovery.contract.ok' : 'recovery.contract.failed', customerId: customer?.id, targetType: user ? 'user' : undefined, targetId: user?.id, ip: clientIp(req), at: now });
      if (user) {
        const link = await issueResetLink(trx, user.id, now, config);
        await queueMail(trx, { to: user.email, lang: user.language, template: 'password_reset', params: { name: user.first_name }, actionUrl: link, userId: user.id });
      }
    });
    deps(req).mailer?.kick();
    sent(res);
  });

  router.get('/restablecer', async (req, res) => {
    const { db, clock } = deps(req);
    const { check } = await peekToken(db.knex, req.query.token, 'password_reset', clock.now());
    render(req, res, 'recover/reset', { title: res.locals.t('recover.reset.title'), token: check === 'valid' ? req.query.token : null, check, errors: {} }, { status: check === 'valid' ? 200 : 410 });
  });

  router.post('/restablecer', async (req, res) => {
    const { db, clock, config } = deps(req);
    const now = clock.now();
    const lang = res.locals.lang as Language;
    const form = formFields(req, ['token', 'password', 'passwordConfirm'] as const);
    const { check, row } = await peekToken(db.knex, form.token, 'password_reset', now);
    if (check !== 'valid' || !row?.user_id) {
      return render(req, res, 'recover/reset', { title: res.locals.t('recover.reset.title'), token: null, check, errors: {} }, { status: 410 });
    }
    const user = await findUserById(db.knex, row.user_id);
    // A disabled account stays disabled: an older link (lockout, "already registered") must not revive it.
    if (!user || user.status === 'disabled') return render(req, res, 'recover/reset', { title: res.locals.t('recover.reset.title'), token: null, check: 'unknown', errors: {} }, { status: 410 });
    const e = new FieldErrors(res.locals.t);
    if (e.requireValue('password', form.password)) {
      const pc = checkPassword(form.password, { lang, userInputs: [user.login_id, user.first_name, user.last_name, user.email.split('@')[0] ?? ''], confirmation: form.passwordConfirm });
      const first = pc.problems.find((p) => p !== 'mismatch');
      if (first) e.addText('password', [passwordProblemMessage(first, lang), ...pc.suggestions].join(' '));
      if (pc.problems.includes('mismatch')) e.addText('passwordConfirm', passwordProblemMessage('mismatch', lang));
    }
    if (e.any) return render(req, res, 'recover/reset', { title: res.locals.t('recover.reset.title'), token: form.token, check, errors: e.errors }, { status: 400 });

    const hash = await hashPassword(form.password, config.argon2);
    const done = await db.knex.transaction(async (trx) => {
      const consumed = await consumeToken(trx, form.token, 'password_reset', now);
      if (consumed.check !== 'valid') return false;
      const current = await lockUserForUpdate(trx, user.id);
      if (!current || current.status === 'disabled') return false;
      const unlock = unlockChanges();
      await updateUser(trx, user.id, {
        password_hash: hash, status: unlock.status, failed_logins: unlock.failedLogins, locked_at: unlock.lockedAt,
        ...(current.status === 'pending' ? { email_verified_at: now } : {}),
      }, now);
      await destroyUserSessions(trx, user.id);
      await audit(trx, { actorType: 'user', actorId: user.id, action: 'password.reset', targetType: 'user', targetId: user.id, ip: clientIp(req), at: now, details: { unlocked: current.status === 'locked' } });
      await queueMail(trx, { to: user.email, lang: user.language, template: 'password_changed', params: { name: user.first_name, when: now.toLocaleString(user.language === 'ca' ? 'ca-ES' : 'es-ES', { timeZone: 'Europe/Madrid' }) }, userId: user.id });
      return true;
    });
    deps(req).mailer?.kick();
    if (!done) return render(req, res, 'recover/reset', { title: res.locals.t('recover.reset.title'), token: null, check: 'used', errors: {} }, { status: 410 });
    req.session.flash = { kind: 'success', key: 'recover.reset.done' };
    res.redirect(303, '/acceso');
  });

  return router;
}
