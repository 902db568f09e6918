import { Router } from 'express';
import type { AppDeps } from '../deps';
import { marketingConsent, promotionsForUser, setMarketingConsent } from '../services/promotions';
import { render } from '../web/render';
import { requireUser } from '../web/current-user';
import { userContext } from '../web/use-case-context';

/** "Ventajas y promociones" and the consent to commercial communications (Ajustes). */
export function promotionRoutes(deps: AppDeps): Router {
  const router = Router();

  router.get('/ventajas', requireUser, async (req, res) => {
    const promotions = await promotionsForUser(
      userContext(deps, req), req.user!.id, res.locals.lang === 'ca' ? 'ca' : 'es',
    );
    render(req, res, 'promotions/list', { title: res.locals.t('promotions.title'), promotions });
  });

  router.get('/ajustes/comunicaciones', requireUser, async (req, res) => {
    const consent = await marketingConsent(userContext(deps, req), req.user!.id);
    render(req, res, 'promotions/consent', { title: res.locals.t('promotions.consent.title'), consent });
  });

  router.post('/ajustes/comunicaciones', requireUser, async (req, res) => {
    const granted = (req.body as Record<string, unknown> | undefined)?.granted === '1';
    await setMarketingConsent(userContext(deps, req), granted);
    req.session.flash = {
      kind: 'success', key: granted ? 'promotions.consent.granted' : 'promotions.consent.withdrawn',
    };
    res.redirect(303, '/ajustes/comunicaciones');
  });
  return router;
}
