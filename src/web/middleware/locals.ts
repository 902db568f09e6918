import type { Request, RequestHandler, Response } from 'express';
import { translator, DEFAULT_LANGUAGE } from '../../i18n';
import { formatter } from '../format';

/** Values every template may use. */
export const viewLocals: RequestHandler = (req, res, next) => {
  ensureLocals(req, res);
  // A message set before a redirect is shown once, on the next page.
  if (req.session?.flash && req.method === 'GET') {
    res.locals.flash = req.session.flash;
    delete req.session.flash;
  }
  next();
};

/** Also called by the error handlers, which may run before the normal middleware did. */
export function ensureLocals(req: Request, res: Response): void {
  res.locals.lang ??= DEFAULT_LANGUAGE;
  res.locals.t ??= translator(res.locals.lang);
  res.locals.fmt ??= formatter(res.locals.lang);
  res.locals.csrfToken ??= () => '';
  res.locals.currentPath ??= req.originalUrl;
  res.locals.retailer ??= req.app.locals.retailer;
  res.locals.user ??= null;
  res.locals.flash ??= null;
}
