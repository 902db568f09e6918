import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../deps';
import { z } from 'zod';
import { isLanguage, type Language } from '../../i18n';
import { audit } from '../../data/audit-repo';
import { findStaffById } from '../../data/staff-repo';
import { groupSecret } from '../../domain/staff';
import { isBlocked, overLimit } from '../../services/throttle';
import {
  ADMIN_LOGIN_THROTTLE, changeStaffPassword, confirmEnrolment, enrolmentSecret, resetStaffPassword, staffCodeStep,
  staffOfResetLink, staffPasswordStep,
} from '../../services/staff-auth';
import { checkPassword, passwordProblemMessage } from '../../domain/password-policy';
import { totpQrDataUrl } from '../../adapters/totp';
import { generateCsrfToken } from '../../web/middleware/csrf';
import { setLanguageCookie } from '../../web/middleware/language';
import { clientIp, formFields } from '../../web/forms';
import { render } from '../../web/render';
import { safeLocalPath } from '../../web/safe-redirect';
import { regenerateSession } from '../../web/middleware/staff';

function loginPage(req: Request, res: Response, data: Record<string, unknown>, status = 200): void {
  render(
    req, res, 'admin/auth/login', { title: res.locals.t('admin.auth.login.title'), form: {}, errors: {}, ...data },
    { status },
  );
}

function codePage(req: Request, res: Response, data: Record<string, unknown>, status = 200): void {
  render(
    req, res, 'admin/auth/code', { title: res.locals.t('admin.auth.code.title'), errors: {}, ...data }, { status },
  );
}

async function enrolPage(
  d: AppDeps, req: Request, res: Response, errors: Record<string, string>, status = 200,
): Promise<void> {
  const { db, clock } = d;
  const staff = req.staff!;
  const secret = await enrolmentSecret(db.knex, staff.id, clock.now(), d.dataKey);
  render(req, res, 'admin/auth/enrol', {
    title: res.locals.t('admin.auth.enrol.title'), errors, qr: await totpQrDataUrl(staff.staffId, secret),
    secretGroups: groupSecret(secret),
  }, { status });
}

// Failed steps count against the address, as for customers: an office of agents behind one
// address logging in all morning is not an attack.
async function throttled(d: AppDeps, req: Request): Promise<boolean> {
  const { db, clock } = d;
  return isBlocked(db.knex, ADMIN_LOGIN_THROTTLE, clientIp(req), clock.now());
}

async function countFailure(d: AppDeps, req: Request): Promise<void> {
  await overLimit(d.db.knex, ADMIN_LOGIN_THROTTLE, clientIp(req), d.clock.now());
}

/** Starts the logged-in session: a new id and a new CSRF token, so nothing from before carries over. */
async function startSession(
  d: AppDeps, req: Request, staffId: number, enrolling: boolean, createdAt?: number,
): Promise<void> {
  const now = d.clock.now().getTime();
  const lang = req.session.lang;
  await regenerateSession(req);
  req.session.staffId = staffId;
  req.session.staffCreatedAt = createdAt ?? now;
  req.session.staffLastSeenAt = now;
  if (enrolling) req.session.staffEnrolling = true;
  if (lang) req.session.lang = lang;
  generateCsrfToken(req, true);
}

function passwordPage(req: Request, res: Response, errors: Record<string, string>, status = 200): void {
  render(
    req, res, 'admin/auth/password',
    { title: res.locals.t('admin.auth.password.title'), errors, forced: req.staff?.mustChangePassword === true },
    { status },
  );
}

function resetPage(
  req: Request, res: Response, token: string | null, errors: Record<string, string>, status = 200,
): void {
  render(req, res, 'admin/auth/reset', { title: res.locals.t('admin.auth.reset.title'), token, errors }, { status });
}

/** The policy's problems with a new password, as the field's message; null when it is good. */
function newPasswordProblem(res: Response, password: string, confirmation: string, who: string[]): string | null {
  const t = res.locals.t;
  const lang = res.locals.lang === 'ca' ? 'ca' : 'es';
  if (!password) return t('errors.required');
  const check = checkPassword(password, { lang, userInputs: who });
  if (!check.ok) return check.problems.map((p) => passwordProblemMessage(p, lang)).join(' ');
  if (password !== confirmation) return t('admin.auth.password.mismatch');
  return null;
}

