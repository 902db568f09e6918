import type { RequestHandler, Response } from 'express';
import { isLanguage, negotiateLanguage, translator, type Language } from '../../i18n';

declare module 'express-session' {
  interface SessionData {
    lang?: Language;
  }
}

export const LANG_COOKIE = 'lang';

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** The language outlives the session (the next visit's login page); Secure wherever cookies are. */
export function setLanguageCookie(res: Response, lang: Language, production: boolean): void {
  res.cookie(LANG_COOKIE, lang, { httpOnly: true, sameSite: 'lax', maxAge: YEAR_MS, path: '/', secure: production });
}

/** Session (a logged-in user's preference) wins, then the cookie, then the browser's languages. */
export function chooseLanguage(fromSession: unknown, fromCookie: unknown, acceptLanguage?: string): Language {
  if (isLanguage(fromSession)) return fromSession;
  if (isLanguage(fromCookie)) return fromCookie;
  return negotiateLanguage(acceptLanguage);
}

export const languageMiddleware: RequestHandler = (req, res, next) => {
  const fromCookie = (req.cookies as Record<string, string> | undefined)?.[LANG_COOKIE];
  const lang = chooseLanguage(req.session?.lang, fromCookie, req.get('Accept-Language'));
  res.locals.lang = lang;
  res.locals.t = translator(lang);
  res.vary('Accept-Language');
  next();
};
