import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../deps';
import type { ContractView } from '../data/contracts-repo';
import { EMPTY_SOLAR_FORM, validateSolarForm, type SolarFormInput, type SolarFormValues } from '../domain/solar-form';
import { ORIENTATIONS } from '../domain/solar';
import { BATTERY_OPTIONS, SOLAR_OFFER } from '../domain/solar-offer';
import { solarChart } from '../domain/solar-chart';
import { requestSolarStudy, runSolarSimulation, solarBasis, type SolarBasis } from '../services/solar';
import { requestActor } from '../web/middleware/auth';
import { contractGuard, loadGuardedContract } from '../web/middleware/guards';
import { FieldErrors } from '../web/validation';
import { render } from '../web/render';

const FIELDS = ['orientation', 'tilt', 'sizing', 'panels', 'roofM2', 'battery'] as const;

function readForm(source: unknown): SolarFormInput {
  const src = (source ?? {}) as Record<string, unknown>;
  const out = { ...EMPTY_SOLAR_FORM };
  for (const f of FIELDS) {
    const v = src[f];
    if (typeof v === 'string') out[f] = v.slice(0, 20);
  }
  return out;
}

function fieldErrors(res: Response, errors: { field: string; code: string }[]): Record<string, string> {
  const e = new FieldErrors(res.locals.t);
  for (const err of errors) e.add(err.field, `solar.errors.${err.field}.${err.code}`);
  return e.errors;
}

/**
 * The solar simulator of the "Nuevos productos" area: a GET form (a simulation changes
 * nothing), with the customer's own consumption; a POST turns it into a study request.
 */
export function solarRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'config'>): Router {
  const router = Router();
  const ctx = () => ({ db: deps.db.knex, now: deps.clock.now(), config: deps.config });

  function page(req: Request, res: Response, c: ContractView, basis: SolarBasis, form: SolarFormInput, opts: { values?: SolarFormValues; errors?: Record<string, string>; status?: number }) {
    const result = opts.values && !basis.unavailable ? runSolarSimulation(basis, opts.values) : null;
    render(req, res, 'solar/page', {
      title: res.locals.t(opts.errors && Object.keys(opts.errors).length ? 'solar.titleError' : 'solar.title'),
      contract: c, basis, form, errors: opts.errors ?? {}, result, chart: result ? solarChart(result.months) : null,
      orientations: ORIENTATIONS, batteries: BATTERY_OPTIONS, offer: SOLAR_OFFER, canAct: res.locals.customerAccess?.act === true,
    }, { status: opts.status ?? 200 });
  }

  router.get('/contratos/:contractId/simulador-solar', contractGuard('read'), async (req, res) => {
    const c = await loadGuardedContract(req);
    const basis = await solarBasis(ctx(), c);
    if (req.query.calcular === undefined) return page(req, res, c, basis, EMPTY_SOLAR_FORM, {});
    const form = readForm(req.query);
    const check = validateSolarForm(form);
    if (!check.ok) return page(req, res, c, basis, form, { errors: fieldErrors(res, check.errors), status: 422 });
    page(req, res, c, basis, form, { values: check.value });
  });

  router.post('/contratos/:contractId/simulador-solar/estudio', contractGuard('act'), async (req, res) => {
    const c = await loadGuardedContract(req);
    const form = readForm(req.body);
    const check = validateSolarForm(form);
    const basis = await solarBasis(ctx(), c);
    if (!check.ok || basis.unavailable) {
      return page(req, res, c, basis, form, { errors: check.ok ? {} : fieldErrors(res, check.errors), status: 422 });
    }
    const created = await requestSolarStudy({ ...ctx(), actor: requestActor(req), access: res.locals.customerAccess }, c, check.value);
    req.session.flash = { kind: 'success', key: 'requests.created', params: { reference: created.reference } };
    res.redirect(303, `/gestiones/${created.id}`);
  });
  return router;
}
