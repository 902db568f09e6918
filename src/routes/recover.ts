import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../deps';
import type { Language } from '../i18n';
import { classifyLoginId } from '../domain/ids';
import {
  answerSecretQuestion, questionFor, recoverByContract, resetLinkState, resetPassword,
} from '../services/recovery';
import { completeTotpReset, requestTotpReset, totpResetLinkState } from '../services/customer-totp';
import { render } from '../web/render';
import { formFields } from '../web/forms';
import { FieldErrors, validEmail } from '../web/validation';
import { accountCtx, addIssues } from '../web/account-ctx';

function sent(res: Response) {
  res.redirect(303, '/recuperar/enviado');
}

type ProofForm = Record<'contractAccount' | 'email' | 'ibanLast4', string>;

/** The contract data both recoveries ask for (password by contract, lost second factor). */
function contractProof(req: Request, t: Response['locals']['t']):
  | { ok: true; value: { contractAccount: string; email: string; ibanLast4: string } }
  | { ok: false; form: ProofForm; errors: Record<string, string> } {
  const form = formFields(req, ['contractAccount', 'email', 'ibanLast4'] as const);
  const e = new FieldErrors(t);
  const account = form.contractAccount.replace(/\s/g, '');
  const email = form.email.trim();
  const ibanLast4 = form.ibanLast4.trim();
  if (e.requireValue('contractAccount', account) && !/^\d{12}$/.test(account)) {
    e.add('contractAccount', 'register.errors.contractAccount');
  }
  if (e.requireValue('email', form.email) && !validEmail(email)) e.add('email', 'register.errors.email');
  if (e.requireValue('ibanLast4', form.ibanLast4) && !/^\d{4}$/.test(ibanLast4)) e.add('ibanLast4', 'register.errors.ibanLast4');
  if (e.any) return { ok: false, form, errors: e.errors };
  return { ok: true, value: { contractAccount: account, email, ibanLast4 } };
}

export function recoverRoutes(deps: AppDeps): Router {
  const router = Router();
  const view = (name: string) => (req: Request, res: Response) => render(
    req, res, `recover/${name}`, { title: res.locals.t(`recover.${name}.title`), form: {}, errors: {} },
  );

  async function answerPage(
    req: Request, res: Response, loginId: string, errors: Record<string, string>, status = 200,
  ) {
    const question = await questionFor(accountCtx(deps, req), loginId);
    render(
      req, res, 'recover/answer',
      { title: res.locals.t('recover.question.title'), loginId, question, form: {}, errors }, { status },
    );
  }

  function resetPage(
    req: Request, res: Response, token: unknown, check: string, errors: Record<string, string>, status: number,
  ) {
    render(
      req, res, 'recover/reset',
      { title: res.locals.t('recover.reset.title'), token: check === 'valid' ? token : null, check, errors },
      { status },
    );
  }

  router.get('/recuperar', view('choose'));
  router.get('/recuperar/pregunta', view('question'));
  router.get('/recuperar/contrato', view('contract'));
  router.get('/recuperar/enviado', view('sent'));

  router.post('/recuperar/pregunta', async (req, res) => {
    const form = formFields(req, ['loginId'] as const);
    const id = classifyLoginId(form.loginId);
    if (!id.ok) {
      return render(
        req, res, 'recover/question',
        {
          title: res.locals.t('recover.question.title'), form,
          errors: { loginId: res.locals.t(`auth.login.errors.${id.reason}`) },
        },
        { status: 422 },
      );
    }
    await answerPage(req, res, id.value, {});
  });

  router.post('/recuperar/pregunta/respuesta', async (req, res) => {
    const form = formFields(req, ['loginId', 'answer'] as const);
    const id = classifyLoginId(form.loginId);
    if (!id.ok) return res.redirect(303, '/recuperar/pregunta');
    if (!form.answer.trim()) return answerPage(req, res, id.value, { answer: res.locals.t('errors.required') }, 422);
    await answerSecretQuestion(accountCtx(deps, req), { loginId: id.value, answer: form.answer });
    deps.mailer?.kick();
    sent(res);
  });

  router.post('/recuperar/contrato', async (req, res) => {
    const proof = contractProof(req, res.locals.t);
    if (!proof.ok) {
      const { form, errors } = proof;
      const title = res.locals.t('recover.contract.title');
      return render(req, res, 'recover/contract', { title, form, errors }, { status: 422 });
    }
    await recoverByContract(accountCtx(deps, req), proof.value);
    deps.mailer?.kick();
    sent(res);
  });

  // A lost second factor: contract data and the email on file, then a link to that email.
  router.get('/recuperar/2fa', view('twoFactor'));

  router.post('/recuperar/2fa', async (req, res) => {
    const proof = contractProof(req, res.locals.t);
    if (!proof.ok) {
      const { form, errors } = proof;
      const title = res.locals.t('recover.twoFactor.title');
      return render(req, res, 'recover/twoFactor', { title, form, errors }, { status: 422 });
    }
    await requestTotpReset(accountCtx(deps, req), proof.value);
    deps.mailer?.kick();
    sent(res);
  });

  function totpResetPage(
    req: Request, res: Response, token: unknown, check: string, errors: Record<string, string>, status: number,
  ) {
    render(
      req, res, 'recover/twoFactorConfirm',
      { title: res.locals.t('recover.twoFactor.confirmTitle'), token: check === 'valid' ? token : null, check, errors },
      { status },
    );
  }

  router.get('/recuperar/2fa/confirmar', async (req, res) => {
    const check = await totpResetLinkState(accountCtx(deps, req), req.query.token);
    totpResetPage(req, res, req.query.token, check, {}, check === 'valid' ? 200 : 410);
  });

  router.post('/recuperar/2fa/confirmar', async (req, res) => {
    const t = res.locals.t;
    const form = formFields(req, ['token', 'password'] as const);
    const ctx = accountCtx(deps, req);
    if (!form.password) {
      const check = await totpResetLinkState(ctx, form.token);
      return totpResetPage(
        req, res, form.token, check, check === 'valid' ? { password: t('errors.required') } : {},
        check === 'valid' ? 422 : 410,
      );
    }
    const r = await completeTotpReset(ctx, form.token, form.password);
    if (r === 'wrong_password' || r === 'throttled') {
      return totpResetPage(
        req, res, form.token, 'valid',
        { password: t(r === 'throttled' ? 'auth.login.throttled' : 'account.errors.currentPassword') },
        r === 'throttled' ? 429 : 422,
      );
    }
    if (r !== 'done') return totpResetPage(req, res, null, r, {}, 410);
    deps.mailer?.kick();
    req.session.flash = { kind: 'success', key: 'recover.twoFactor.done' };
    res.redirect(303, '/acceso');
  });

  router.get('/restablecer', async (req, res) => {
    const check = await resetLinkState(accountCtx(deps, req), req.query.token);
    resetPage(req, res, req.query.token, check, {}, check === 'valid' ? 200 : 410);
  });

  router.post('/restablecer', async (req, res) => {
    const form = formFields(req, ['token', 'password', 'passwordConfirm'] as const);
    const r = await resetPassword(accountCtx(deps, req), { ...form, lang: res.locals.lang as Language });
    if (r.kind === 'invalid') return resetPage(req, res, null, r.check, {}, 410);
    if (r.kind === 'issues') {
      const e = new FieldErrors(res.locals.t);
      addIssues(e, r.issues);
      return resetPage(req, res, form.token, 'valid', e.errors, 422);
    }
    deps.mailer?.kick();
    req.session.flash = { kind: 'success', key: 'recover.reset.done' };
    res.redirect(303, '/acceso');
  });

  return router;
}
