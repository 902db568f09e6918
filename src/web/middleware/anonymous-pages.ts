import crypto from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { chooseLanguage, LANG_COOKIE } from './language';
import {
  preSessionCookieName, preSessionCookieOptions, signedPreSessionValue, verifiedToken,
} from './pre-session-token';

/**
 * The public pages a visitor without a session sees (the home page with its login form) are
 * the same for every such visitor of one language except for the CSRF token. The profile put
 * nine tenths of such a request in the session, body, CSRF, user and locals middleware and the
 * render, all of which only rebuild that same page. So the first visit's page, rendered the
 * ordinary way, is kept per path and language with its token cut out, and the next visitors
 * get that copy with their own token put back (the one of their signed cookie, or a new one
 * with its cookie, exactly as the ordinary way would do).
 *
 * Anything that could make the page differ goes the ordinary way: a session cookie (a user,
 * a flash message, a chosen language, a session's own token), a query string, an htmx request,
 * another method. In development a kept page lasts a second, so edited templates and assets
 * show on the next reload.
 */
export interface AnonymousPagesOptions {
  paths: readonly string[];
  sessionCookie: string;
  secret: string;
  production: boolean;
  /** Milliseconds, for the development lifetime of a kept page. */
  now: () => number;
}

interface KeptPage {
  /** The page split at its token; a page without a form is one part. */
  parts: string[];
  /** The headers the ordinary way set after this point (Vary and the like), cookies aside. */
  headers: [string, string | number | string[]][];
  keptAt: number;
}

const DEV_LIFETIME_MS = 1000;

/** Called by render() with the finished page of a request that may be kept. */
export type KeepRendered = (html: string, status: number, token: string | undefined) => void;

export function anonymousPages(o: AnonymousPagesOptions): RequestHandler {
  const paths = new Set(o.paths);
  const lifetime = o.production ? Infinity : DEV_LIFETIME_MS;
  const kept = new Map<string, KeptPage>();
  const tokenCookie = preSessionCookieName(o.production);
  const tokenCookieOptions = preSessionCookieOptions(o.production);

  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !paths.has(req.url)) return next();
    if (req.headers['hx-request'] !== undefined) return next();
    const cookies = cookieValues(req.headers.cookie);
    if (cookies.has(o.sessionCookie)) return next();
    const key = `${chooseLanguage(undefined, cookies.get(LANG_COOKIE), req.headers['accept-language'])} ${req.url}`;
    const page = kept.get(key);
    const now = o.now();
    if (!page || now - page.keptAt > lifetime) {
      res.locals.keepRendered = keeper(res, (p) => kept.set(key, p), now);
      return next();
    }
    let token = '';
    if (page.parts.length > 1) {
      const fromCookie = verifiedToken(o.secret, cookies.get(tokenCookie));
      if (fromCookie) token = fromCookie;
      else {
        token = crypto.randomBytes(32).toString('hex');
        res.cookie(tokenCookie, signedPreSessionValue(o.secret, token), tokenCookieOptions);
      }
    }
    for (const [name, value] of page.headers) res.setHeader(name, value);
    res.status(200).type('html').send(page.parts.join(token));
  };
}

function keeper(res: Response, store: (p: KeptPage) => void, keptAt: number): KeepRendered {
  const before = new Map(Object.entries(res.getHeaders()));
  return (html, status, token) => {
    if (status !== 200) return;
    const added = ([name, value]: [string, unknown]) =>
      name !== 'set-cookie' && value !== undefined && before.get(name) !== value;
    const headers = Object.entries(res.getHeaders()).filter(added) as KeptPage['headers'];
    store({ parts: token ? html.split(token) : [html], headers, keptAt });
  };
}

/** Just the cookie names and values; cookie-parser has not run yet at this point. */
export function cookieValues(header: string | undefined): Map<string, string> {
  const values = new Map<string, string>();
  if (!header) return values;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const name = pair.slice(0, eq).trim();
    if (values.has(name)) continue; // the first one wins, as in cookie-parser
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      values.set(name, decodeURIComponent(value));
    } catch {
      values.set(name, value);
    }
  }
  return values;
}
