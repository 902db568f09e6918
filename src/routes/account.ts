import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { AppDeps } from '../deps';
import { isLanguage, type Language } from '../i18n';
import { isSecretQuestionKey, SECRET_QUESTIONS } from '../domain/secret-answer';
import {
  changePassword, confirmEmailChange, emailChangeLinkState, recentLogins, requestEmailChange, setLanguage,
  setSecretQuestion, settingsView, type SettingsResult,
} from '../services/account-settings';
import { proveSupply, type SupplyClaim } from '../services/registration';
import { classifyTaxId, normalizeId } from '../domain/ids';
import { parseEuroAmountToCents } from '../domain/registration';
import { requireUser, startUserSession } from '../web/current-user';
import { setLanguageCookie } from '../web/middleware/language';
import { render } from '../web/render';
import { formFields } from '../web/forms';
import { FieldErrors, validEmail } from '../web/validation';
import { accountCtx, addIssues } from '../web/account-ctx';
import { confirmTotp, disableTotp, twoFactorView } from '../services/customer-totp';
import { groupSecret } from '../domain/staff';
/** How long a login may wait for the compulsory enrolment. */
const ENROL_MS = 15 * 60_000;

export function accountRoutes(deps: AppDeps): Router {
  const router = Router();

  async function settingsPage(
    req: Request, res: Response, errors: Record<string, string> = {}, form: Record<string, string> = {}, status = 200,
  ) {
    const view = await settingsView(accountCtx(deps, req), req.user!.id);
    render(
      req, res, 'account/settings',
      { title: res.locals.t('account.title'), ...view, questions: SECRET_QUESTIONS, errors, form }, { status },
    );
  }

  /** Field errors found by the use case re-render the page (422); success goes back with a message. */
  async function answer(
    req: Request, res: Response, e: FieldErrors, r: SettingsResult, form: Record<string, string>,
    flash: NonNullable<Request['session']['flash']>,
  ) {
    if (!r.ok) {
      addIssues(e, r.issues);
      return settingsPage(req, res, e.errors, form, 422);
    }
    deps.mailer?.kick();
    req.session.flash = flash;
    res.redirect(303, '/ajustes');
  }

  router.get('/ajustes', requireUser, (req, res) => settingsPage(req, res));

  router.get('/ajustes/accesos', requireUser, async (req, res) => {
    const rows = await recentLogins(accountCtx(deps, req), req.user!.id);
    render(req, res, 'account/history', { title: res.locals.t('account.history.title'), rows });
  });

  router.post('/ajustes/contrasena', requireUser, async (req, res) => {
    const form = formFields(req, ['currentPassword', 'password', 'passwordConfirm'] as const);
    const e = new FieldErrors(res.locals.t);
    e.requireValue('currentPassword', form.currentPassword);
    e.requireValue('password', form.password);
    if (e.any) return settingsPage(req, res, e.errors, {}, 422);
    const r = await changePassword(
      accountCtx(deps, req), req.user!.id, { ...form, lang: res.locals.lang as Language, keepSession: req.sessionID },
    );
    await answer(req, res, e, r, {}, { kind: 'success', key: 'account.password.done' });
  });

  router.post('/ajustes/email', requireUser, async (req, res) => {
    const form = formFields(req, ['newEmail', 'emailPassword'] as const);
    const e = new FieldErrors(res.locals.t);
    const newEmail = form.newEmail.trim();
    if (e.requireValue('newEmail', newEmail) && !validEmail(newEmail)) e.add('newEmail', 'register.errors.email');
    e.requireValue('emailPassword', form.emailPassword);
    if (e.any) return settingsPage(req, res, e.errors, { newEmail }, 422);
    const r = await requestEmailChange(accountCtx(deps, req), req.user!.id, { newEmail, password: form.emailPassword });
    await answer(
      req, res, e, r, { newEmail }, { kind: 'info', key: 'account.email.sent', params: { email: newEmail } },
    );
  });

  // Confirming from the new address works whether or not the user is logged in on this browser.
  router.get('/ajustes/email/confirmar', async (req, res) => {
    const check = await emailChangeLinkState(accountCtx(deps, req), req.query.token);
    render(
      req, res, 'account/confirm-email',
      { title: res.locals.t('account.email.confirmTitle'), token: check === 'valid' ? req.query.token : null, check },
      { status: check === 'valid' ? 200 : 410 },
    );
  });

  router.post('/ajustes/email/confirmar', async (req, res) => {
    const { token } = formFields(req, ['token'] as const);
    const result = await confirmEmailChange(accountCtx(deps, req), token);
    deps.mailer?.kick();
    if (result === 'changed') {
      req.session.flash = { kind: 'success', key: 'account.email.done' };
      return res.redirect(303, req.session.userId ? '/ajustes' : '/acceso');
    }
    render(
      req, res, 'account/confirm-email',
      { title: res.locals.t('account.email.confirmTitle'), token: null, check: result }, { status: 410 },
    );
  });

  router.post('/ajustes/idioma', requireUser, async (req, res) => {
    const { language } = formFields(req, ['language'] as const);
    if (!isLanguage(language)) return settingsPage(req, res, { language: res.locals.t('errors.required') }, {}, 422);
    await setLanguage(accountCtx(deps, req), req.user!.id, language);
    req.session.lang = language;
    setLanguageCookie(res, language, deps.config.production);
    req.session.flash = { kind: 'success', key: 'account.language.done' };
    res.redirect(303, '/ajustes');
  });

  router.post('/ajustes/pregunta', requireUser, async (req, res) => {
    const form = formFields(req, ['secretQuestion', 'secretAnswer', 'questionPassword'] as const);
    const e = new FieldErrors(res.locals.t);
    const question = form.secretQuestion;
    if (e.requireValue('secretQuestion', question) && !isSecretQuestionKey(question)) {
      e.add('secretQuestion', 'account.errors.questionChoose');
    }
    if (e.requireValue('secretAnswer', form.secretAnswer) && form.secretAnswer.trim().length < 3) {
      e.add('secretAnswer', 'register.errors.answerShort');
    }
    e.requireValue('questionPassword', form.questionPassword);
    if (e.any || !isSecretQuestionKey(question)) {
      return settingsPage(req, res, e.errors, { secretQuestion: question }, 422);
    }
    const r = await setSecretQuestion(
      accountCtx(deps, req), req.user!.id, { question, answer: form.secretAnswer, password: form.questionPassword },
    );
    await answer(req, res, e, r, { secretQuestion: question }, { kind: 'success', key: 'account.secret.done' });
  });

  function supplyPage(
    req: Request, res: Response, form: Record<string, string>, errors: Record<string, string>, status = 200,
    extra: Record<string, unknown> = {},
  ) {
    render(
      req, res, 'account/add-supply',
      {
        title: res.locals.t('account.supply.title'), loginId: req.user!.loginId, form: { proof: 'iban', ...form },
        errors, ...extra,
      },
      { status },
    );
  }

  router.get('/ajustes/suministros', requireUser, (req, res) => supplyPage(req, res, {}, {}));

  router.post('/ajustes/suministros', requireUser, async (req, res) => {
    const t = res.locals.t;
    const form = formFields(
      req,
      ['kind', 'contractAccount', 'ibanLast4', 'companyTaxId', 'proof', 'companyIbanLast4', 'invoiceTotal'] as const,
    );
    const e = new FieldErrors(t);
    let claim: SupplyClaim;
    if (form.kind === 'business') {
      const company = classifyTaxId(form.companyTaxId);
      if (e.requireValue('companyTaxId', form.companyTaxId) && company?.kind !== 'cif') {
        e.add('companyTaxId', 'register.errors.cif');
      }
      const cents = form.proof === 'invoice' ? parseEuroAmountToCents(form.invoiceTotal) : null;
      if (form.proof === 'invoice') {
        if (e.requireValue('invoiceTotal', form.invoiceTotal) && cents === null) {
          e.add('invoiceTotal', 'register.errors.amount');
        }
      } else if (e.requireValue('companyIbanLast4', form.companyIbanLast4) && !/^\d{4}$/.test(form.companyIbanLast4.trim())) {
        e.add('companyIbanLast4', 'register.errors.ibanLast4');
      }
      claim = {
        kind: 'business', companyTaxId: normalizeId(company?.value ?? ''),
        ...(cents !== null ? { invoiceTotalCents: cents } : { ibanLast4: form.companyIbanLast4.trim() }),
      };
    } else {
      const account = form.contractAccount.replace(/\s/g, '');
      if (e.requireValue('contractAccount', account) && !/^\d{12}$/.test(account)) e.add('contractAccount', 'register.errors.contractAccount');
      if (e.requireValue('ibanLast4', form.ibanLast4) && !/^\d{4}$/.test(form.ibanLast4.trim())) e.add('ibanLast4', 'register.errors.ibanLast4');
      claim = { kind: 'household', contractAccount: account, ibanLast4: form.ibanLast4.trim() };
    }
    if (e.any) return supplyPage(req, res, form, e.errors, 422);
    const r = await proveSupply(accountCtx(deps, req), req.user!.id, claim);
    if (r.kind === 'throttled') return supplyPage(req, res, form, {}, 429, { generalError: t('errors.tooMany.text') });
    if (r.kind === 'no_match') {
      return supplyPage(req, res, form, {}, 422, { generalError: t('account.supply.noMatch') });
    }
    if (r.kind === 'not_representative') {
      return supplyPage(req, res, form, {}, 422, { generalError: t('register.errors.notRepresentative') });
    }
    deps.mailer?.kick();
    req.session.flash = {
      kind: 'success', key: r.kind === 'linked' ? 'account.supply.done' : 'account.supply.already',
      params: { name: r.name },
    };
    res.redirect(303, '/suministros');
  });

  /** The logged-in user, or one whose login waits for the second factor the policy requires. */
  function enrollingUser(req: Request): number | undefined {
    if (req.user) return req.user.id;
    const { enrolUserId, pendingSince } = req.session;
    const live = enrolUserId && pendingSince && deps.clock.now().getTime() - pendingSince <= ENROL_MS;
    return live ? enrolUserId : undefined;
  }

  const userOrEnrolling: RequestHandler = (req, res, next) => (
    enrollingUser(req) ? next() : requireUser(req, res, next)
  );

  async function twoFactorPage(req: Request, res: Response, errors: Record<string, string>, status = 200) {
    const view = await twoFactorView(accountCtx(deps, req), enrollingUser(req)!);
    res.set('Cache-Control', 'no-store');
    render(req, res, 'account/two-factor', {
      title: res.locals.t('account.twoFactor.title'), ...view,
      secretGroups: view.secret ? groupSecret(view.secret) : '', enrolling: !req.user, errors,
    }, { status });
  }

  router.get('/ajustes/2fa', userOrEnrolling, (req, res) => twoFactorPage(req, res, {}));

  router.post('/ajustes/2fa', userOrEnrolling, async (req, res) => {
    const t = res.locals.t;
    const { code } = formFields(req, ['code'] as const);
    if (!code.trim()) return twoFactorPage(req, res, { code: t('errors.required') }, 422);
    const ctx = accountCtx(deps, req);
    const userId = enrollingUser(req)!;
    const r = await confirmTotp(ctx, userId, code);
    if (!r.ok) return twoFactorPage(req, res, { code: t('account.twoFactor.wrongCode') }, 422);
    deps.mailer?.kick();
    // a login that waited for the enrolment now holds both factors
    if (!req.user) await startUserSession(req, res, { id: userId, language: res.locals.lang as Language }, ctx);
    res.set('Cache-Control', 'no-store');
    render(req, res, 'account/recovery-codes', { title: t('account.twoFactor.codesTitle'), codes: r.recoveryCodes });
  });

  router.post('/ajustes/2fa/desactivar', requireUser, async (req, res) => {
    const t = res.locals.t;
    const { password } = formFields(req, ['password'] as const);
    if (!password) return twoFactorPage(req, res, { password: t('errors.required') }, 422);
    const r = await disableTotp(accountCtx(deps, req), req.user!.id, password);
    if (r === 'required') return twoFactorPage(req, res, { password: t('account.twoFactor.required') }, 422);
    if (r !== 'done') {
      return twoFactorPage(
        req, res, { password: t(r === 'throttled' ? 'auth.login.throttled' : 'account.errors.currentPassword') }, 422,
      );
    }
    deps.mailer?.kick();
    req.session.flash = { kind: 'success', key: 'account.twoFactor.disabled' };
    res.redirect(303, '/ajustes');
  });

  return router;
}