export function adminAuthRoutes(d: AppDeps): Router {
  const router = Router();

  router.get('/acceso', (req, res) => {
    if (req.staff) return res.redirect(303, req.session.staffEnrolling ? '/admin/alta-2fa' : '/admin');
    const expired = req.query.caducada === 'limite' ? 'absolute' : req.query.caducada ? 'idle' : null;
    loginPage(req, res, { expired, loggedOut: req.query.salida === '1', idleMinutes: d.config.adminIdleMinutes });
  });

  router.post('/acceso', async (req, res) => {
    const { db, clock, config } = d;
    const t = res.locals.t;
    const form = formFields(req, ['staffId', 'password'] as const);
    const errors: Record<string, string> = {};
    if (!form.staffId.trim()) errors.staffId = t('errors.required');
    if (!form.password) errors.password = t('errors.required');
    if (Object.keys(errors).length) return loginPage(req, res, { form: { staffId: form.staffId }, errors }, 422);
    if (await throttled(d, req)) {
      return loginPage(req, res, { form: { staffId: form.staffId }, generalError: t('admin.auth.throttled') }, 429);
    }

    const r = await staffPasswordStep(
      db.knex, config, { staffId: form.staffId, password: form.password, ip: clientIp(req), now: clock.now() },
    );
    if (r.kind === 'failure') {
      await countFailure(d, req);
      return loginPage(req, res, { form: { staffId: form.staffId }, generalError: t('admin.auth.login.failed') }, 401);
    }
    if (r.kind === 'enrol') {
      await startSession(d, req, r.id, true);
      return res.redirect(303, '/admin/alta-2fa');
    }
    const lang = req.session.lang;
    await regenerateSession(req);
    req.session.pendingStaffId = r.id;
    req.session.pendingSince = clock.now().getTime();
    if (lang) req.session.lang = lang;
    return res.redirect(303, '/admin/acceso/codigo');
  });

  router.get('/acceso/codigo', (req, res) => {
    if (req.staff) return res.redirect(303, '/admin');
    if (!req.session.pendingStaffId) return res.redirect(303, '/admin/acceso');
    codePage(req, res, {});
  });

  router.post('/acceso/codigo', async (req, res) => {
    const { db, clock } = d;
    const t = res.locals.t;
    const pending = req.session.pendingStaffId;
    if (!pending) return res.redirect(303, '/admin/acceso');
    const { code } = formFields(req, ['code'] as const);
    if (!code.trim()) return codePage(req, res, { errors: { code: t('errors.required') } }, 422);
    if (await throttled(d, req)) return codePage(req, res, { generalError: t('admin.auth.throttled') }, 429);
    const r = await staffCodeStep(db.knex, { id: pending, code, ip: clientIp(req), now: clock.now(), key: d.dataKey });
    if (!r.ok) {
      await countFailure(d, req);
      return codePage(req, res, { generalError: t('admin.auth.code.failed') }, 401);
    }
    await startSession(d, req, pending, false);
    if (r.method === 'recovery') {
      const staff = await findStaffById(db.knex, pending);
      req.session.adminFlash = {
        kind: 'warning', key: 'admin.auth.code.recoveryUsed',
        params: { count: String(staff?.recovery_code_hashes.length ?? 0) },
      };
    }
    return res.redirect(303, '/admin');
  });

  router.get('/alta-2fa', async (req, res) => {
    if (!req.staff) return res.redirect(303, '/admin/acceso');
    if (!req.session.staffEnrolling) return res.redirect(303, '/admin');
    await enrolPage(d, req, res, {});
  });

  router.post('/alta-2fa', async (req, res) => {
    if (!req.staff) return res.redirect(303, '/admin/acceso');
    if (!req.session.staffEnrolling) return res.redirect(303, '/admin');
    const { db, clock } = d;
    const t = res.locals.t;
    const { code } = formFields(req, ['code'] as const);
    if (!code.trim()) return enrolPage(d, req, res, { code: t('errors.required') }, 422);
    if (await throttled(d, req)) return enrolPage(d, req, res, { code: t('admin.auth.throttled') }, 429);
    const r = await confirmEnrolment(
      db.knex, { id: req.staff.id, code, ip: clientIp(req), now: clock.now(), key: d.dataKey },
    );
    if (!r.ok) return enrolPage(d, req, res, { code: t('admin.auth.enrol.wrongCode') }, 422);
    // the session was opened with the password only; it now holds both factors
    await startSession(d, req, req.staff.id, false, req.session.staffCreatedAt);
    res.locals.staff = req.staff;
    res.set('Cache-Control', 'no-store');
    render(
      req, res, 'admin/auth/recovery-codes',
      { title: res.locals.t('admin.auth.recovery.title'), codes: r.recoveryCodes },
    );
  });

  // A staff member's own password: self-service, and forced after a supervisor-chosen one.
  const signedIn = (req: Request, res: Response): boolean => {
    if (!req.staff) res.redirect(303, '/admin/acceso');
    else if (req.session.staffEnrolling) res.redirect(303, '/admin/alta-2fa');
    else return true;
    return false;
  };

  router.get('/contrasena', (req, res) => {
    if (signedIn(req, res)) passwordPage(req, res, {});
  });

  router.post('/contrasena', async (req, res) => {
    if (!signedIn(req, res)) return;
    const { db, clock, config } = d;
    const t = res.locals.t;
    const staff = req.staff!;
    const form = formFields(req, ['currentPassword', 'newPassword', 'newPasswordConfirm'] as const);
    const errors: Record<string, string> = {};
    if (!form.currentPassword) errors.currentPassword = t('errors.required');
    const problem = newPasswordProblem(
      res, form.newPassword, form.newPasswordConfirm,
      [staff.staffId, staff.firstName, staff.lastName, staff.email.split('@')[0] ?? ''],
    );
    if (problem) errors.newPassword = problem;
    else if (form.newPassword === form.currentPassword) errors.newPassword = t('admin.auth.password.same');
    if (Object.keys(errors).length) return passwordPage(req, res, errors, 422);
    if (await throttled(d, req)) return passwordPage(req, res, { currentPassword: t('admin.auth.throttled') }, 429);
    const r = await changeStaffPassword(
      db.knex, config,
      {
        id: staff.id, current: form.currentPassword, next: form.newPassword, ip: clientIp(req), now: clock.now(),
        keepSid: req.sessionID,
      },
    );
    if (r === 'locked') {
      await regenerateSession(req);
      return res.redirect(303, '/admin/acceso');
    }
    if (r === 'wrong_current') {
      return passwordPage(req, res, { currentPassword: t('admin.auth.password.wrongCurrent') }, 422);
    }
    // a new session id and token after the change, as after a login
    await startSession(d, req, staff.id, false, req.session.staffCreatedAt);
    req.session.adminFlash = { kind: 'success', key: 'admin.auth.password.changed' };
    res.redirect(303, '/admin');
  });

  // The link a reset emails to the staff member (never shown to the supervisor).
  router.get('/restablecer', async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const { db, clock } = d;
    const who = token ? await staffOfResetLink(db.knex, token, clock.now()) : null;
    resetPage(req, res, who ? token : null, {}, who ? 200 : 410);
  });

  router.post('/restablecer', async (req, res) => {
    const { db, clock, config } = d;
    const form = formFields(req, ['token', 'newPassword', 'newPasswordConfirm'] as const);
    const who = form.token ? await staffOfResetLink(db.knex, form.token, clock.now()) : null;
    if (!who) return resetPage(req, res, null, {}, 410);
    const problem = newPasswordProblem(
      res, form.newPassword, form.newPasswordConfirm,
      [who.staffId, who.firstName, who.lastName, who.email.split('@')[0] ?? ''],
    );
    if (problem) return resetPage(req, res, form.token, { newPassword: problem }, 422);
    if (
      !(
        await resetStaffPassword(
          db.knex, config, { token: form.token, password: form.newPassword, ip: clientIp(req), now: clock.now() },
        )
      )
    ) {
      return resetPage(req, res, null, {}, 410);
    }
    await regenerateSession(req);
    req.session.adminFlash = { kind: 'success', key: 'admin.auth.reset.done' };
    res.redirect(303, '/admin/acceso');
  });

  router.post('/salir', async (req, res) => {
    const { db, clock } = d;
    const lang = res.locals.lang as Language;
    if (req.session.staffId) {
      await audit(
        db.knex,
        {
          actorType: 'staff', actorId: req.session.staffId, action: 'staff.logout', targetType: 'staff',
          targetId: req.session.staffId, ip: clientIp(req), at: clock.now(),
        },
      );
    }
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.clearCookie(res.locals.adminCookieName as string, { path: '/admin' });
    setLanguageCookie(res, lang, d.config.production);
    res.redirect(303, '/admin/acceso?salida=1');
  });

  // The admin's own language switch: the customer one posts to the customer session.
  router.post('/idioma', (req, res) => {
    const parsed = z.object({ lang: z.string(), next: z.string().optional() }).safeParse(req.body);
    let next = safeLocalPath(parsed.success ? parsed.data.next : undefined, '/admin');
    if (!next.startsWith('/admin')) next = '/admin';
    if (parsed.success && isLanguage(parsed.data.lang)) {
      req.session.lang = parsed.data.lang;
      setLanguageCookie(res, parsed.data.lang, d.config.production);
    }
    res.redirect(303, next);
  });

  return router;
}
