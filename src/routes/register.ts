import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../deps';
import type { Language } from '../i18n';
import { classifyLoginId, classifyTaxId, normalizeId } from '../domain/ids';
import { parseEuroAmountToCents } from '../domain/registration';
import { isSecretQuestionKey, SECRET_QUESTIONS } from '../domain/secret-answer';
import { registerBusiness, registerHousehold, type PersonData, type RegisterResult } from '../services/registration';
import { render } from '../web/render';
import { checkbox, formFields } from '../web/forms';
import { cleanText, FieldErrors, validEmail, validPhone } from '../web/validation';
import { accountCtx, addIssues } from '../web/account-ctx';
import { passwordIssues } from '../services/field-issues';

const PERSON = [
  'firstName', 'lastName', 'email', 'phone', 'password', 'passwordConfirm', 'secretQuestion', 'secretAnswer',
] as const;
const HOUSEHOLD = ['taxId', 'contractAccount', 'ibanLast4', ...PERSON] as const;
const BUSINESS = ['companyTaxId', 'proof', 'ibanLast4', 'invoiceTotal', 'personNif', ...PERSON] as const;

type Form = Record<string, string>;

function withoutSecrets(form: Form): Form {
  const { password: _p, passwordConfirm: _c, secretAnswer: _a, ...rest } = form;
  return rest;
}

/** Contact data, password and the optional secret question, shared by both forms. */
function validatePerson(form: Form, e: FieldErrors, lang: Language, contextWords: string[]): PersonData {
  const firstName = cleanText(form.firstName!, 100);
  const lastName = cleanText(form.lastName!, 150);
  if (e.requireValue('firstName', form.firstName!) && firstName.length < 2) e.add('firstName', 'register.errors.name');
  if (e.requireValue('lastName', form.lastName!) && lastName.length < 2) e.add('lastName', 'register.errors.name');
  if (e.requireValue('email', form.email!) && !validEmail(form.email!.trim())) e.add('email', 'register.errors.email');
  if (form.phone!.trim() && !validPhone(form.phone!.trim())) e.add('phone', 'register.errors.phone');
  if (e.requireValue('password', form.password!)) {
    addIssues(e, passwordIssues(form.password!, form.passwordConfirm!, lang, contextWords));
  }
  const q = form.secretQuestion!.trim();
  const a = form.secretAnswer!.trim();
  if (q && !isSecretQuestionKey(q)) e.add('secretQuestion', 'account.errors.questionChoose');
  if (q && !a) e.add('secretAnswer', 'register.errors.answerMissing');
  if (a && !q) e.add('secretQuestion', 'register.errors.questionMissing');
  if (a && a.length < 3) e.add('secretAnswer', 'register.errors.answerShort');
  return {
    firstName, lastName, email: form.email!.trim(), phone: form.phone!.trim() || null, password: form.password!,
    secretQuestion: isSecretQuestionKey(q) ? q : null, secretAnswer: a || null, language: lang,
  };
}

function page(
  req: Request, res: Response, view: 'household' | 'business', form: Form, errors: Record<string, string>, status = 200,
  extra: Record<string, unknown> = {},
) {
  render(
    req, res, `register/${view}`,
    {
      title: res.locals.t(`register.${view}.title`), form: withoutSecrets(form), errors, questions: SECRET_QUESTIONS,
      ...extra,
    },
    { status },
  );
}

