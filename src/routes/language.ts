import { Router } from 'express';
import { z } from 'zod';
import { isLanguage } from '../i18n';
import { LANG_COOKIE } from '../web/middleware/language';
import { safeLocalPath } from '../web/safe-redirect';
import { deps } from '../web/middleware/auth';
import { audit } from '../data/audit-repo';

const body = z.object({ lang: z.string(), next: z.string().optional() });

export function languageRoutes(): Router {
  const router = Router();
  // A form post (not a link) so that changing a stored preference is never a GET.
  router.post('/idioma', async (req, res) => {
    const parsed = body.safeParse(req.body);
    const next = safeLocalPath(parsed.success ? parsed.data.next : undefined);
    if (parsed.success && isLanguage(parsed.data.lang)) {
      const lang = parsed.data.lang;
      res.cookie(LANG_COOKIE, lang, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000, path: '/', secure: deps(req).config.production });
      req.session.lang = lang;
      // A logged-in user's choice is theirs on every device, and their emails follow it.
      const userId = req.session.userId;
      if (userId) {
        const { db, clock } = deps(req);
        await db.knex.transaction(async (trx) => {
          const n = await trx('users').where({ id: userId }).whereNot({ language: lang }).update({ language: lang, updated_at: clock.now() });
          if (n > 0) await audit(trx, { actorType: 'user', actorId: userId, action: 'settings.language', targetType: 'user', targetId: userId, ip: req.ip, at: clock.now(), details: { language: lang } });
        });
      }
    }
    res.redirect(303, next);
  });
  return router;
}
