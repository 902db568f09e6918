import crypto from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { classifyLoginId } from '../domain/ids';
import { evaluateLogin, DEFAULT_LOCKOUT } from '../domain/accounts';
import { findUserByLoginId, lockUserForUpdate, recordLogin, updateUser } from '../data/users-repo';
import { audit } from '../data/audit-repo';
import { hashPassword, verifyPassword } from '../adapters/passwords';
import { isBlocked, overLimit, THROTTLES } from '../services/throttle';
import { queueMail } from '../adapters/mail/outbox';
import { issueResetLink } from '../services/account-links';
import { generateCsrfToken } from '../web/middleware/csrf';
import { deps } from '../web/middleware/auth';
import { render } from '../web/render';
import { clientIp, formFields } from '../web/forms';
import { safeLocalPath } from '../web/safe-redirect';

function loginPage(req: Request, res: Response, form: Record<string, string>, errors: Record<string, string>, extra: Record<string, unknown> = {}, status = 200) {
  render(req, res, 'home/index', { title: res.locals.t('home.title'), form, errors, ...extra }, { status });
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

export function authRoutes(): Router {
  const router = Router();

  router.post('/acceso', async (req, res) => {
    const { db, clock, config } = deps(req);
    const t = res.locals.t;
    const form = formFields(req, ['loginId', 'password'] as const);
    const now = clock.now();
    const errors: Record<string, string> = {};
    const id = classifyLoginId(form.loginId);
    if (!id.ok) {
      errors.loginId = t(`auth.login.errors.${id.reason}`);
    }
    if (!form.password) errors.password = t('errors.required');
    // Refused before any lookup, so the answer for a CIF is the same whether an account has it or not.
    if (Object.keys(errors).length) return loginPage(req, res, { loginId: form.loginId }, errors, { cifRefused: !id.ok && id.reason === 'cif' }, 400);
    if (!id.ok) return;

    // Only failures count: an office of a gestoría behind one address logs in many times a
    // day, while guessing is what fails.
    if (await isBlocked(db.knex, THROTTLES.login, clientIp(req), now)) {
      return loginPage(req, res, { loginId: form.loginId }, {}, { generalError: t('auth.login.throttled') }, 429);
    }

    const user = await findUserByLoginId(db.knex, id.value);
    // Unknown users cost the same argon2 work as known ones, so timing does not tell them apart.
    dummyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'), config.argon2);
    const passwordOk = await verifyPassword(user ? user.password_hash : await dummyHash, form.password);
    const failedBefore = req.session.failedAttempts ?? 0;

    const outcome = await db.knex.transaction(async (trx) => {
      const locked = user ? await lockUserForUpdate(trx, user.id) : undefined;
      const decision = evaluateLogin(locked ? { status: locked.status, failedLogins: locked.failed_logins } : null, passwordOk, now, DEFAULT_LOCKOUT, failedBefore);
      if (locked && decision.changes) {
        const c = decision.changes;
        await updateUser(trx, locked.id, {
          ...(c.status !== undefined ? { status: c.status } : {}),
          ...(c.failedLogins !== undefined ? { failed_logins: c.failedLogins } : {}),
          ...(c.lockedAt !== undefined ? { locked_at: c.lockedAt } : {}),
          ...(c.lastLoginAt !== undefined ? { last_login_at: c.lastLoginAt } : {}),
        }, now);
      }
      if (locked) {
        await recordLogin(trx, { userId: locked.id, at: now, success: decision.outcome === 'success', ip: clientIp(req), userAgent: req.get('user-agent') ?? null });
        await audit(trx, { actorType: decision.outcome === 'success' ? 'user' : 'anonymous', actorId: locked.id, action: decision.outcome === 'success' ? 'login.success' : 'login.failure', targetType: 'user', targetId: locked.id, ip: clientIp(req), at: now, details: { outcome: decision.outcome } });
      } else {
        await audit(trx, { actorType: 'anonymous', action: 'login.failure', ip: clientIp(req), at: now, details: { outcome: 'unknown_user' } });
      }
      if (locked && decision.justLocked) {
        await audit(trx, { actorType: 'system', action: 'account.locked', targetType: 'user', targetId: locked.id, at: now });
        const link = await issueResetLink(trx, locked.id, now, config);
        await queueMail(trx, { to: locked.email, lang: locked.language, template: 'lockout', params: { name: locked.first_name }, actionUrl: link, userId: locked.id });
      }
      return decision;
    });
    deps(req).mailer?.kick();
    if (outcome.outcome !== 'success') await overLimit(db.knex, THROTTLES.login, clientIp(req), now);

    if (outcome.outcome === 'success' && user) {
      const returnTo = safeLocalPath(req.session.returnTo, '/suministros');
      await regenerate(req);
      req.session.userId = user.id;
      req.session.createdAt = now.getTime();
      req.session.lastSeenAt = now.getTime();
      req.session.lang = user.language;
      generateCsrfToken(req, true);
      res.cookie('lang', user.language, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000, path: '/', secure: deps(req).config.production });
      return res.redirect(303, returnTo);
    }
    req.session.failedAttempts = failedBefore + 1;
    // Only this browser's own count decides the hint: the account's state would tell an
    // attacker that an id exists (locked or under attack) on the first try.
    const lockHint = failedBefore + 1 >= DEFAULT_LOCKOUT.hintAfterFailures;
    const generalError = outcome.mayRevealPending ? t('auth.login.pending') : t('auth.login.errors.credentials');
    return loginPage(req, res, { loginId: form.loginId }, {}, { generalError, lockHint }, 401);
  });

  router.post('/salir', async (req, res) => {
    const { db, clock } = deps(req);
    const lang = res.locals.lang;
    if (req.session.userId) {
      await audit(db.knex, { actorType: 'user', actorId: req.session.userId, action: 'logout', ip: clientIp(req), at: clock.now() });
    }
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.clearCookie(res.req.app.locals.sessionCookieName as string, { path: '/' });
    res.cookie('lang', lang, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000, path: '/', secure: deps(req).config.production });
    res.redirect(303, '/?salida=1');
  });

  router.get('/sesion-caducada', (req, res) => {
    const absolute = req.query.motivo === 'limite';
    loginPage(req, res, {}, {}, { expired: absolute ? 'absolute' : 'idle', expiredHours: deps(req).config.sessionAbsoluteHours, title: res.locals.t('auth.expired.title') });
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

// A hash at the configured cost, verified for unknown users so they take as long as known ones.
let dummyHash: Promise<string> | undefined;
