import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../deps';
import { classifyLoginId } from '../domain/ids';
import { customerPasswordStep, logout } from '../services/login';
import { generateCsrfToken } from '../web/middleware/csrf';
import { LANG_COOKIE } from '../web/middleware/language';
import { render } from '../web/render';
import { formFields } from '../web/forms';
import { safeLocalPath } from '../web/safe-redirect';
import { accountCtx } from '../web/account-ctx';

const YEAR_MS = 365 * 24 * 3600 * 1000;

function loginPage(req: Request, res: Response, form: Record<string, string>, errors: Record<string, string>, extra: Record<string, unknown> = {}, status = 200) {
  render(req, res, 'home/index', { title: res.locals.t('home.title'), form, errors, ...extra }, { status });
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

export function authRoutes(deps: AppDeps): Router {
  const router = Router();

  router.post('/acceso', async (req, res) => {
    const t = res.locals.t;
    const form = formFields(req, ['loginId', 'password'] as const);
    const errors: Record<string, string> = {};
    const id = classifyLoginId(form.loginId);
    if (!id.ok) errors.loginId = t(`auth.login.errors.${id.reason}`);
    if (!form.password) errors.password = t('errors.required');
    // Refused before any lookup, so the answer for a CIF is the same whether an account has it or not.
    if (Object.keys(errors).length || !id.ok) {
      return loginPage(req, res, { loginId: form.loginId }, errors, { cifRefused: !id.ok && id.reason === 'cif' }, 422);
    }
    const ctx = accountCtx(deps, req);
    const failedBefore = req.session.failedAttempts ?? 0;
    const r = await customerPasswordStep(ctx, { loginId: id.value, password: form.password, userAgent: req.get('user-agent') ?? null, failedBefore });
    deps.mailer?.kick();
    if (r.kind === 'throttled') return loginPage(req, res, { loginId: form.loginId }, {}, { generalError: t('auth.login.throttled') }, 429);
    if (r.kind === 'success') {
      const returnTo = safeLocalPath(req.session.returnTo, '/suministros');
      await regenerate(req);
      req.session.userId = r.user.id;
      req.session.createdAt = ctx.now.getTime();
      req.session.lastSeenAt = ctx.now.getTime();
      req.session.lang = r.user.language;
      generateCsrfToken(req, true);
      res.cookie(LANG_COOKIE, r.user.language, { httpOnly: true, sameSite: 'lax', maxAge: YEAR_MS, path: '/' });
      return res.redirect(303, returnTo);
    }
    req.session.failedAttempts = failedBefore + 1;
    const generalError = r.mayRevealPending ? t('auth.login.pending') : t('auth.login.errors.credentials');
    return loginPage(req, res, { loginId: form.loginId }, {}, { generalError, lockHint: r.lockHint }, 401);
  });

  router.post('/salir', async (req, res) => {
    const lang = res.locals.lang as string;
    await logout(accountCtx(deps, req), req.session.userId);
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.clearCookie(req.app.locals.sessionCookieName as string, { path: '/' });
    res.cookie(LANG_COOKIE, lang, { httpOnly: true, sameSite: 'lax', maxAge: YEAR_MS, path: '/' });
    res.redirect(303, '/?salida=1');
  });

  router.get('/sesion-caducada', (req, res) => {
    const absolute = req.query.motivo === 'limite';
    loginPage(req, res, {}, {}, { expired: absolute ? 'absolute' : 'idle', expiredHours: deps.config.sessionAbsoluteHours, title: res.locals.t('auth.expired.title') });
  });

  router.get('/empresas', (req, res) => {
    render(req, res, 'auth/business', { title: res.locals.t('auth.business.title') });
  });

  router.get('/acceso', (req, res) => {
    if (req.user) return res.redirect(303, '/suministros');
    return loginPage(req, res, {}, {});
  });

  return router;
}
