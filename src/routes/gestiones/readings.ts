/**
 * Gestiones on the supply point (issue 5 items 2 and 3): the customer's meter reading,
 * recorded at once, and the contracted power change, a request the distributor carries out.
 * Both pages are readable by every contact who can read the contract; only those who can act
 * for the customer get (and can post) the forms.
 */
import { Router, type Request, type Response } from 'express';
import type { TFunction } from 'i18next';
import { z } from 'zod';
import type { AppDeps } from '../../deps';
import type { Access } from '../../domain/access';
import {
  parsePower, standardStep, validatePowerChange, type PowerChangeError, type PowerPeriod,
} from '../../domain/power';
import { POWER_STEPS_KW } from '../../domain/tariffs';
import {
  MODE_FIELDS, READING_FIELDS, readingPage, submitReading, type ReadingForm, type ReadingPage, type ReadingProblem,
} from '../../services/meter-readings';
import {
  estimate, formatKw, powerPage, requestPowerChange, type PowerEstimate, type PowerPage,
} from '../../services/power-change';
import { checkbox, formFields } from '../../web/forms';
import { render } from '../../web/render';
import { userContext } from '../../web/use-case-context';
import { guards } from '../../web/guards';

type Errors = Record<string, string>;

function canAct(res: Response): boolean {
  return (res.locals.customerAccess as Access | undefined)?.act === true;
}

/** dd/mm/yyyy, as dates are written on Spanish invoices. */
function dmy(iso: string): string {
  return iso.split('-').reverse().join('/');
}

function formatInt(n: number, lang: string): string {
  return new Intl.NumberFormat(lang === 'ca' ? 'ca-ES' : 'es-ES', { maximumFractionDigits: 0 }).format(n);
}

// ---------------------------------------------------------------------------------------------
// Meter reading

interface ReadingView {
  form: ReadingForm;
  errors?: Errors;
  confirm?: { consumption: string; usual: string; since: string; key: string } | null;
}

function showReadingPage(req: Request, res: Response, p: ReadingPage, d: ReadingView, status = 200): void {
  const lang = res.locals.lang as string;
  const { mode } = p;
  const last = p.last ? {
    date: dmy(p.last.reading_date), source: p.last.source,
    values: mode === 'periods' && p.last.p2_kwh !== null && p.last.p3_kwh !== null
      ? [['P1', p.last.p1_kwh], ['P2', p.last.p2_kwh], ['P3', p.last.p3_kwh]].map(
        ([k, v]) => ({ key: k as string, value: formatInt(v as number, lang) }),
      )
      : [{ key: 'total', value: formatInt(p.last.p1_kwh, lang) }],
  } : null;
  render(req, res, 'gestiones/reading', {
    title: res.locals.t('readings.title'), contract: p.contract, tab: '', canAct: canAct(res), mode,
    fields: MODE_FIELDS[mode], today: p.today,
    last, unit: mode === 'gas' ? 'm³' : 'kWh', usual: p.usual === null ? null : formatInt(p.usual, lang),
    form: d.form, errors: d.errors ?? {}, confirm: d.confirm ?? null,
  }, { status });
}

