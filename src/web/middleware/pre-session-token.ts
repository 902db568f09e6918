import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';

/**
 * The CSRF token of a visitor who has not logged in, kept in a signed HttpOnly cookie instead
 * of a session row. Without it every anonymous page with a form (the home page's login form
 * first of all) wrote a session row just to hold its token: one INSERT per visit, and a table
 * that any crawler could fill. The token is as secret as a session's (another site can read
 * neither the cookie nor the page); the signature means only this server mints one; the
 * `__Host-` prefix in production keeps a neighbouring subdomain from planting one. Once a
 * user logs in, the session gets a token of its own (startUserSession) and this one no longer
 * counts.
 */
export interface PreSessionToken {
  get(): string | undefined;
  set(token: string | undefined): void;
}

export function preSessionCookieName(production: boolean): string {
  return production ? '__Host-ac.pre' : 'ac.pre';
}

function signature(secret: string, token: string): string {
  return crypto.createHmac('sha256', secret).update(`pre-session-csrf:${token}`).digest('base64url');
}

/** The cookie's value for a token: `token.signature`. */
export function signedPreSessionValue(secret: string, token: string): string {
  return `${token}.${signature(secret, token)}`;
}

export function preSessionCookieOptions(production: boolean) {
  return { httpOnly: true, sameSite: 'lax' as const, secure: production, path: '/' };
}

/** The token of a cookie value `token.signature`, or undefined when it was not signed here. */
export function verifiedToken(secret: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const token = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(signature(secret, token));
  return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? token : undefined;
}

export function hasLoggedInIdentity(req: Request): boolean {
  const s = req.session as { userId?: unknown; staffId?: unknown } | undefined;
  return Boolean(s?.userId || s?.staffId);
}

/** Runs after the cookie parser: gives the CSRF middleware the visitor's pre-session token. */
export function preSessionTokens(o: { secret: string; production: boolean }): RequestHandler {
  const name = preSessionCookieName(o.production);
  const options = preSessionCookieOptions(o.production);
  return (req, res, next) => {
    let token: string | undefined;
    let read = false;
    req.preSessionToken = {
      get() {
        if (!read) {
          read = true;
          token = verifiedToken(o.secret, (req.cookies as Record<string, unknown> | undefined)?.[name]);
        }
        return token;
      },
      set(next) {
        read = true;
        token = next;
        if (next === undefined) res.clearCookie(name, options);
        else res.cookie(name, signedPreSessionValue(o.secret, next), options);
      },
    };
    next();
  };
}
