import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import helmet from 'helmet';
import cookieParser from 'cookie-parser';
import { requestLog } from './web/middleware/request-log';
import { createViewEngine } from './web/render';
import { sessionCookieName, sessionMiddleware } from './web/middleware/session';
import { languageMiddleware } from './web/middleware/language';
import { csrfLocals, csrfProtection } from './web/middleware/csrf';
import { preSessionTokens } from './web/middleware/pre-session-token';
import { errorHandler, notFoundHandler } from './web/middleware/errors';
import { viewLocals } from './web/middleware/locals';
import { noStore } from './web/middleware/no-store';
import { anonymousPages } from './web/middleware/anonymous-pages';
import { homeRoutes } from './routes/home';
import { healthRoutes } from './routes/health';
import { languageRoutes } from './routes/language';
import { legalRoutes } from './routes/legal';
import { helpRoutes } from './routes/help';
import { solarRoutes } from './routes/solar';
import { newSupplyRoutes } from './routes/new-supply';
import { promotionRoutes } from './routes/promotions';
import { maintenanceServiceRoutes } from './routes/maintenance-services';
import { activationResendRoutes } from './routes/activation-resend';
import { promotionAcceptRoutes } from './routes/promotion-discounts';
import { authRoutes } from './routes/auth';
import { registerRoutes } from './routes/register';
import { activationRoutes } from './routes/activation';
import { recoverRoutes } from './routes/recover';
import { accountRoutes } from './routes/account';
import { dashboardRoutes } from './routes/dashboard';
import { bulkDownloadRoutes } from './routes/bulk-downloads';
import { devMailboxRoutes } from './web/dev/mailbox';
import { contractRoutes } from './routes/contracts';
import { invoiceRoutes } from './routes/invoices';
import { requestRoutes } from './routes/requests';
import { gestionesRoutes } from './routes/gestiones';
import { representativeRoutes } from './routes/representative';
import { cifMigrationRoutes } from './routes/cif-migration';
import { contactRoutes } from './routes/contacts';
import { registerInvitedRoutes } from './routes/register-invited';
import { externalManagerRoutes } from './routes/external-managers';
import { adminRoutes } from './routes/admin';
import { loadUser } from './web/current-user';
import { retailer } from './domain/retailer';
import { certificateLoginRoutes } from './routes/certificate-login';
import { gatewayFormOrigin } from './adapters/redsys';
import type { AppDeps } from './deps';
import { compressResponses } from './web/compression';
import { staticAssets } from './web/static-assets';
import { dispatchByFirstSegment } from './web/route-dispatch';
import { captureExpiredForm, restoreExpiredForm } from './web/middleware/form-replay';
import { sessionTimeLocals } from './web/middleware/session-time';
import { sessionTimeRoutes } from './routes/session-time';

export type { AppDeps } from './deps';


// the project folder: src/.. under tsx, dist/src/../.. when compiled (npm run build)
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '../..') : path.resolve(here, '..');
const htmxFile = path.join(root, 'node_modules/htmx.org/dist/htmx.min.js');

/** Builds the application without listening, so tests and the server share one wiring. */
export function createApp(deps: AppDeps): express.Express {
  const { config, db } = deps;
  const app = express();
  app.disable('x-powered-by');
  // pages are no-store and files carry their own validators: hashing every page body for an
  // ETag no browser may use was wasted work
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  app.locals.eta = createViewEngine(config.production);
  // for tests, which build use-case contexts from the app they started; src takes deps as parameters
  app.locals.deps = deps;
  app.locals.retailer = retailer;
  app.locals.sessionCookieName = sessionCookieName(config);

  app.use(requestLog(deps.logger));

  app.use(helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'form-action': ["'self'", ...(gatewayFormOrigin() ? [gatewayFormOrigin() as string] : [])],
        'frame-ancestors': ["'none'"],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        ...(config.production ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    strictTransportSecurity: config.production,
    referrerPolicy: { policy: 'same-origin' },
  }));

  app.use(compressResponses());
  const assets = staticAssets(path.join(root, 'public'), { 'vendor/htmx.min.js': htmxFile }, !config.production);
  app.locals.asset = assets.url;
  app.use((_req, res, next) => {
    res.locals.asset = assets.url;
    next();
  });
  app.use(assets.middleware);

  app.use(noStore);
  app.use(anonymousPages({
    paths: ['/'],
    sessionCookie: app.locals.sessionCookieName as string,
    secret: deps.sessionSecret,
    production: config.production,
    now: () => deps.clock.now().getTime(),
  }));
  app.use(healthRoutes(db));
  // before the customer session: the admin section has its own cookie, session table and CSRF
  app.use('/admin', adminRoutes(deps));

  app.use(cookieParser());
  app.use(sessionMiddleware(config, db.sessionPool, deps.sessionSecret, config.pruneSessions));
  app.use(languageMiddleware);
  app.use(express.urlencoded({ extended: false, limit: config.bodyLimit, parameterLimit: 200 }));
  app.use(express.json({ limit: config.bodyLimit }));
  app.use(preSessionTokens({ secret: deps.sessionSecret, production: config.production }));
  app.use(csrfLocals);
  app.use(csrfProtection);
  app.use(captureExpiredForm(deps));
  app.use(loadUser(deps));
  app.use(sessionTimeLocals(deps));
  app.use(viewLocals);
  app.use(restoreExpiredForm(deps));

  app.use(dispatchByFirstSegment([
    homeRoutes(deps),
    languageRoutes(deps),
    legalRoutes(deps),
    helpRoutes(deps),
    authRoutes(deps),
    registerRoutes(deps),
    activationRoutes(deps),
    activationResendRoutes(deps),
    recoverRoutes(deps),
    certificateLoginRoutes(deps),
    accountRoutes(deps),
    bulkDownloadRoutes(deps),
    dashboardRoutes(deps),
    contractRoutes(deps),
    solarRoutes(deps),
    newSupplyRoutes(deps),
    promotionRoutes(deps),
    maintenanceServiceRoutes(deps),
    promotionAcceptRoutes(deps),
    invoiceRoutes(deps),
    requestRoutes(deps),
    gestionesRoutes(deps),
    representativeRoutes(deps),
    cifMigrationRoutes(deps),
    contactRoutes(deps),
    registerInvitedRoutes(deps),
    externalManagerRoutes(deps),
    sessionTimeRoutes(deps),
    ...(config.devMailbox && !config.production ? [devMailboxRoutes(deps)] : []),
  ]));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