/** The first problem of each field, in words, with numbers and dates as the page writes them. */
function readingErrors(t: TFunction, lang: string, problems: readonly ReadingProblem[]): Errors {
  const out: Errors = {};
  for (const p of problems) {
    const params = p.params ?? {};
    out[p.field] ??= t(p.key, {
      ...(params.value !== undefined ? { value: formatInt(params.value, lang) } : {}),
      ...(params.date ? { date: dmy(params.date) } : {}),
      ...(params.unit ? { unit: params.unit } : {}),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Power

function powerErrors(
  t: TFunction, errors: Partial<Record<PowerPeriod, PowerChangeError>>, form: { p1: string; p2: string },
): Errors {
  const out: Errors = {};
  for (const [period, code] of Object.entries(errors) as [PowerPeriod, PowerChangeError][]) {
    const raw = period === 'P1' ? form.p1 : form.p2;
    out[period.toLowerCase()] = t(`powerChange.errors.${code}`, { value: raw.trim() });
  }
  return out;
}

interface PowerView {
  form: { p1: string; p2: string };
  errors?: Errors;
  estimate?: PowerEstimate | null;
  /** Shown in the estimate area when the htmx fragment cannot show errors next to the fields. */
  message?: string | null;
}

function showPowerPage(req: Request, res: Response, p: PowerPage, d: PowerView, status = 200): void {
  const lang = res.locals.lang as string;
  const c = p.contract;
  const selected = (raw: string) => {
    const kw = parsePower(raw);
    return kw === null ? undefined : standardStep(kw);
  };
  render(req, res, 'gestiones/power', {
    title: res.locals.t('powerChange.title'), contract: c, tab: '', canAct: canAct(res),
    current: { P1: formatKw(c.power_p1_kw, lang), P2: formatKw(c.power_p2_kw, lang) },
    steps: POWER_STEPS_KW.map((kw) => ({ value: String(kw), label: formatKw(kw, lang) })),
    selected: { p1: selected(d.form.p1), p2: selected(d.form.p2) },
    pending: p.pending,
    form: d.form, errors: d.errors ?? {}, estimate: d.estimate ?? null, message: d.message ?? null,
  }, { status, fragment: 'gestiones/_power-estimate' });
}

const PowerQuery = z.object({ p1: z.string().optional().catch(undefined), p2: z.string().optional().catch(undefined) });

// ---------------------------------------------------------------------------------------------

export function readingRoutes(deps: AppDeps): Router {
  const router = Router();
  const guard = guards(deps);
  const contractId = (req: Request) => Number(req.params.contractId);

  router.get('/contratos/:contractId/lectura', guard.contract('read'), async (req, res) => {
    const page = await readingPage(userContext(deps, req), { contractId: contractId(req) });
    showReadingPage(
      req, res, page, { form: { date: page.today, p1: '', p2: '', p3: '', total: '', m3: '', confirmedFor: '' } },
    );
  });

  router.post('/contratos/:contractId/lectura', guard.contract('act'), async (req, res) => {
    const form = formFields(req, READING_FIELDS);
    const result = await submitReading(userContext(deps, req), {
      contractId: contractId(req), access: res.locals.customerAccess as Access, form, confirm: checkbox(req, 'confirm'),
    });
    const lang = res.locals.lang as string;
    switch (result.kind) {
      case 'recorded':
        req.session.flash = {
          kind: 'success', key: 'readings.done',
          params: { date: dmy(result.date), reference: result.request.reference },
        };
        return res.redirect(303, `/gestiones/${result.request.id}`);
      case 'confirm':
        return showReadingPage(req, res, result.page, {
          form: { ...form, confirmedFor: '' },
          confirm: {
            consumption: formatInt(result.consumption, lang), usual: formatInt(result.usual, lang),
            since: result.since ? dmy(result.since) : '', key: result.key,
          },
        });
      case 'invalid':
        return showReadingPage(
          req, res, result.page,
          { form: { ...form, confirmedFor: '' }, errors: readingErrors(res.locals.t, lang, result.problems) }, 422,
        );
    }
  });

  router.get('/contratos/:contractId/potencia', guard.contract('read'), async (req, res) => {
    const page = await powerPage(userContext(deps, req), { contractId: contractId(req) });
    const c = page.contract;
    const q = PowerQuery.parse(req.query);
    const asked = q.p1 !== undefined || q.p2 !== undefined;
    const form = {
      p1: q.p1 !== undefined ? q.p1.slice(0, 20) : asked ? '' : String(c.power_p1_kw),
      p2: q.p2 !== undefined ? q.p2.slice(0, 20) : asked ? '' : String(c.power_p2_kw),
    };
    if (!asked) return showPowerPage(req, res, page, { form });
    // "Calcular" (a GET, so it needs no token and changes nothing): the estimate or why not
    const result = validatePowerChange(
      { P1: c.power_p1_kw, P2: c.power_p2_kw }, { P1: parsePower(form.p1), P2: parsePower(form.p2) },
    );
    if (!result.ok) {
      const errors = powerErrors(res.locals.t, result.errors, form);
      return showPowerPage(req, res, page, { form, errors, message: Object.values(errors)[0] ?? null });
    }
    showPowerPage(req, res, page, { form, estimate: estimate(c, result.value, res.locals.lang as string) });
  });

  router.post('/contratos/:contractId/potencia', guard.contract('act'), async (req, res) => {
    const form = formFields(req, ['p1', 'p2'] as const);
    const result = await requestPowerChange(
      userContext(deps, req), { contractId: contractId(req), access: res.locals.customerAccess as Access, ...form },
    );
    if (result.kind === 'invalid') {
      return showPowerPage(
        req, res, result.page, { form, errors: powerErrors(res.locals.t, result.errors, form) }, 422,
      );
    }
    req.session.flash = { kind: 'success', key: 'powerChange.done', params: { reference: result.request.reference } };
    res.redirect(303, `/gestiones/${result.request.id}`);
  });

  return router;
}
