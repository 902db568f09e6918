import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../deps';
import type { ContractView } from '../data/contracts-repo';
import { EMPTY_SOLAR_FORM, validateSolarForm, type SolarFormInput, type SolarFormValues } from '../domain/solar-form';
import { ORIENTATIONS } from '../domain/solar';
import { BATTERY_OPTIONS, SOLAR_OFFER } from '../domain/solar-offer';
import { solarChart } from '../domain/solar-chart';
import { requestSolarStudy, runSolarSimulation, solarBasis, type SolarBasis } from '../services/solar';
import { FieldErrors } from '../web/validation';
import { render } from '../web/render';
import { renderSolarPdf } from '../adapters/pdf/solar-pdf';
import type { SolarResult } from '../domain/solar';
import type { TFunction } from 'i18next';
import { userContext } from '../web/use-case-context';
import { guardedContract, guards } from '../web/guards';

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
export function solarRoutes(deps: AppDeps): Router {
  const router = Router();
  const guard = guards(deps);

  function page(
    req: Request, res: Response, c: ContractView, basis: SolarBasis, form: SolarFormInput,
    opts: { values?: SolarFormValues; errors?: Record<string, string>; status?: number },
  ) {
    const result = opts.values && !basis.unavailable ? runSolarSimulation(basis, opts.values) : null;
    render(req, res, 'solar/page', {
      title: res.locals.t(opts.errors && Object.keys(opts.errors).length ? 'solar.titleError' : 'solar.title'),
      contract: c, basis, form, errors: opts.errors ?? {}, result, chart: result ? solarChart(result.months) : null,
      orientations: ORIENTATIONS, batteries: BATTERY_OPTIONS, pdfQuery: new URLSearchParams({ ...form }).toString(),
      offer: SOLAR_OFFER, canAct: res.locals.customerAccess?.act === true,
    }, { status: opts.status ?? 200 });
  }

  router.get('/contratos/:contractId/simulador-solar', guard.contract('read'), async (req, res) => {
    const c = await guardedContract(deps.db.knex, req);
    const basis = await solarBasis(userContext(deps, req), c);
    if (req.query.calcular === undefined) return page(req, res, c, basis, EMPTY_SOLAR_FORM, {});
    const form = readForm(req.query);
    const check = validateSolarForm(form);
    if (!check.ok) return page(req, res, c, basis, form, { errors: fieldErrors(res, check.errors), status: 422 });
    page(req, res, c, basis, form, { values: check.value });
  });

  // The printable summary of what the page showed, for the same query.
  router.get('/contratos/:contractId/simulador-solar.pdf', guard.contract('read'), async (req, res) => {
    const c = await guardedContract(deps.db.knex, req);
    const basis = await solarBasis(userContext(deps, req), c);
    const form = readForm(req.query);
    const check = validateSolarForm(form);
    if (!check.ok || basis.unavailable) {
      res.redirect(303, `/contratos/${c.id}/simulador-solar`);
      return;
    }
    const result = runSolarSimulation(basis, check.value);
    const pdf = await renderSolarPdf(pdfView(res.locals.t, res.locals.lang, c, result, deps.clock.now()));
    res.set('Content-Disposition', `attachment; filename="simulacion-solar-${c.number}.pdf"`);
    res.type('application/pdf').send(pdf);
  });

  router.post('/contratos/:contractId/simulador-solar/estudio', guard.contract('act'), async (req, res) => {
    const c = await guardedContract(deps.db.knex, req);
    const form = readForm(req.body);
    const check = validateSolarForm(form);
    const basis = await solarBasis(userContext(deps, req), c);
    if (!check.ok || basis.unavailable) {
      return page(req, res, c, basis, form, { errors: check.ok ? {} : fieldErrors(res, check.errors), status: 422 });
    }
    const created = await requestSolarStudy(
      { ...userContext(deps, req), access: res.locals.customerAccess }, c, check.value,
    );
    req.session.flash = { kind: 'success', key: 'requests.created', params: { reference: created.reference } };
    res.redirect(303, `/gestiones/${created.id}`);
  });
  return router;
}

function pdfView(t: TFunction, lang: string, c: ContractView, r: SolarResult, now: Date) {
  const locale = lang === 'ca' ? 'ca-ES' : 'es-ES';
  const kwh = (n: number) => `${Math.round(n).toLocaleString(locale)} kWh`;
  const eur = (cents: number) =>
    (cents / 100).toLocaleString(locale, { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
  const num = (n: number, d: number) => n.toLocaleString(
    locale, { minimumFractionDigits: d, maximumFractionDigits: d },
  );
  const month = (m: string) => t(`solar.months.${Number(m.slice(5, 7))}`);
  return {
    title: t('solar.title'),
    generatedOn: now.toLocaleDateString(
      locale, { timeZone: 'Europe/Madrid', day: 'numeric', month: 'long', year: 'numeric' },
    ),
    supply: `${c.street} ${c.sp_number}, ${c.municipality} · CUPS ${c.cups}`,
    facts: [
      { label: t('solar.result.size'), value: t('solar.result.sizeValue', { count: r.panels, kwp: num(r.kwp, 2) }) },
      { label: t('solar.result.production'), value: kwh(r.yearlyProductionKwh) },
      { label: t('solar.result.consumption'), value: kwh(r.yearlyConsumptionKwh) },
      { label: t('solar.result.selfConsumption'), value: `${num(r.selfConsumptionPercent, 0)} %` },
      { label: t('solar.result.saving'), value: `${eur(r.yearlySavingCents)} (${num(r.savingPercent, 0)} %)` },
      { label: t('solar.result.investment'), value: eur(r.investmentCents) },
      {
        label: t('solar.result.payback'),
        value: r.paybackYears === null ? t('solar.result.never') : t(
          'solar.result.years', { years: num(r.paybackYears, 1) },
        ),
      },
      { label: t('solar.result.co2'), value: `${Math.round(r.co2AvoidedKg).toLocaleString(locale)} kg` },
    ],
    chart: {
      title: t('solar.chart.title'),
      legend: [t('solar.chart.consumption'), t('solar.chart.production'), t('solar.chart.surplus')] as [
        string, string, string,
      ],
      months: r.months.map(
        (m) => (
          {
            label: month(m.month).slice(0, 3), consumption: m.consumptionKwh, production: m.productionKwh,
            surplus: m.surplusKwh,
          }
        ),
      ),
    },
    table: {
      caption: t('solar.table.caption'),
      head: [
        t('solar.table.month'), t('solar.chart.consumption'), t('solar.chart.production'), t('solar.table.used'),
        t('solar.chart.surplus'), t('solar.table.saving'),
      ],
      rows: r.months.map(
        (m) => [
          `${month(m.month)} ${m.month.slice(0, 4)}`, kwh(m.consumptionKwh), kwh(m.productionKwh),
          kwh(m.selfConsumedKwh + m.batteryKwh), kwh(m.surplusKwh), eur(m.savingCents),
        ],
      ),
    },
    assumptions: t(
      'solar.result.assumptions',
      {
        compensation: num(SOLAR_OFFER.compensationEurPerKwh, 2),
        perKwp: Math.round(SOLAR_OFFER.investmentEurPerKwp).toLocaleString(locale),
        perBattery: Math.round(SOLAR_OFFER.batteryEurPerKwh).toLocaleString(locale),
      },
    ),
  };
}
