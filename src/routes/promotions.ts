import { Router } from 'express';
import type { AppDeps } from '../deps';
import { marketingConsent, promotionsForUser, setMarketingConsent } from '../services/promotions';
import { requireUser } from '../web/middleware/auth';
import { clientIp } from '../web/forms';
import { render } from '../web/render';

/** "Ventajas y promociones" and the consent to commercial communications (Ajustes). */
export function promotionRoutes(deps: Pick<AppDeps, 'db' | 'clock'>): Router {
  const router = Router();
  const ctx = () => ({ db: deps.db.knex, now: deps.clock.now() });

  router.get('/ventajas', requireUser, async (req, res) => {
    const promotions = await promotionsForUser(ctx(), req.user!.id, res.locals.lang === 'ca' ? 'ca' : 'es');
    render(req, res, 'promotions/list', { title: res.locals.t('promotions.title'), promotions });
  });

  router.get('/ajustes/comunicaciones', requireUser, async (req, res) => {
    const consent = await marketingConsent(ctx(), req.user!.id);
    render(req, res, 'promotions/consent', { title: res.locals.t('promotions.consent.title'), consent });
  });

  router.post('/ajustes/comunicaciones', requireUser, async (req, res) => {
    const granted = (req.body as Record<string, unknown> | undefined)?.granted === '1';
    await setMarketingConsent({ ...ctx(), actor: { userId: req.user!.id, ip: clientIp(req) } }, granted);
    req.session.flash = { kind: 'success', key: granted ? 'promotions.consent.granted' : 'promotions.consent.withdrawn' };
    res.redirect(303, '/ajustes/comunicaciones');
  });
  return router;
}
