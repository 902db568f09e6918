import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

declare module 'http' {
  interface IncomingMessage {
    /** The request's logger: lines carry its number, so one request's lines can be found together. */
    log: Logger;
  }
}

/**
 * One line per answered request: its number, method, path (never the query string or body,
 * where personal data lives), status and time; errors (5xx) at level error, a connection cut
 * before the answer was complete as a warning. Written here instead of with pino-http, whose
 * per-request child logger and serialisers were the largest cost of the anonymous home page
 * after rendering (`npm run bench:http -- --profile=DIR`).
 */
export function requestLog(logger: Logger): RequestHandler {
  let counter = 0;
  return (req, res, next) => {
    const id = ++counter;
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', {
      configurable: true,
      get: () => (child ??= logger.child({ reqId: id })),
    });
    if (req.url.startsWith('/static/')) return next();
    const start = process.hrtime.bigint();
    const line = () => ({
      req: { id, method: req.method, path: req.originalUrl.split('?')[0] },
      res: { statusCode: res.statusCode },
      responseTime: Number((process.hrtime.bigint() - start) / 1000n) / 1000,
    });
    res.once('close', () => {
      if (!res.writableFinished) logger.warn(line(), 'request aborted');
      else if (res.statusCode >= 500) logger.error(line(), 'request errored');
      else if (logger.isLevelEnabled('info')) logger.info(line(), 'request completed');
    });
    next();
  };
}
