import { csrfSync } from 'csrf-sync';
import type { Request, RequestHandler } from 'express';

const sync = csrfSync({
  getTokenFromRequest: (req: Request) => {
    const body = req.body as Record<string, unknown> | undefined;
    const fromBody = body && typeof body._csrf === 'string' ? body._csrf : undefined;
    return fromBody ?? req.get('x-csrf-token');
  },
});

export const generateCsrfToken = sync.generateToken;

function isMultipart(req: Request): boolean {
  return (req.get('content-type') ?? '').toLowerCase().startsWith('multipart/');
}

/**
 * Every state-changing request carries the session's token. Multipart bodies are only
 * parsed by the upload route itself, so those routes call `verifyCsrf` after multer.
 */
// Server-to-server callbacks carry their own signature instead of a session token.
const SIGNED_CALLBACKS = new Set(['/pagos/redsys/notificacion']);

export const csrfProtection: RequestHandler = (req, res, next) => {
  if (isMultipart(req) && !['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
  if (req.method === 'POST' && SIGNED_CALLBACKS.has(req.path)) return next();
  sync.csrfSynchronisedProtection(req, res, next);
};

export const verifyCsrf: RequestHandler = (req, res, next) => sync.csrfSynchronisedProtection(req, res, next);

/** Exposes the token to every template (hidden field `_csrf`, and `hx-headers` for htmx). */
export const csrfLocals: RequestHandler = (req, res, next) => {
  res.locals.csrfToken = () => generateCsrfToken(req);
  next();
};
