import { Router, type Request, type Response } from 'express';
import type { Language } from '../i18n';
import { classifyLoginId, classifyTaxId, normalizeId } from '../domain/ids';
import { businessProofMatches, householdProofMatches, parseEuroAmountToCents } from '../domain/registration';
import { checkPassword, passwordProblemMessage } from '../domain/password-policy';
import { holderRecord } from '../data/customers-repo';
import { registerAccount } from '../services/registration';
import { overLimit, THROTTLES } from '../services/throttle';
import { deps } from '../web/middleware/auth';
import { render } from '../web/render';
import { checkbox, clientIp, formFields } from '../web/forms';
import { cleanText, FieldErrors, validEmail, validPhone } from '../web/validation';

const PERSON = ['firstName', 'lastName', 'email', 'phone', 'password', 'passwordConfirm', 'secretQuestion', 'secretAnswer'] as const;
const HOUSEHOLD = ['taxId', 'contractAccount', 'ibanLast4', ...PERSON] as const;
const BUSINESS = ['companyTaxId', 'proof', 'ibanLast4', 'invoiceTotal', 'personNif', ...PERSON] as const;

type Form = Record<string, string>;

function withoutSecrets(form: Form): Form {
  const { password: _p, passwordConfirm: _c, secretAnswer: _a, ...rest } = form;
  return rest;
}

/** Contact data, password and the optional secret question, shared by both forms. */
function validatePerson(form: Form, e: FieldErrors, lang: Language, contextWords: string[]): void {
  if (e.requireValue('firstName', form.firstName!) && cleanText(form.firstName!, 100).length < 2) e.add('firstName', 'register.errors.name');
  if (e.requireValue('lastName', form.lastName!) && cleanText(form.lastName!, 150).length < 2) e.add('lastName', 'register.errors.name');
  if (e.requireValue('email', form.email!) && !validEmail(form.email!.trim())) e.add('email', 'register.errors.email');
  if (form.phone!.trim() && !validPhone(form.phone!.trim())) e.add('phone', 'register.errors.phone');
  if (e.requireValue('password', form.password!)) {
    const check = checkPassword(form.password!, { lang, userInputs: contextWords, confirmation: form.passwordConfirm });
    const first = check.problems.find((p) => p !== 'mismatch');
    if (first) e.addText('password', [passwordProblemMessage(first, lang), ...check.suggestions].join(' '));
    if (check.problems.includes('mismatch')) e.addText('passwordConfirm', passwordProblemMessage('mismatch', lang));
  }
  const q = form.secretQuestion!.trim();
  const a = form.secretAnswer!.trim();
  if (q && !a) e.add('secretAnswer', 'register.errors.answerMissing');
  if (a && !q) e.add('secretQuestion', 'register.errors.questionMissing');
  if (a && a.length < 3) e.add('secretAnswer', 'register.errors.answerShort');
}

function page(req: Request, res: Response, view: 'household' | 'business', form: Form, errors: Record<string, string>, status = 200, extra: Record<string, unknown> = {}) {
  render(req, res, `register/${view}`, { title: res.locals.t(`register.${view}.title`), form: withoutSecrets(form), errors, ...extra }, { status });
}