export function registerRoutes(deps: AppDeps): Router {
  const router = Router();

  /** The use case's answer as a page: the same "check your email" whatever happened to an existing user. */
  function answer(req: Request, res: Response, view: 'household' | 'business', form: Form, r: RegisterResult) {
    const t = res.locals.t;
    if (r.kind === 'throttled') return page(req, res, view, form, {}, 429, { generalError: t('errors.tooMany.text') });
    if (r.kind === 'no_match') {
      return page(
        req, res, view, form, {}, 422,
        {
          generalError: t(
            view === 'household' ? 'register.errors.noMatchHousehold' : 'register.errors.noMatchBusiness',
          ),
        },
      );
    }
    if (r.kind === 'not_representative') {
      return page(
        req, res, view, form, { personNif: t('register.errors.notRepresentative') }, 422, { notRepresentative: true },
      );
    }
    deps.mailer?.kick();
    res.redirect(303, '/registro/enviado');
  }

  router.get(
    '/registro', (req, res) => render(req, res, 'register/choose', { title: res.locals.t('register.choose.title') }),
  );
  router.get('/registro/hogar', (req, res) => page(req, res, 'household', {}, {}));
  router.get('/registro/empresa', (req, res) => page(req, res, 'business', { proof: 'iban' }, {}));
  router.get(
    '/registro/enviado',
    (req, res) => render(req, res, 'register/sent', { title: res.locals.t('register.sent.title') }),
  );

  router.post('/registro/hogar', async (req, res) => {
    const lang = res.locals.lang as Language;
    const form = formFields(req, HOUSEHOLD);
    const e = new FieldErrors(res.locals.t);
    const id = classifyLoginId(form.taxId);
    if (!id.ok) e.add('taxId', `auth.login.errors.${id.reason}`);
    else if (id.kind === 'passport') e.add('taxId', 'register.errors.householdId');
    const account = form.contractAccount.replace(/\s/g, '');
    if (e.requireValue('contractAccount', account) && !/^\d{12}$/.test(account)) e.add('contractAccount', 'register.errors.contractAccount');
    if (e.requireValue('ibanLast4', form.ibanLast4) && !/^\d{4}$/.test(form.ibanLast4.trim())) e.add('ibanLast4', 'register.errors.ibanLast4');
    const person = validatePerson(
      form, e, lang, [form.taxId, form.firstName, form.lastName, form.email.split('@')[0] ?? ''],
    );
    if (!checkbox(req, 'terms')) e.add('terms', 'register.errors.terms');
    if (e.any || !id.ok) return page(req, res, 'household', form, e.errors, 422);
    const r = await registerHousehold(
      accountCtx(deps, req), { taxId: id.value, contractAccount: account, ibanLast4: form.ibanLast4.trim(), person },
    );
    answer(req, res, 'household', form, r);
  });

  router.post('/registro/empresa', async (req, res) => {
    const lang = res.locals.lang as Language;
    const form = formFields(req, BUSINESS);
    const e = new FieldErrors(res.locals.t);
    const company = classifyTaxId(form.companyTaxId);
    if (e.requireValue('companyTaxId', form.companyTaxId) && company?.kind !== 'cif') {
      e.add('companyTaxId', 'register.errors.cif');
    }
    let invoiceCents: number | null = null;
    if (form.proof === 'invoice') {
      invoiceCents = parseEuroAmountToCents(form.invoiceTotal);
      if (e.requireValue('invoiceTotal', form.invoiceTotal) && invoiceCents === null) {
        e.add('invoiceTotal', 'register.errors.amount');
      }
    } else if (e.requireValue('ibanLast4', form.ibanLast4) && !/^\d{4}$/.test(form.ibanLast4.trim())) {
      e.add('ibanLast4', 'register.errors.ibanLast4');
    }
    const nif = classifyLoginId(form.personNif);
    if (!nif.ok) e.add('personNif', `auth.login.errors.${nif.reason === 'cif' ? 'format' : nif.reason}`);
    const person = validatePerson(
      form, e, lang, [form.personNif, form.companyTaxId, form.firstName, form.lastName, form.email.split('@')[0] ?? ''],
    );
    if (!checkbox(req, 'terms')) e.add('terms', 'register.errors.terms');
    if (e.any || !nif.ok || !company) return page(req, res, 'business', form, e.errors, 422);
    const r = await registerBusiness(accountCtx(deps, req), {
      companyTaxId: normalizeId(company.value), personNif: nif.value, person,
      ...(
        form.proof === 'invoice' ? { invoiceTotalCents: invoiceCents ?? undefined } : {
          ibanLast4: form.ibanLast4.trim(),
        }
      ),
    });
    answer(req, res, 'business', form, r);
  });

  return router;
}
