/**
 * Accepting a promotion's discount for a contract (issue 15 item 4): from "Ventajas", the
 * contracts it can go to; on a contract, the confirm step. Readers may look; only those who can
 * act for the customer may accept (the guard answers 403 otherwise).
 */
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../deps';
import type { Access } from '../domain/access';
import { acceptPromotion, promotionForContract, promotionOffer } from '../services/promotion-acceptance';
import { accessOf, requireUser } from '../web/current-user';
import { formatter } from '../web/format';
import { guards } from '../web/guards';
import { render } from '../web/render';
import { userContext } from '../web/use-case-context';

function lang(res: Response): 'es' | 'ca' {
  return res.locals.lang === 'ca' ? 'ca' : 'es';
}

export function promotionAcceptRoutes(deps: AppDeps): Router {
  const router = Router();
  const guard = guards(deps);
  const ids = (req: Request) => ({
    promotionId: Number(req.params.promotionId), contractId: Number(req.params.contractId),
  });

  router.get('/ventajas/:promotionId/contratos', requireUser, async (req, res) => {
    const access = await accessOf(deps.db.knex, req);
    const customerIds = access.customerIds().filter((id) => access.to(id).act);
    const { promotion, contracts } = await promotionOffer(userContext(deps, req), {
      promotionId: Number(req.params.promotionId), lang: lang(res), customerIds,
    });
    const title = res.locals.t('promotions.accept.choose', { title: promotion.title });
    render(req, res, 'promotions/contracts', { title, promotion, contracts });
  });

  async function confirmPage(req: Request, res: Response, status = 200) {
    const input = { ...ids(req), lang: lang(res) };
    const { promotion, contract, months } = await promotionForContract(userContext(deps, req), input);
    const canAct = (res.locals.customerAccess as Access | undefined)?.act === true;
    render(req, res, 'promotions/accept', {
      title: res.locals.t('promotions.accept.title', { title: promotion.title }),
      promotion, offer: contract, months, canAct,
    }, { status });
  }

  router.get('/contratos/:contractId/promociones/:promotionId', guard.contract('read'), (req, res) =>
    confirmPage(req, res));

  router.post('/contratos/:contractId/promociones/:promotionId', guard.contract('act'), async (req, res) => {
    const result = await acceptPromotion(userContext(deps, req), { ...ids(req), lang: lang(res) });
    if (result.kind === 'refused') return confirmPage(req, res, 409);
    const fmt = formatter(lang(res));
    req.session.flash = {
      kind: 'success', key: 'promotions.accept.done',
      params: { title: result.title, first: fmt.month(result.months.first), last: fmt.month(result.months.last) },
    };
    res.redirect(303, `/contratos/${ids(req).contractId}`);
  });

  return router;
}
