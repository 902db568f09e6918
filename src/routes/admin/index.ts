import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import cookieParser from 'cookie-parser';
import type { AppDeps } from '../../deps';
import type { Config } from '../../config';
import type { Database } from '../../data/db';
import { ADMIN_ABSOLUTE_HOURS } from '../../domain/staff';
import { languageMiddleware } from '../../web/middleware/language';
import { pgSession } from '../../web/middleware/session';
import { csrfLocals, csrfProtection } from '../../web/middleware/csrf';
import { classifyError } from '../../web/middleware/errors';
import { ensureLocals } from '../../web/middleware/locals';
import { render } from '../../web/render';
import { loadStaff } from '../../web/middleware/staff';
import { adminAuthRoutes } from './auth';
import { adminStaffRoutes } from './staff';
import { adminHomeRoutes } from './home';
import { adminBillingRoutes } from './billing';
import { adminAuditRoutes } from './audit';
import { adminOutboxRoutes } from './outbox';
import { adminCustomerRoutes } from './customers';
import { adminReviewRoutes } from './reviews';
import { adminRequestRoutes } from './requests';
import { adminRefundRoutes } from './refunds';
import { adminPowerChangeRoutes } from './power-changes';
import { adminComplaintRoutes } from './complaint-resolution';
import { adminRectifyingRoutes } from './rectifying';
import { adminPromotionRoutes } from './promotions';
import { adminNewSupplyRoutes } from './new-supply';

export function adminCookieName(config: Config): string {
  // __Host- needs Path=/; the admin cookie is confined to /admin, so only __Secure- applies
  return config.production ? '__Secure-ac.admin' : 'ac.admin';
}

function adminSession(config: Config, db: Database, secret: string): RequestHandler {
  return pgSession({
    pool: db.sessionPool, table: 'staff_sessions', cookieName: adminCookieName(config), secret,
    ttlSeconds: ADMIN_ABSOLUTE_HOURS * 3600,
    prune: config.pruneSessions, cookie: { path: '/admin', sameSite: 'strict', secure: config.production },
  });
}

const adminLocals: RequestHandler = (req, res, next) => {
  ensureLocals(req, res);
  res.locals.user = null;
  res.locals.staff ??= null;
  if (req.session?.adminFlash && req.method === 'GET') {
    res.locals.flash = req.session.adminFlash;
    delete req.session.adminFlash;
  }
  next();
};

const adminNotFound: RequestHandler = (req, res) => {
  ensureLocals(req, res);
  const title = res.locals.t('errors.notFound.title');
  render(req, res, 'admin/error', { errorKey: 'notFound', title }, { status: 404 });
};

const adminErrors: ErrorRequestHandler = (err, req, res, next) => {
  const known = classifyError(err);
  if (!known || res.headersSent) return next(err);
  if (known.status === 401) {
    res.redirect(303, '/admin/acceso');
    return;
  }
  ensureLocals(req, res);
  const title = res.locals.t(`errors.${known.key}.title`);
  render(req, res, 'admin/error', { errorKey: known.key, title }, { status: known.status });
};

/**
 * The admin section, mounted at /admin before the customer session middleware: its own
 * cookie (path /admin), its own session table, so neither kind of session opens the other's
 * pages. Each area's router is added below.
 */
export function adminRoutes(d: AppDeps): Router {
  const { config, db, sessionSecret } = d;
  const router = Router();
  const cookieName = adminCookieName(config);
  router.use((_req, res, next) => {
    res.locals.adminCookieName = cookieName;
    next();
  });
  router.use(cookieParser());
  router.use(adminSession(config, db, sessionSecret));
  router.use(languageMiddleware);
  router.use(express.urlencoded({ extended: false, limit: config.bodyLimit, parameterLimit: 200 }));
  router.use(express.json({ limit: config.bodyLimit }));
  router.use(csrfLocals);
  router.use(csrfProtection);
  router.use(loadStaff(d));
  router.use(adminLocals);

  router.use(adminAuthRoutes(d));
  router.use(adminHomeRoutes(d));
  router.use(adminStaffRoutes(d));
  router.use(adminCustomerRoutes(d));
  router.use(adminReviewRoutes(d));
  router.use(adminRequestRoutes(d));
  router.use(adminPowerChangeRoutes(d));
  router.use(adminComplaintRoutes(d));
  router.use(adminNewSupplyRoutes(d));
  router.use(adminRectifyingRoutes(d));
  router.use(adminPromotionRoutes(d));

  router.use(adminBillingRoutes(d));
  router.use(adminAuditRoutes(d));
  router.use(adminOutboxRoutes(d));
  router.use(adminRefundRoutes(d));

  router.use(adminNotFound);
  router.use(adminErrors);
  return router;
}
