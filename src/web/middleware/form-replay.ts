import crypto from 'node:crypto';
import busboy from 'busboy';
import type { Request, RequestHandler, Response } from 'express';
import { evaluateSession, sessionPolicyFrom } from '../../domain/sessions';
import { deleteFormReplay, findFormReplay, saveFormReplay, type ReplayFields } from '../../data/form-replays-repo';
import type { AppDeps } from '../../deps';
import { safeLocalPath } from '../safe-redirect';

declare module 'express-session' {
  interface SessionData {
    /** The first page after logging in already sent the user on to a kept form. */
    replayRedirected?: boolean;
  }
}

/**
 * A form sent after the session expired is not lost (WCAG 2.2.1): what was typed is kept
 * server-side for this browser, under an opaque cookie (never in the URL), and after the
 * same person logs in again they land back on the form with it filled in. Passwords,
 * secret answers, card data and files are never kept.
 */

export const REPLAY_COOKIE = 'ac.replay';
const KEEP_MS = 30 * 60_000;
const MAX_FIELDS = 60;
const MAX_VALUE = 8000;
const NEVER_KEPT = /^_csrf$|pass|contras|secret|respuesta|answer|cvv|card|tarjeta|token|code$|codigo/i;

// logging in or out and switching language are not something typed to be kept
const NOT_FORMS_TO_KEEP = new Set(['/salir', '/acceso', '/idioma', '/sesion/seguir']);

const keyHash = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

function keep(fields: ReplayFields, name: string, value: unknown): void {
  if (typeof value !== 'string' || NEVER_KEPT.test(name) || name.length > 100) return;
  if (Object.keys(fields).length >= MAX_FIELDS && !(name in fields)) return;
  const v = value.slice(0, MAX_VALUE);
  const prev = fields[name];
  fields[name] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
}

/** The text fields of a multipart body; files are read past, never kept. */
function multipartFields(req: Request): Promise<{ fields: ReplayFields; csrf?: string }> {
  return new Promise((resolve) => {
    const fields: ReplayFields = {};
    let csrf: string | undefined;
    let bb: busboy.Busboy;
    try {
      bb = busboy(
        { headers: req.headers, limits: { fields: MAX_FIELDS, fieldSize: MAX_VALUE, fileSize: 10 * 1024 * 1024 } },
      );
    } catch {
      resolve({ fields });
      return;
    }
    bb.on('field', (name, value) => {
      if (name === '_csrf') csrf = value;
      else keep(fields, name, value);
    });
    bb.on('file', (_name, stream) => stream.resume());
    bb.on('close', () => resolve({ fields, csrf }));
    bb.on('error', () => resolve({ fields, csrf }));
    req.pipe(bb);
  });
}

function samePagePath(req: Request): string {
  const referer = req.get('referer');
  if (referer) {
    try {
      const url = new URL(referer);
      if (url.host === req.get('host')) return url.pathname + url.search;
    } catch { /* not a URL: use the form's own address */ }
  }
  return req.path;
}

function sameToken(a: string | undefined, b: unknown): boolean {
  if (!a || typeof b !== 'string' || a.length !== b.length) return false;
  return crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * Runs after the CSRF check and before the session is judged: a POST of a session that is
 * about to be found expired is kept. Multipart bodies (uploads) skip the general CSRF check,
 * so their token is compared with the session's here.
 */
export function captureExpiredForm(deps: AppDeps): RequestHandler {
  const policy = sessionPolicyFrom(deps.config.sessionIdleMinutes, deps.config.sessionAbsoluteHours);
  return async (req, res, next) => {
    const s = req.session;
    if (req.method !== 'POST' || !s?.userId || NOT_FORMS_TO_KEEP.has(req.path)) return next();
    const now = deps.clock.now();
    if (evaluateSession({ createdAt: s.createdAt ?? 0, lastSeenAt: s.lastSeenAt ?? 0 }, now, policy) === 'valid') {
      return next();
    }
    let fields: ReplayFields = {};
    if ((req.get('content-type') ?? '').toLowerCase().startsWith('multipart/')) {
      const parsed = await multipartFields(req);
      if (!sameToken(parsed.csrf, (s as { csrfToken?: unknown }).csrfToken)) return next();
      fields = parsed.fields;
    } else {
      for (const [name, value] of Object.entries((req.body ?? {}) as Record<string, unknown>)) {
        for (const v of Array.isArray(value) ? value : [value]) keep(fields, name, v);
      }
    }
    if (Object.keys(fields).length) {
      const token = crypto.randomBytes(32).toString('base64url');
      await saveFormReplay(deps.db.knex, keyHash(token), {
        userId: s.userId, pagePath: samePagePath(req), formAction: req.path, fields,
      }, now, new Date(now.getTime() + KEEP_MS));
      res.cookie(REPLAY_COOKIE, token, {
        httpOnly: true, sameSite: 'lax', secure: deps.config.production, path: '/', maxAge: KEEP_MS,
      });
    }
    next();
  };
}

function forget(res: Response, deps: AppDeps): void {
  res.clearCookie(REPLAY_COOKIE, { httpOnly: true, sameSite: 'lax', secure: deps.config.production, path: '/' });
}

/**
 * After logging in again: the first page shown goes on to the kept form, which is rendered
 * with the typed values (see `render`), once. Someone else logging in on this browser never
 * sees them: the kept form is dropped instead.
 */
export function restoreExpiredForm(deps: AppDeps): RequestHandler {
  return async (req, res, next) => {
    const token = (req.cookies as Record<string, string> | undefined)?.[REPLAY_COOKIE];
    if (!token || !req.user || req.method !== 'GET') return next();
    if (req.get('HX-Request') === 'true' && req.get('HX-Boosted') !== 'true') return next();
    const hash = keyHash(token);
    const kept = await findFormReplay(deps.db.knex, hash, deps.clock.now());
    if (!kept || kept.userId !== req.user.id) {
      if (kept) await deleteFormReplay(deps.db.knex, hash);
      forget(res, deps);
      return next();
    }
    if (req.originalUrl !== kept.pagePath) {
      // once only: a form page that itself redirects must not send the user round in circles
      if (!req.session.replayRedirected) {
        req.session.replayRedirected = true;
        res.redirect(303, safeLocalPath(kept.pagePath, '/suministros'));
        return;
      }
      await deleteFormReplay(deps.db.knex, hash);
      forget(res, deps);
      return next();
    }
    delete req.session.replayRedirected;
    await deleteFormReplay(deps.db.knex, hash);
    forget(res, deps);
    res.locals.formReplay = { action: kept.formAction, fields: kept.fields };
    res.locals.flash = { kind: 'info', key: 'sessionTime.replayed' };
    next();
  };
}
