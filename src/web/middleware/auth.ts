import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { evaluateSession, sessionPolicyFrom } from '../../domain/sessions';
import { findUserById } from '../../data/users-repo';
import type { AppDeps } from '../../deps';
import { DomainError } from '../../domain/errors';
import type { Action } from '../../domain/access';
import { loadUserAccess, type UserAccess } from '../../services/access';
import type { Actor } from '../../services/requests';
import { clientIp } from '../forms';
import { setActingForBanner } from './acting-for';

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
  }
}

export interface CurrentUser {
  id: number;
  loginId: string;
  firstName: string;
  lastName: string;
  email: string;
  language: 'es' | 'ca';
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: CurrentUser;
    access?: UserAccess;
  }
}

// Avoids a session write on every request; idle time is measured to this precision.
const TOUCH_EVERY_MS = 30_000;

export function deps(req: Request): AppDeps {
  return req.app.locals.deps as AppDeps;
}

/**
 * The page the user was on, to come back to after logging in again: the URL of a normal or
 * htmx-boosted GET, or the page an htmx fragment was requested from (HX-Current-URL).
 */
function pageToReturnTo(req: Request): string | undefined {
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
export const loadUser: RequestHandler = async (req, res, next) => {
  const s = req.session;
  if (!s?.userId) return next();
  const { config, clock, db } = deps(req);
  const now = clock.now();
  const state = evaluateSession({ createdAt: s.createdAt ?? 0, lastSeenAt: s.lastSeenAt ?? 0 }, now, sessionPolicyFrom(config.sessionIdleMinutes, config.sessionAbsoluteHours));
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
  const user = await findUserById(db.knex, s.userId);
  if (!user || user.status !== 'active') {
    await new Promise<void>((resolve) => s.regenerate(() => resolve()));
    res.redirect(303, '/');
    return;
  }
  if (now.getTime() - (s.lastSeenAt ?? 0) >= TOUCH_EVERY_MS) s.lastSeenAt = now.getTime();
  req.user = { id: user.id, loginId: user.login_id, firstName: user.first_name, lastName: user.last_name, email: user.email, language: user.language };
  res.locals.user = req.user;
  next();
};

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

export async function userAccess(req: Request): Promise<UserAccess> {
  if (!req.user) throw new DomainError('unauthenticated');
  req.access ??= await loadUserAccess(deps(req).db.knex, req.user.id);
  return req.access;
}

/**
 * The access guard: the customer comes from the route (`:customerId`); a customer the user
 * cannot read is "not found", so ids of other customers reveal nothing.
 */
export function requireCustomer(action: Action): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const customerId = Number(req.params.customerId);
    if (!req.user) return requireUser(req, res, next);
    if (!Number.isSafeInteger(customerId) || customerId <= 0) throw new DomainError('not_found');
    const access = (await userAccess(req)).to(customerId);
    if (!access.read) throw new DomainError('not_found');
    if (action === 'act' && !access.act) throw new DomainError('forbidden');
    if (action === 'manage_contacts' && !access.manageContacts) throw new DomainError('forbidden');
    res.locals.customerAccess = access;
    res.locals.actingFor = customerId;
    await setActingForBanner(deps(req).db.knex, res, customerId, access);
    next();
  };
}

/** The logged-in user as the author of a gestión (who did it, where to write, from where). */
export function requestActor(req: Request): Actor {
  const u = req.user!;
  return { userId: u.id, email: u.email, firstName: u.firstName, language: u.language, ip: clientIp(req) };
}
