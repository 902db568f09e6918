/**
 * "Resend the activation email", self-service (issue 15 item 5): NIF and email, one answer for
 * every case (see services/activation-resend), throttled per address and per NIF.
 */
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../deps';
import { classifyLoginId } from '../domain/ids';
import { resendActivationSelfService } from '../services/activation-resend';
import { accountCtx } from '../web/account-ctx';
import { formFields } from '../web/forms';
import { render } from '../web/render';
import { FieldErrors, validEmail } from '../web/validation';

type Form = { loginId: string; email: string };

function page(req: Request, res: Response, form: Form, errors: Record<string, string>, status = 200, extra = {}) {
  const title = res.locals.t('activationResend.title');
  const full = Object.keys(errors).length ? `Error: ${title}` : title;
  render(req, res, 'register/resend', { title: full, form, errors, ...extra }, { status });
}

export function activationResendRoutes(deps: AppDeps): Router {
  const router = Router();

  router.get('/registro/reenviar-activacion', (req, res) => page(req, res, { loginId: '', email: '' }, {}));
  router.get('/registro/reenviar-activacion/enviado', (req, res) =>
    render(req, res, 'register/resend-sent', { title: res.locals.t('activationResend.sent.title') }));

  router.post('/registro/reenviar-activacion', async (req, res) => {
    const form = formFields(req, ['loginId', 'email'] as const);
    const e = new FieldErrors(res.locals.t);
    const id = classifyLoginId(form.loginId);
    if (!id.ok) e.add('loginId', `auth.login.errors.${id.reason}`);
    if (e.requireValue('email', form.email) && !validEmail(form.email.trim())) e.add('email', 'register.errors.email');
    if (e.any || !id.ok) return page(req, res, form, e.errors, 422);
    const input = { loginId: id.value, email: form.email.trim() };
    const result = await resendActivationSelfService(accountCtx(deps, req), input);
    if (result === 'throttled') {
      return page(req, res, form, {}, 429, { generalError: res.locals.t('errors.tooMany.text') });
    }
    deps.mailer?.kick();
    res.redirect(303, '/registro/reenviar-activacion/enviado');
  });

  return router;
}
