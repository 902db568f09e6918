import type { Request, Response } from 'express';
import { generateCsrfToken } from './middleware/csrf';
import { LANG_COOKIE } from './middleware/language';
import { safeLocalPath } from './safe-redirect';
import type { AppDeps } from '../deps';
import type { AccountCtx } from '../services/account-context';
import { clientIp } from './forms';
import type { FieldErrors } from './validation';
import type { FieldIssue } from '../services/field-issues';

/** The account use cases' context for one request, read from the router's deps. */
export function accountCtx(deps: AppDeps, req: Request): AccountCtx {
  return { db: deps.db.knex, now: deps.clock.now(), config: deps.config, ip: clientIp(req), dataKey: deps.dataKey };
}

/** A use case's field problems, next to the fields. */
export function addIssues(e: FieldErrors, issues: FieldIssue[]): void {
  for (const i of issues) {
    if (i.key !== undefined) e.add(i.field, i.key);
    else e.addText(i.field, i.text);
  }
}

declare module 'express-session' {
  interface SessionData {
    /** Password right, code pending (customer login with a second factor). */
    pendingUserId?: number;
    pendingSince?: number;
    /** Password right, but the policy requires setting up a second factor before anything else. */
    enrolUserId?: number;
  }
}

const YEAR_MS = 365 * 24 * 3600 * 1000;

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

/** A half-way state (code or enrolment pending) in a fresh session id, keeping only the language. */
export async function startPendingSession(req: Request, state: { pendingUserId: number; pendingSince: number } | { enrolUserId: number; pendingSince: number }): Promise<void> {
  const lang = req.session.lang;
  const returnTo = req.session.returnTo;
  await regenerate(req);
  Object.assign(req.session, state);
  if (lang) req.session.lang = lang;
  if (returnTo) req.session.returnTo = returnTo;
}

/** The logged-in session: a new id and a new CSRF token, so nothing from before carries over. */
export async function startUserSession(req: Request, res: Response, user: { id: number; language: 'es' | 'ca' }, now: Date): Promise<string> {
  const returnTo = safeLocalPath(req.session.returnTo, '/suministros');
  await regenerate(req);
  req.session.userId = user.id;
  req.session.createdAt = now.getTime();
  req.session.lastSeenAt = now.getTime();
  req.session.lang = user.language;
  generateCsrfToken(req, true);
  res.cookie(LANG_COOKIE, user.language, { httpOnly: true, sameSite: 'lax', maxAge: YEAR_MS, path: '/' });
  return returnTo;
}
