import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import type { RequestHandler, Response } from 'express';
import type pg from 'pg';
import type { Config } from '../../config';

export function sessionCookieName(config: Config): string {
  // __Host- binds the cookie to this exact origin over HTTPS (no Domain, Path=/)
  return config.production ? '__Host-ac.sid' : 'ac.sid';
}

export interface PgSessionOptions {
  pool: pg.Pool;
  table: string;
  cookieName: string;
  secret: string;
  ttlSeconds: number;
  /** Only one process should prune; in-memory test databases never need it. */
  prune: boolean;
  cookie: { path: string; sameSite: 'lax' | 'strict'; secure: boolean };
}

/** A server-side session kept in a PostgreSQL table, for customers and (separately) staff. */
export function pgSession(o: PgSessionOptions): RequestHandler {
  const PgStore = connectPgSimple(session);
  const store = new PgStore({
    pool: o.pool,
    tableName: o.table,
    createTableIfMissing: false,
    ttl: o.ttlSeconds,
    pruneSessionInterval: o.prune ? 15 * 60 : false,
    // No UPDATE of the row's expiry on every request that leaves the session as it was: the
    // idle and absolute limits are kept in the session itself (lastSeenAt, saved at most every
    // 30 s, and createdAt; web/current-user.ts, middleware/staff.ts), and every save already
    // moves the row's expiry to a full TTL, past the absolute limit.
    disableTouch: true,
  });
  const sessions = session({
    name: o.cookieName,
    secret: o.secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    unset: 'destroy',
    cookie: { httpOnly: true, ...o.cookie },
  });
  return (req, res, next) => sessions(req, res, (err?: unknown) => {
    if (!err) {
      saveBeforeRedirect(req, res, next);
      return;
    }
    // the store could not be read (the database is down): without this, express-session takes
    // the missing session for one to destroy, fails again while the error page is going out,
    // and the connection is cut instead of answering 503
    (req as { sessionID?: string }).sessionID = undefined;
    next(err);
  });
}

function isRedirect(res: Response): boolean {
  if (res.statusCode >= 300 && res.statusCode < 400) return true;
  return res.hasHeader('HX-Redirect') || res.hasHeader('HX-Location');
}

/**
 * express-session saves a changed session while the response is already going out: it writes
 * the headers first and holds back only the last byte. A browser follows a 303 (or htmx an
 * HX-Redirect) as soon as it reads the headers, so the next page could be asked for before the
 * login, the flash message or the next step was stored, and land logged out. A redirect
 * therefore waits for the save; other answers are left as they are.
 */
const saveBeforeRedirect: RequestHandler = (req, res, next) => {
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    if (!req.session || res.headersSent || !isRedirect(res)) return end(...args);
    req.session.save((err) => {
      if (err) req.log?.error({ err }, 'session not saved before a redirect');
      end(...args);
    });
    return res;
  }) as Response['end'];
  next();
};

export function sessionMiddleware(config: Config, pool: pg.Pool, secret: string, pruneStore: boolean): RequestHandler {
  return pgSession({
    pool, table: 'sessions', cookieName: sessionCookieName(config), secret,
    ttlSeconds: config.sessionAbsoluteHours * 3600, prune: pruneStore,
    cookie: { path: '/', sameSite: 'lax', secure: config.production },
  });
}
