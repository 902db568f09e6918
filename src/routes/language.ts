import { Router } from 'express';
import { z } from 'zod';
import { isLanguage } from '../i18n';
import { LANG_COOKIE } from './middleware/language';
import { safeLocalPath } from './safe-redirect';

const body = z.object({ lang: z.string(), next: z.string().optional() });

export function languageRoutes(): Router {
  const router = Router();
  // A form post (not a link) so that changing a stored preference is never a GET.
  router.post('/idioma', (req, res) => {
    const parsed = body.safeParse(req.body);
    const next = safeLocalPath(parsed.success ? parsed.data.next : undefined);
    if (parsed.success && isLanguage(parsed.data.lang)) {
      res.cookie(LANG_COOKIE, parsed.data.lang, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000, path: '/' });
      req.session.lang = parsed.data.lang;
    }
    res.redirect(303, next);
  });
  return router;
}
