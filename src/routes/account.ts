import { Router, type Request, type Response } from 'express';
import { isLanguage, type Language } from '../i18n';
import { checkPassword, passwordProblemMessage } from '../domain/password-policy';
import { normalizeAnswer } from '../domain/secret-answer';
import { destroyUserSessions, findUserById, loginHistory, updateUser, type UserRow } from '../data/users-repo';
import { audit } from '../data/audit-repo';
import { hashPassword, verifyPassword } from '../adapters/passwords';
import { issueLink } from '../services/account-links';
import { queueMail } from '../adapters/mail/outbox';
import { consumeToken, peekToken } from '../services/token-use';
import { deps, requireUser } from '../web/middleware/auth';
import { customersWithContactsPage } from './contacts';
import { render } from '../web/render';
import { clientIp, formFields } from '../web/forms';
import { cleanText, FieldErrors, validEmail } from '../web/validation';

async function settingsPage(req: Request, res: Response, errors: Record<string, string> = {}, form: Record<string, string> = {}, status = 200) {
  const user = await findUserById(deps(req).db.knex, req.user!.id);
  const contactCustomers = await customersWithContactsPage(req);
  render(req, res, 'account/settings', { title: res.locals.t('account.title'), account: user, errors, form, contactCustomers }, { status });
}

function words(u: UserRow): string[] {
  return [u.login_id, u.first_name, u.last_name, u.email.split('@')[0] ?? ''];
}

