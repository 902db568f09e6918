import { csrfSync } from 'csrf-sync';
import type { Request, RequestHandler } from 'express';
import { acceptsUpload } from './upload-routes';
import { hasLoggedInIdentity, type PreSessionToken } from './pre-session-token';

const sync = csrfSync({
  // 256 random bits, as hex: the library's default of 1,024 bits made every form and cookie
  // four times longer for no added safety
  size: 32,
  getTokenFromRequest: (req: Request) => {
    const body = req.body as Record<string, unknown> | undefined;
    const fromBody = body && typeof body._csrf === 'string' ? body._csrf : undefined;
    return fromBody ?? req.get('x-csrf-token');
  },
  // A visitor who has not logged in keeps the token in a signed cookie of its own (see
  // pre-session-token.ts), so showing them a form stores no session row; a logged-in session
  // (and any session that already holds a token) keeps it server-side as before.
  getTokenFromState: (req: Request) => {
    const inSession = req.session?.csrfToken;
    if (typeof inSession === 'string') return inSession;
    return usesPreSessionToken(req) ? req.preSessionToken!.get() : undefined;
  },
  storeTokenInState: (req: Request, token?: string | null) => {
    if (usesPreSessionToken(req)) req.preSessionToken!.set(token ?? undefined);
    else if (req.session) req.session.csrfToken = token;
  },
});

declare module 'express-serve-static-core' {
  interface Request {
    preSessionToken?: PreSessionToken;
  }
}

function usesPreSessionToken(req: Request): boolean {
  return req.preSessionToken !== undefined && !hasLoggedInIdentity(req);
}

export const generateCsrfToken = sync.generateToken;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

// Server-to-server callbacks carry their own signature instead of a session token.
const SIGNED_CALLBACKS = new Set(['/pagos/redsys/notificacion']);

export function isMultipart(req: Request): boolean {
  return (req.get('content-type') ?? '').toLowerCase().startsWith('multipart/');
}

/** The 415 answer to a multipart body sent where no file is expected. */
export class UnsupportedMediaTypeError extends Error {
  readonly status = 415;
  readonly code = 'EMULTIPART';
  constructor() {
    super('multipart/form-data is only accepted by upload forms');
  }
}

/** The session's token against the one the request carries (body field `_csrf` or header). */
export function csrfTokenValid(req: Request): boolean {
  return sync.isRequestValid(req);
}

export const invalidCsrfTokenError = sync.invalidCsrfTokenError;

/**
 * Every state-changing request carries the session's token, checked here before any route
 * runs. A multipart body is not parsed yet at this point: its token is taken from the
 * `x-csrf-token` header when there is one (htmx); otherwise only an upload route may receive
 * it, and its upload parser checks the `_csrf` field, which forms put before the file inputs,
 * before it accepts the first file byte. Anywhere else multipart is refused (415) unread.
 */
export const csrfProtection: RequestHandler = (req, res, next) => {
  if (SAFE_METHODS.has(req.method)) return next();
  if (req.method === 'POST' && SIGNED_CALLBACKS.has(req.path)) return next();
  if (!isMultipart(req)) return sync.csrfSynchronisedProtection(req, res, next);
  if (req.get('x-csrf-token') !== undefined && !csrfTokenValid(req)) return next(sync.invalidCsrfTokenError);
  if (!acceptsUpload(req)) return next(new UnsupportedMediaTypeError());
  // checked by the upload parser (src/adapters/uploads.ts) from the fields before the first file
  if (req.get('x-csrf-token') === undefined) req.csrfInBody = () => csrfTokenValid(req);
  next();
};

/**
 * Kept for upload routes written as `parseUpload(...), verifyCsrf`: the token was already
 * checked (by the header, or by the upload parser from the fields before the files).
 */
export const verifyCsrf: RequestHandler = (req, res, next) => sync.csrfSynchronisedProtection(req, res, next);

/** Exposes the token to every template (hidden field `_csrf`, and `hx-headers` for htmx). */
export const csrfLocals: RequestHandler = (req, res, next) => {
  res.locals.csrfToken = () => generateCsrfToken(req);
  next();
};
