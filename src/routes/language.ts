import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { isLanguage } from '../i18n';
import { setLanguage } from '../services/account-settings';
import { setLanguageCookie } from '../web/middleware/language';
import { safeLocalPath } from '../web/safe-redirect';
import { accountCtx } from '../web/account-ctx';

const body = z.object({ lang: z.string(), next: z.string().optional() });

export function languageRoutes(deps: AppDeps): Router {
  const router = Router();
  // A form post (not a link) so that changing a stored preference is never a GET.
  router.post('/idioma', async (req, res) => {
    const parsed = body.safeParse(req.body);
    const next = safeLocalPath(parsed.success ? parsed.data.next : undefined);
    if (parsed.success && isLanguage(parsed.data.lang)) {
      const lang = parsed.data.lang;
      setLanguageCookie(res, lang, deps.config.production);
      req.session.lang = lang;
      // A logged-in user's choice is theirs on every device, and their emails follow it.
      if (req.session.userId) await setLanguage(accountCtx(deps, req), req.session.userId, lang);
    }
    res.redirect(303, next);
  });
  return router;
}
