import type { RequestHandler } from 'express';
import { isLanguage, negotiateLanguage, translator, type Language } from '../../i18n';

declare module 'express-session' {
  interface SessionData {
    lang?: Language;
  }
}

export const LANG_COOKIE = 'lang';

/** Session (a logged-in user's preference) wins, then the cookie, then the browser's languages. */
export const languageMiddleware: RequestHandler = (req, res, next) => {
  const fromCookie = (req.cookies as Record<string, string> | undefined)?.[LANG_COOKIE];
  const lang: Language = isLanguage(req.session?.lang)
    ? req.session.lang
    : isLanguage(fromCookie)
      ? fromCookie
      : negotiateLanguage(req.get('Accept-Language'));
  res.locals.lang = lang;
  res.locals.t = translator(lang);
  res.vary('Accept-Language');
  next();
};
