import crypto from 'node:crypto';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { DomainError, type DomainErrorCode } from '../../domain/errors';
import { DuplicateRequestError } from '../../domain/open-requests';
import { render } from '../render';
import { ensureLocals } from './locals';

interface ErrorView { status: number; key: string }

const DOMAIN_ERRORS: Record<DomainErrorCode, ErrorView> = {
  not_found: { status: 404, key: 'notFound' },
  forbidden: { status: 403, key: 'forbidden' },
  unauthenticated: { status: 401, key: 'forbidden' },
  invalid_input: { status: 400, key: 'badRequest' },
  conflict: { status: 409, key: 'badRequest' },
  too_many_requests: { status: 429, key: 'tooMany' },
};

// The database cannot be reached or is restarting (connection refused or cut, admin shutdown,
// crash recovery, pool timeout): the request may succeed in a moment.
const DB_UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006',
]);

function databaseProblem(e: { code?: string; name?: string; message?: string }): 'diskFull' | 'unavailable' | null {
  if (e.code === '53100' || /No space left on device/i.test(e.message ?? '')) return 'diskFull';
  if ((e.code && DB_UNAVAILABLE_CODES.has(e.code)) || e.name === 'KnexTimeoutError'
    || /Connection terminated|terminating connection|the database system is (starting up|shutting down|in recovery mode)/i.test(e.message ?? '')) {
    return 'unavailable';
  }
  return null;
}

/** Maps anything thrown to a status and the translated message key of the error page. */
export function classifyError(err: unknown): ErrorView | null {
  if (err instanceof DomainError) return DOMAIN_ERRORS[err.code];
  const e = err as { type?: string; status?: number; code?: string } | null;
  if (!e) return null;
  const db = databaseProblem(e as { code?: string; name?: string; message?: string });
  if (db) return { status: 503, key: db };
  const csrfMessage = e.status === 403 && e.code === undefined && /csrf/i.test(String((err as Error).message));
  if (e.code === 'EBADCSRFTOKEN' || csrfMessage) {
    return { status: 403, key: 'csrf' };
  }
  if (e.type === 'entity.too.large' || e.code === 'LIMIT_FILE_SIZE') return { status: 413, key: 'tooLarge' };
  if (e.code === 'EMULTIPART') return { status: 415, key: 'unsupportedMedia' };
  const unreadable = e.type === 'charset.unsupported' || e.type === 'encoding.unsupported';
  if ((typeof e.type === 'string' && e.type.startsWith('entity.')) || unreadable) {
    return { status: e.status && e.status < 500 ? e.status : 400, key: 'badRequest' };
  }
  if (typeof e.code === 'string' && e.code.startsWith('LIMIT_')) return { status: 400, key: 'badRequest' };
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return { status: e.status, key: e.status === 404 ? 'notFound' : e.status === 403 ? 'forbidden' : 'badRequest' };
  }
  return null;
}

export const notFoundHandler: RequestHandler = (req, res) => {
  ensureLocals(req, res);
  render(req, res, 'errors/error', { errorKey: 'notFound', errorId: null }, { status: 404 });
};

/**
 * A form of our own that arrives with no cookie at all cannot have a session, so its token can
 * never match: the browser refuses cookies, and saying "the form expired" would send the person
 * round in circles. A cross-site post (which SameSite also strips of cookies) keeps the
 * ordinary answer.
 */
function withoutCookies(view: ErrorView | null, req: Request): ErrorView | null {
  if (view?.key !== 'csrf' || req.headers.cookie) return view;
  const origin = req.get('Origin');
  let sameOrigin = req.get('Sec-Fetch-Site') === 'same-origin';
  try {
    if (origin) sameOrigin ||= new URL(origin).host === req.get('Host');
  } catch { /* a malformed Origin is not ours */ }
  return sameOrigin ? { status: 403, key: 'cookies' } : view;
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const known = withoutCookies(classifyError(err), req);
  const status = known?.status ?? 500;
  const errorId = status >= 500 ? crypto.randomBytes(6).toString('hex') : null;
  if (status >= 500) req.log?.error({ err, errorId }, 'unhandled error');
  if (res.headersSent) {
    res.end();
    return;
  }
  if (status === 401) {
    res.redirect(303, '/');
    return;
  }
  if (status === 503) {
    res.set('Retry-After', '30');
    // an upload refused before its bytes were read: read them, so the browser sees this page
    // rather than a connection reset
    if (!req.complete) {
      const respond = () => errorHandler(Object.assign(err as object, { drained: true }), req, res, _next);
      if (!(err as { drained?: boolean }).drained) {
        const timer = setTimeout(respond, 10_000);
        req.once('end', () => { clearTimeout(timer); respond(); });
        req.resume();
        return;
      }
    }
  }
  const wantsJson = req.path === '/healthz' || (req.accepts(['html', 'json']) === 'json');
  if (wantsJson) {
    res.status(status).json({ error: known?.key ?? 'server', errorId });
    return;
  }
  try {
    ensureLocals(req, res);
    // a second request while one is open: say so and link to the open one
    if (err instanceof DuplicateRequestError) {
      const title = res.locals.t('requests.duplicate.title');
      render(req, res, 'requests/duplicate', { title, type: err.type, open: err.open }, { status });
      return;
    }
    render(req, res, 'errors/error', { errorKey: known?.key ?? 'server', errorId }, { status });
  } catch (renderErr) {
    req.log?.error({ err: renderErr }, 'error page failed to render');
    res.status(status).type('text').send(status >= 500 ? 'Error interno. Internal error.' : 'Error');
  }
};
