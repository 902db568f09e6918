import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../deps';
import type { Access } from '../../domain/access';
import { CANCEL_MAX_DAYS_AHEAD } from '../../domain/cancellation';
import { cancellationPage, requestCancellation, type CancellationPage } from '../../services/cancellation';
import { guards } from '../../web/guards';
import { render } from '../../web/render';
import { userContext } from '../../web/use-case-context';

const text = z.string().max(40).catch('');
const Body = z.object({ endDate: text, p1: text, p2: text, p3: text })
  .catch({ endDate: '', p1: '', p2: '', p3: '' });
type Form = z.infer<typeof Body>;

function show(req: Request, res: Response, p: CancellationPage, form: Form, errors = {}, status = 200): void {
  const access = res.locals.customerAccess as Access | undefined;
  render(req, res, 'gestiones/cancellation', {
    title: res.locals.t('cancellation.title'), contract: p.contract, tab: '', canAct: access?.act === true,
    periods: p.periods, lastReading: p.lastReading, pending: p.pending, form, errors, maxDays: CANCEL_MAX_DAYS_AHEAD,
  }, { status });
}

/** "Dar de baja": the last day of supply and the final reading. */
export function cancellationRoutes(d: AppDeps): Router {
  const router = Router();
  const guard = guards(d);
  const contractId = (req: Request) => Number(req.params.contractId);

  router.get('/contratos/:contractId/baja', guard.contract('read'), async (req, res) => {
    const page = await cancellationPage(userContext(d, req), { contractId: contractId(req) });
    show(req, res, page, { endDate: '', p1: '', p2: '', p3: '' });
  });

  router.post('/contratos/:contractId/baja', guard.contract('act'), async (req, res) => {
    const form = Body.parse(req.body);
    const result = await requestCancellation(userContext(d, req), {
      ...form, contractId: contractId(req), access: res.locals.customerAccess as Access,
    });
    if (result.kind === 'invalid') {
      const t = res.locals.t;
      const errors = Object.fromEntries(result.errors.map((e) => [
        e.field,
        t(
          `cancellation.errors.${e.field === 'endDate' ? 'endDate' : 'reading'}.${e.code}`,
          { max: CANCEL_MAX_DAYS_AHEAD },
        ),
      ]));
      return show(req, res, result.page, form, errors, 422);
    }
    req.session.flash = { kind: 'success', key: 'cancellation.done', params: { reference: result.request.reference } };
    res.redirect(303, `/gestiones/${result.request.id}`);
  });

  return router;
}