export function registerRoutes(): Router {
  const router = Router();

  router.get('/registro', (req, res) => render(req, res, 'register/choose', { title: res.locals.t('register.choose.title') }));
  router.get('/registro/hogar', (req, res) => page(req, res, 'household', {}, {}));
  router.get('/registro/empresa', (req, res) => page(req, res, 'business', { proof: 'iban' }, {}));
  router.get('/registro/enviado', (req, res) => render(req, res, 'register/sent', { title: res.locals.t('register.sent.title') }));

  router.post('/registro/hogar', async (req, res) => {
    const { db, clock, config } = deps(req);
    const t = res.locals.t;
    const lang = res.locals.lang as Language;
    const form = formFields(req, HOUSEHOLD);
    const e = new FieldErrors(t);
    const id = classifyLoginId(form.taxId);
    if (!id.ok) e.add('taxId', `auth.login.errors.${id.reason}`);
    else if (id.kind === 'passport') e.add('taxId', 'register.errors.householdId');
    const account = form.contractAccount.replace(/\s/g, '');
    if (e.requireValue('contractAccount', account) && !/^\d{12}$/.test(account)) e.add('contractAccount', 'register.errors.contractAccount');
    if (e.requireValue('ibanLast4', form.ibanLast4) && !/^\d{4}$/.test(form.ibanLast4.trim())) e.add('ibanLast4', 'register.errors.ibanLast4');
    validatePerson(form, e, lang, [form.taxId, form.firstName, form.lastName, form.email.split('@')[0] ?? '']);
    if (!checkbox(req, 'terms')) e.add('terms', 'register.errors.terms');
    if (e.any || !id.ok) return page(req, res, 'household', form, e.errors, 400);

    const now = clock.now();
    if (await overLimit(db.knex, THROTTLES.register, clientIp(req), now)) {
      return page(req, res, 'household', form, {}, 429, { generalError: t('errors.tooMany.text') });
    }
    const holder = await holderRecord(db.knex, id.value);
    const matches = householdProofMatches({ taxId: id.value, email: form.email, contractAccountNumber: account, ibanLast4: form.ibanLast4.trim() }, holder);
    if (!matches || !holder) {
      return page(req, res, 'household', form, {}, 400, { generalError: t('register.errors.noMatchHousehold') });
    }
    await db.knex.transaction((trx) => registerAccount(trx, {
      loginId: id.value, firstName: cleanText(form.firstName, 100), lastName: cleanText(form.lastName, 150), email: form.email.trim(),
      phone: form.phone.trim() || null, password: form.password, secretQuestion: cleanText(form.secretQuestion, 200) || null,
      secretAnswer: form.secretAnswer.trim() || null, language: lang, customerId: holder.customerId, role: 'holder', ip: clientIp(req),
    }, now, config));
    deps(req).mailer?.kick();
    res.redirect(303, '/registro/enviado');
  });

  router.post('/registro/empresa', async (req, res) => {
    const { db, clock, config } = deps(req);
    const t = res.locals.t;
    const lang = res.locals.lang as Language;
    const form = formFields(req, BUSINESS);
    const e = new FieldErrors(t);
    const company = classifyTaxId(form.companyTaxId);
    if (e.requireValue('companyTaxId', form.companyTaxId) && company?.kind !== 'cif') e.add('companyTaxId', 'register.errors.cif');
    let invoiceCents: number | null = null;
    if (form.proof === 'invoice') {
      invoiceCents = parseEuroAmountToCents(form.invoiceTotal);
      if (e.requireValue('invoiceTotal', form.invoiceTotal) && invoiceCents === null) e.add('invoiceTotal', 'register.errors.amount');
    } else if (e.requireValue('ibanLast4', form.ibanLast4) && !/^\d{4}$/.test(form.ibanLast4.trim())) {
      e.add('ibanLast4', 'register.errors.ibanLast4');
    }
    const person = classifyLoginId(form.personNif);
    if (!person.ok) e.add('personNif', `auth.login.errors.${person.reason === 'cif' ? 'format' : person.reason}`);
    validatePerson(form, e, lang, [form.personNif, form.companyTaxId, form.firstName, form.lastName, form.email.split('@')[0] ?? '']);
    if (!checkbox(req, 'terms')) e.add('terms', 'register.errors.terms');
    if (e.any || !person.ok || !company) return page(req, res, 'business', form, e.errors, 400);

    const now = clock.now();
    if (await overLimit(db.knex, THROTTLES.register, clientIp(req), now)) {
      return page(req, res, 'business', form, {}, 429, { generalError: t('errors.tooMany.text') });
    }
    const holder = await holderRecord(db.knex, normalizeId(company.value));
    const result = businessProofMatches({
      companyTaxId: company.value, personNif: person.value,
      ...(form.proof === 'invoice' ? { invoiceTotalCents: invoiceCents ?? undefined } : { ibanLast4: form.ibanLast4.trim() }),
    }, holder);
    if (result === 'no_match' || !holder) return page(req, res, 'business', form, {}, 400, { generalError: t('register.errors.noMatchBusiness') });
    if (result === 'not_representative') {
      return page(req, res, 'business', form, { personNif: t('register.errors.notRepresentative') }, 400, { notRepresentative: true });
    }
    await db.knex.transaction((trx) => registerAccount(trx, {
      loginId: person.value, firstName: cleanText(form.firstName, 100), lastName: cleanText(form.lastName, 150), email: form.email.trim(),
      phone: form.phone.trim() || null, password: form.password, secretQuestion: cleanText(form.secretQuestion, 200) || null,
      secretAnswer: form.secretAnswer.trim() || null, language: lang, customerId: holder.customerId, role: 'representative', ip: clientIp(req),
    }, now, config));
    deps(req).mailer?.kick();
    res.redirect(303, '/registro/enviado');
  });

  return router;
}