export function accountRoutes(): Router {
  const router = Router();

  router.get('/ajustes', requireUser, (req, res) => settingsPage(req, res));

  router.get('/ajustes/accesos', requireUser, async (req, res) => {
    const rows = await loginHistory(deps(req).db.knex, req.user!.id, 20);
    render(req, res, 'account/history', { title: res.locals.t('account.history.title'), rows });
  });

  router.post('/ajustes/contrasena', requireUser, async (req, res) => {
    const { db, clock, config } = deps(req);
    const now = clock.now();
    const lang = res.locals.lang as Language;
    const form = formFields(req, ['currentPassword', 'password', 'passwordConfirm'] as const);
    const user = (await findUserById(db.knex, req.user!.id))!;
    const e = new FieldErrors(res.locals.t);
    if (e.requireValue('currentPassword', form.currentPassword) && !(await verifyPassword(user.password_hash, form.currentPassword))) {
      e.add('currentPassword', 'account.errors.currentPassword');
    }
    if (e.requireValue('password', form.password)) {
      const pc = checkPassword(form.password, { lang, userInputs: words(user), confirmation: form.passwordConfirm });
      const first = pc.problems.find((p) => p !== 'mismatch');
      if (first) e.addText('password', [passwordProblemMessage(first, lang), ...pc.suggestions].join(' '));
      if (pc.problems.includes('mismatch')) e.addText('passwordConfirm', passwordProblemMessage('mismatch', lang));
    }
    if (e.any) return settingsPage(req, res, e.errors, {}, 400);
    const hash = await hashPassword(form.password, config.argon2);
    await db.knex.transaction(async (trx) => {
      await updateUser(trx, user.id, { password_hash: hash }, now);
      await destroyUserSessions(trx, user.id, req.sessionID);
      await audit(trx, { actorType: 'user', actorId: user.id, action: 'password.changed', targetType: 'user', targetId: user.id, ip: clientIp(req), at: now });
      await queueMail(trx, { to: user.email, lang: user.language, template: 'password_changed', params: { name: user.first_name, when: now.toLocaleString(lang === 'ca' ? 'ca-ES' : 'es-ES', { timeZone: 'Europe/Madrid' }) }, userId: user.id });
    });
    deps(req).mailer?.kick();
    req.session.flash = { kind: 'success', key: 'account.password.done' };
    res.redirect(303, '/ajustes');
  });

  router.post('/ajustes/email', requireUser, async (req, res) => {
    const { db, clock, config } = deps(req);
    const now = clock.now();
    const form = formFields(req, ['newEmail', 'emailPassword'] as const);
    const user = (await findUserById(db.knex, req.user!.id))!;
    const e = new FieldErrors(res.locals.t);
    const newEmail = form.newEmail.trim();
    if (e.requireValue('newEmail', newEmail)) {
      if (!validEmail(newEmail)) e.add('newEmail', 'register.errors.email');
      else if (newEmail.toLowerCase() === user.email.toLowerCase()) e.add('newEmail', 'account.errors.sameEmail');
    }
    if (e.requireValue('emailPassword', form.emailPassword) && !(await verifyPassword(user.password_hash, form.emailPassword))) {
      e.add('emailPassword', 'account.errors.currentPassword');
    }
    if (e.any) return settingsPage(req, res, e.errors, { newEmail }, 400);
    await db.knex.transaction(async (trx) => {
      const url = await issueLink(trx, 'email_change', user.id, now, config, { newEmail });
      await queueMail(trx, { to: newEmail, lang: user.language, template: 'email_change_confirm', params: { name: user.first_name }, actionUrl: url, userId: user.id });
      await queueMail(trx, { to: user.email, lang: user.language, template: 'email_change_notice', params: { name: user.first_name, newEmail }, userId: user.id });
      await audit(trx, { actorType: 'user', actorId: user.id, action: 'email.change_requested', targetType: 'user', targetId: user.id, ip: clientIp(req), at: now });
    });
    deps(req).mailer?.kick();
    req.session.flash = { kind: 'info', key: 'account.email.sent', params: { email: newEmail } };
    res.redirect(303, '/ajustes');
  });

  // Confirming from the new address works whether or not the user is logged in on this browser.
  router.get('/ajustes/email/confirmar', async (req, res) => {
    const { db, clock } = deps(req);
    const { check } = await peekToken(db.knex, req.query.token, 'email_change', clock.now());
    render(req, res, 'account/confirm-email', { title: res.locals.t('account.email.confirmTitle'), token: check === 'valid' ? req.query.token : null, check }, { status: check === 'valid' ? 200 : 410 });
  });

  router.post('/ajustes/email/confirmar', async (req, res) => {
    const { db, clock } = deps(req);
    const now = clock.now();
    const token = (req.body as Record<string, unknown>)?.token;
    const result = await db.knex.transaction(async (trx) => {
      const { check, row } = await consumeToken(trx, token, 'email_change', now);
      const newEmail = row?.payload?.newEmail;
      if (check !== 'valid' || !row?.user_id || typeof newEmail !== 'string') return check === 'valid' ? 'unknown' : check;
      const user = await findUserById(trx, row.user_id);
      if (!user) return 'unknown';
      await updateUser(trx, user.id, { email: newEmail, email_verified_at: now }, now);
      await audit(trx, { actorType: 'user', actorId: user.id, action: 'email.changed', targetType: 'user', targetId: user.id, ip: clientIp(req), at: now });
      await queueMail(trx, { to: newEmail, lang: user.language, template: 'email_changed', params: { name: user.first_name }, userId: user.id });
      return 'changed';
    });
    deps(req).mailer?.kick();
    if (result === 'changed') {
      req.session.flash = { kind: 'success', key: 'account.email.done' };
      return res.redirect(303, req.session.userId ? '/ajustes' : '/acceso');
    }
    render(req, res, 'account/confirm-email', { title: res.locals.t('account.email.confirmTitle'), token: null, check: result }, { status: 410 });
  });

  router.post('/ajustes/idioma', requireUser, async (req, res) => {
    const { db, clock } = deps(req);
    const now = clock.now();
    const { language } = formFields(req, ['language'] as const);
    if (!isLanguage(language)) return settingsPage(req, res, { language: res.locals.t('errors.required') }, {}, 400);
    await db.knex.transaction(async (trx) => {
      await updateUser(trx, req.user!.id, { language }, now);
      await audit(trx, { actorType: 'user', actorId: req.user!.id, action: 'settings.language', targetType: 'user', targetId: req.user!.id, ip: clientIp(req), at: now, details: { language } });
    });
    req.session.lang = language;
    res.cookie('lang', language, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000, path: '/', secure: deps(req).config.production });
    req.session.flash = { kind: 'success', key: 'account.language.done' };
    res.redirect(303, '/ajustes');
  });

  router.post('/ajustes/pregunta', requireUser, async (req, res) => {
    const { db, clock, config } = deps(req);
    const now = clock.now();
    const form = formFields(req, ['secretQuestion', 'secretAnswer', 'questionPassword'] as const);
    const user = (await findUserById(db.knex, req.user!.id))!;
    const e = new FieldErrors(res.locals.t);
    const question = cleanText(form.secretQuestion, 200);
    if (e.requireValue('secretQuestion', question) && question.length < 5) e.add('secretQuestion', 'account.errors.questionShort');
    if (e.requireValue('secretAnswer', form.secretAnswer) && form.secretAnswer.trim().length < 3) e.add('secretAnswer', 'register.errors.answerShort');
    if (e.requireValue('questionPassword', form.questionPassword) && !(await verifyPassword(user.password_hash, form.questionPassword))) {
      e.add('questionPassword', 'account.errors.currentPassword');
    }
    if (e.any) return settingsPage(req, res, e.errors, { secretQuestion: question }, 400);
    const answerHash = await hashPassword(normalizeAnswer(form.secretAnswer), config.argon2);
    await db.knex.transaction(async (trx) => {
      await updateUser(trx, user.id, { secret_question: question, secret_answer_hash: answerHash }, now);
      await audit(trx, { actorType: 'user', actorId: user.id, action: 'settings.secret_question', targetType: 'user', targetId: user.id, ip: clientIp(req), at: now });
    });
    req.session.flash = { kind: 'success', key: 'account.secret.done' };
    res.redirect(303, '/ajustes');
  });

  return router;
}
