import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import type { RequestHandler } from 'express';
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
  });
  return session({
    name: o.cookieName,
    secret: o.secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    unset: 'destroy',
    cookie: { httpOnly: true, ...o.cookie },
  });
}

export function sessionMiddleware(config: Config, pool: pg.Pool, secret: string, pruneStore: boolean): RequestHandler {
  return pgSession({
    pool, table: 'sessions', cookieName: sessionCookieName(config), secret,
    ttlSeconds: config.sessionAbsoluteHours * 3600, prune: pruneStore,
    cookie: { path: '/', sameSite: 'lax', secure: config.production },
  });
}
