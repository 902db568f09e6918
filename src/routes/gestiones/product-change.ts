import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../deps';
import type { Access } from '../../domain/access';
import { productPage, requestProductChange, type ProductPage } from '../../services/product-change';
import { guards } from '../../web/guards';
import { render } from '../../web/render';
import { userContext } from '../../web/use-case-context';

const Body = z.object({ product: z.string().max(60).catch('') }).catch({ product: '' });

function show(req: Request, res: Response, p: ProductPage, form: { product: string }, errors = {}, status = 200): void {
  const access = res.locals.customerAccess as Access | undefined;
  render(req, res, 'gestiones/product', {
    title: res.locals.t('productChange.title'), contract: p.contract, tab: '', canAct: access?.act === true,
    current: p.current, options: p.options, months: p.months, pending: p.pending, form, errors,
  }, { status });
}

/** "Cambiar de tarifa": the other products with what each would have cost, and the request. */
export function productChangeRoutes(d: AppDeps): Router {
  const router = Router();
  const guard = guards(d);
  const contractId = (req: Request) => Number(req.params.contractId);

  router.get('/contratos/:contractId/tarifa', guard.contract('read'), async (req, res) => {
    show(req, res, await productPage(userContext(d, req), { contractId: contractId(req) }), { product: '' });
  });

  router.post('/contratos/:contractId/tarifa', guard.contract('act'), async (req, res) => {
    const form = Body.parse(req.body);
    const result = await requestProductChange(userContext(d, req), {
      contractId: contractId(req), access: res.locals.customerAccess as Access, product: form.product,
    });
    if (result.kind === 'invalid') {
      const errors = { product: res.locals.t(`productChange.errors.${result.error.code}`) };
      return show(req, res, result.page, form, errors, 422);
    }
    req.session.flash = { kind: 'success', key: 'productChange.done', params: { reference: result.request.reference } };
    res.redirect(303, `/gestiones/${result.request.id}`);
  });

  return router;
}
