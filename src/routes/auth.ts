import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../deps';
import { classifyLoginId } from '../domain/ids';
import type { Language } from '../i18n';
import { SECOND_STEP_MS } from '../domain/staff';
import { customerPasswordStep, logout } from '../services/login';
import { customerCodeStep } from '../services/customer-totp';
import { setLanguageCookie } from '../web/middleware/language';
import { render } from '../web/render';
import { formFields } from '../web/forms';
import { accountCtx } from '../web/account-ctx';
import { startPendingSession, startUserSession } from '../web/current-user';

function loginPage(
  req: Request, res: Response, form: Record<string, string>, errors: Record<string, string>,
  extra: Record<string, unknown> = {}, status = 200,
) {
  render(req, res, 'home/index', { title: res.locals.t('home.title'), form, errors, ...extra }, { status });
}

function codePage(req: Request, res: Response, data: Record<string, unknown>, status = 200): void {
  render(req, res, 'auth/code', { title: res.locals.t('auth.code.title'), errors: {}, ...data }, { status });
}

export function authRoutes(deps: AppDeps): Router {
  const router = Router();

  /** The code step is good for a few minutes after the password, in the same session only. */
  function pendingUser(req: Request): number | undefined {
    const { pendingUserId, pendingSince } = req.session;
    if (!pendingUserId || !pendingSince || deps.clock.now().getTime() - pendingSince > SECOND_STEP_MS) return undefined;
    return pendingUserId;
  }

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
    const r = await customerPasswordStep(
      ctx, { loginId: id.value, password: form.password, userAgent: req.get('user-agent') ?? null, failedBefore },
    );
    deps.mailer?.kick();
    if (r.kind === 'throttled') {
      return loginPage(req, res, { loginId: form.loginId }, {}, { generalError: t('auth.login.throttled') }, 429);
    }
    if (r.kind === 'success') return res.redirect(303, await startUserSession(req, res, r.user, ctx));
    if (r.kind === 'code') {
      await startPendingSession(req, { pendingUserId: r.user.id, pendingSince: ctx.now.getTime() });
      return res.redirect(303, '/acceso/codigo');
    }
    if (r.kind === 'enrol') {
      await startPendingSession(req, { enrolUserId: r.user.id, pendingSince: ctx.now.getTime() });
      return res.redirect(303, '/ajustes/2fa');
    }
    req.session.failedAttempts = failedBefore + 1;
    const generalError = r.mayRevealPending ? t('auth.login.pending') : t('auth.login.errors.credentials');
    return loginPage(req, res, { loginId: form.loginId }, {}, { generalError, lockHint: r.lockHint }, 401);
  });

  router.get('/acceso/codigo', (req, res) => {
    if (req.user) return res.redirect(303, '/suministros');
    if (!pendingUser(req)) return res.redirect(303, '/acceso');
    codePage(req, res, {});
  });

  router.post('/acceso/codigo', async (req, res) => {
    const userId = pendingUser(req);
    if (!userId) return res.redirect(303, '/acceso');
    const t = res.locals.t;
    const { code } = formFields(req, ['code'] as const);
    if (!code.trim()) return codePage(req, res, { errors: { code: t('errors.required') } }, 422);
    const ctx = accountCtx(deps, req);
    const r = await customerCodeStep(ctx, userId, code);
    deps.mailer?.kick();
    if (!r.ok) {
      return codePage(
        req, res, { generalError: t(r.throttled ? 'auth.login.throttled' : 'auth.code.failed') },
        r.throttled ? 429 : 401,
      );
    }
    const next = await startUserSession(req, res, { id: userId, language: r.language }, ctx);
    if (r.method === 'recovery') {
      req.session.flash = { kind: 'warning', key: 'auth.code.recoveryUsed', params: { count: String(r.left) } };
    }
    res.redirect(303, next);
  });

  router.post('/salir', async (req, res) => {
    const lang = res.locals.lang as Language;
    await logout(accountCtx(deps, req), req.session.userId);
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.clearCookie(req.app.locals.sessionCookieName as string, { path: '/' });
    setLanguageCookie(res, lang, deps.config.production);
    res.redirect(303, '/?salida=1');
  });

  router.get('/sesion-caducada', (req, res) => {
    const absolute = req.query.motivo === 'limite';
    loginPage(
      req, res, {}, {},
      {
        expired: absolute ? 'absolute' : 'idle', expiredHours: deps.config.sessionAbsoluteHours,
        title: res.locals.t('auth.expired.title'),
      },
    );
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
