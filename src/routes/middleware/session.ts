import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import type { RequestHandler } from 'express';
import type pg from 'pg';
import type { Config } from '../../config';

export function sessionCookieName(config: Config): string {
  // __Host- binds the cookie to this exact origin over HTTPS (no Domain, Path=/)
  return config.production ? '__Host-ac.sid' : 'ac.sid';
}

export function sessionMiddleware(config: Config, pool: pg.Pool, secret: string, pruneStore: boolean): RequestHandler {
  const PgStore = connectPgSimple(session);
  const store = new PgStore({
    pool,
    tableName: 'sessions',
    createTableIfMissing: false,
    ttl: config.sessionAbsoluteHours * 3600,
    pruneSessionInterval: pruneStore ? 15 * 60 : false,
  });
  return session({
    name: sessionCookieName(config),
    secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    unset: 'destroy',
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.production,
      path: '/',
    },
  });
}
