import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../config';
import type { Knex } from 'knex';
import type { AppDeps } from '../deps';
import type { Language } from '../i18n';
import type { UserActor } from '../domain/actor';
import { DomainError } from '../domain/errors';
import { evaluateSession, sessionPolicyFrom } from '../domain/sessions';
import { findSessionUser } from '../data/users-repo';
import { loadUserAccess, loadUserLinks, type UserAccess } from '../services/access';
import type { UserLink } from '../domain/access';
import { clientIp } from './forms';
import { generateCsrfToken } from './middleware/csrf';
import { setLanguageCookie } from './middleware/language';
import { safeLocalPath } from './safe-redirect';

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    createdAt?: number;
    lastSeenAt?: number;
    /** Failed logins in this browser, so the lock hint also shows for unknown ids. */
    failedAttempts?: number;
    /** Where to go after logging in again. */
    returnTo?: string;
    flash?: { kind: 'success' | 'info' | 'warning'; key: string; params?: Record<string, string> };
    /** Password right, code pending (customer login with a second factor). */
    pendingUserId?: number;
    pendingSince?: number;
    /** Password right, but the policy requires setting up a second factor before anything else. */
    enrolUserId?: number;
  }
}

export interface CurrentUser {
  id: number;
  loginId: string;
  firstName: string;
  lastName: string;
  email: string;
  language: Language;
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: CurrentUser;
    access?: UserAccess;
    userLinks?: UserLink[];
    /** The linked customers that manage others; without it, every active link is asked about. */
    managingCustomerIds?: number[];
  }
}

// Avoids a session write on every request; idle time is measured to this precision.
const TOUCH_EVERY_MS = 30_000;

/**
 * The page the user was on, to come back to after logging in again: the URL of a normal or
 * htmx-boosted GET, or the page an htmx fragment was requested from (HX-Current-URL).
 */
export function pageToReturnTo(req: Request): string | undefined {
  if (req.method !== 'GET') return undefined;
  if (!req.get('HX-Request') || req.get('HX-Boosted') === 'true') return req.originalUrl;
  const current = req.get('HX-Current-URL');
  if (!current) return undefined;
  try {
    const url = new URL(current);
    return url.host === req.get('host') ? url.pathname + url.search : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Loads the logged-in user and enforces the idle and absolute limits server-side. An
 * expired session is emptied and the user is sent to the page that explains it.
 */
export function loadUser(d: Pick<AppDeps, 'config' | 'clock' | 'db'>): RequestHandler {
  const policy = sessionPolicyFrom(d.config.sessionIdleMinutes, d.config.sessionAbsoluteHours);
  return async (req, res, next) => {
    const s = req.session;
    if (!s?.userId) return next();
    const now = d.clock.now();
    const state = evaluateSession({ createdAt: s.createdAt ?? 0, lastSeenAt: s.lastSeenAt ?? 0 }, now, policy);
    if (state !== 'valid') {
      const returnTo = pageToReturnTo(req);
      await new Promise<void>((resolve, reject) => s.regenerate((err) => (err ? reject(err) : resolve())));
      req.session.returnTo = returnTo;
      req.session.lang = res.locals.lang;
      // the page says which limit ended the session
      const target = state === 'absolute_expired' ? '/sesion-caducada?motivo=limite' : '/sesion-caducada';
      if (req.get('HX-Request')) {
        res.set('HX-Redirect', target).status(204).end();
        return;
      }
      res.redirect(303, target);
      return;
    }
    const found = await findSessionUser(d.db.knex, s.userId);
    const user = found?.user;
    if (!found || !user || user.status !== 'active') {
      await new Promise<void>((resolve) => s.regenerate(() => resolve()));
      res.redirect(303, '/');
      return;
    }
    if (now.getTime() - (s.lastSeenAt ?? 0) >= TOUCH_EVERY_MS) s.lastSeenAt = now.getTime();
    req.user = {
      id: user.id, loginId: user.login_id, firstName: user.first_name, lastName: user.last_name,
      email: user.email, language: user.language,
    };
    res.locals.user = req.user;
    req.userLinks = found.links;
    req.managingCustomerIds = found.managing;
    next();
  };
}

/** Pages for logged-in users; others go to the login form and come back afterwards. */
export const requireUser: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  const returnTo = pageToReturnTo(req);
  if (returnTo) req.session.returnTo = returnTo;
  if (req.get('HX-Request')) {
    res.set('HX-Redirect', '/').status(204).end();
    return;
  }
  res.redirect(303, '/');
};

/** What the logged-in user may reach, loaded once per request (revocations apply at once). */
export async function accessOf(db: Knex, req: Request): Promise<UserAccess> {
  if (!req.user) throw new DomainError('unauthenticated');
  req.access ??= await loadUserAccess(db, req.user.id, await linksOf(db, req), req.managingCustomerIds);
  return req.access;
}

/** The logged-in user's links to customers, read once per request whoever asks first. */
export async function linksOf(db: Knex, req: Request): Promise<UserLink[]> {
  if (!req.user) throw new DomainError('unauthenticated');
  const links = req.userLinks ?? req.access?.links ?? await loadUserLinks(db, req.user.id);
  req.userLinks = links;
  return links;
}

/** The logged-in user as the author of a gestión (who did it, where to write, from where). */
export function userActor(req: Request): UserActor {
  const u = req.user;
  if (!u) throw new DomainError('unauthenticated');
  return { userId: u.id, email: u.email, firstName: u.firstName, language: u.language, ip: clientIp(req) };
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

/** A half-way state (code or enrolment pending) in a fresh session id, keeping only the language. */
export async function startPendingSession(
  req: Request,
  state: { pendingUserId: number; pendingSince: number } | { enrolUserId: number; pendingSince: number },
): Promise<void> {
  const lang = req.session.lang;
  const returnTo = req.session.returnTo;
  await regenerate(req);
  Object.assign(req.session, state);
  if (lang) req.session.lang = lang;
  if (returnTo) req.session.returnTo = returnTo;
}

/**
 * THE start of a customer's logged-in session, whatever proved who they are (password and code,
 * certificate): a new session id and CSRF token, so nothing from before carries over (session
 * fixation). Returns where to go next: the page that sent them to log in, if any.
 */
export async function startUserSession(
  req: Request, res: Response, user: { id: number; language: Language },
  ctx: { now: Date; config: Pick<Config, 'production'> },
): Promise<string> {
  const returnTo = safeLocalPath(req.session.returnTo, '/suministros');
  await regenerate(req);
  req.session.userId = user.id;
  req.session.createdAt = ctx.now.getTime();
  req.session.lastSeenAt = ctx.now.getTime();
  req.session.lang = user.language;
  generateCsrfToken(req, true);
  setLanguageCookie(res, user.language, ctx.config.production);
  return returnTo;
}
