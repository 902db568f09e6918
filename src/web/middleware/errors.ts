import crypto from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DomainError, type DomainErrorCode } from '../../domain/errors';
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

/** Maps anything thrown to a status and the translated message key of the error page. */
export function classifyError(err: unknown): ErrorView | null {
  if (err instanceof DomainError) return DOMAIN_ERRORS[err.code];
  const e = err as { type?: string; status?: number; code?: string } | null;
  if (!e) return null;
  if (e.code === 'EBADCSRFTOKEN' || (e.status === 403 && e.code === undefined && /csrf/i.test(String((err as Error).message)))) {
    return { status: 403, key: 'csrf' };
  }
  if (e.type === 'entity.too.large' || e.code === 'LIMIT_FILE_SIZE') return { status: 413, key: 'tooLarge' };
  if (typeof e.type === 'string' && e.type.startsWith('entity.') || e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') {
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
 * A form that arrives with no cookie at all cannot have a session, so its token can never
 * match: the browser refuses cookies, and saying "the form expired" would send the person
 * round in circles.
 */
function withoutCookies(view: ErrorView | null, cookieHeader: string | undefined): ErrorView | null {
  return view?.key === 'csrf' && !cookieHeader ? { status: 403, key: 'cookies' } : view;
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const known = withoutCookies(classifyError(err), req.headers.cookie);
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
  const wantsJson = req.path === '/healthz' || (req.accepts(['html', 'json']) === 'json');
  if (wantsJson) {
    res.status(status).json({ error: known?.key ?? 'server', errorId });
    return;
  }
  try {
    ensureLocals(req, res);
    render(req, res, 'errors/error', { errorKey: known?.key ?? 'server', errorId }, { status });
  } catch (renderErr) {
    req.log?.error({ err: renderErr }, 'error page failed to render');
    res.status(status).type('text').send(status >= 500 ? 'Error interno. Internal error.' : 'Error');
  }
};
