import type { AppDeps } from '../../deps';
/**
 * Gestiones on the supply point (issue 5 items 2 and 3): the customer's meter reading,
 * recorded at once, and the contracted power change, a request the distributor carries out.
 * Both pages are readable by every contact who can read the contract; only those who can act
 * for the customer get (and can post) the forms.
 */
import { Router, type Request, type Response } from 'express';
import type { TFunction } from 'i18next';
import { type ContractView } from '../../data/contracts-repo';
import { asLastReading, insertReading, lastReading, lockSupplyPoint, pendingPowerChange, recentConsumption, type ReadingRow } from '../../data/readings-repo';
import { insertEvent } from '../../data/requests-repo';
import type { Access } from '../../domain/access';
import { estimateMonthlyPowerCostDifference } from '../../domain/billing';
import { todayInSpain } from '../../domain/time';
import { DomainError } from '../../domain/errors';
import { parsePower, standardStep, validatePowerChange, type PowerChangeError, type PowerPair, type PowerPeriod } from '../../domain/power';
import {
  confirmationKey, DEFAULT_READING_POLICY, evaluateReading, parseReadingDate, parseRegister, registerFormatError, registerTotal,
  usualMonthlyConsumption, type MeterRegisters, type ProposedReading, type Register,
} from '../../domain/readings';
import { POWER_STEPS_KW } from '../../domain/tariffs';
import { createRequest } from '../../services/requests';
import { translator } from '../../i18n';
import { deps, requestActor } from '../../web/middleware/auth';
import { contractGuard, loadGuardedContract } from '../../web/middleware/guards';
import { checkbox, formFields } from '../../web/forms';
import { FieldErrors } from '../../web/validation';
import { render } from '../../web/render';

type Errors = Record<string, string>;



function canAct(res: Response): boolean {
  return (res.locals.customerAccess as Access | undefined)?.act === true;
}

/** dd/mm/yyyy, as dates are written on Spanish invoices. */
function dmy(iso: string): string {
  return iso.split('-').reverse().join('/');
}

function locale(lang: string): string {
  return lang === 'ca' ? 'ca-ES' : 'es-ES';
}

function formatInt(n: number, lang: string): string {
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 0 }).format(n);
}

function formatKw(kw: number, lang: string): string {
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 3 }).format(kw);
}

function formatEuros(cents: number, lang: string): string {
  return new Intl.NumberFormat(locale(lang), { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

// ---------------------------------------------------------------------------------------------
// Meter reading

/** Which registers the form asks for: three periods, a single total, or the gas meter (m³). */
type ReadingMode = 'periods' | 'single' | 'gas';
const READING_FIELDS = ['date', 'p1', 'p2', 'p3', 'total', 'm3', 'confirmedFor'] as const;
type ReadingForm = Record<(typeof READING_FIELDS)[number], string>;

const MODE_FIELDS: Record<ReadingMode, readonly ('p1' | 'p2' | 'p3' | 'total' | 'm3')[]> = {
  periods: ['p1', 'p2', 'p3'], single: ['total'], gas: ['m3'],
};

/** A meter whose last reading has no periods is read as one total; gas meters read m³. */
function readingMode(c: ContractView, last: ReadingRow | undefined): ReadingMode {
  if (c.energy === 'gas') return 'gas';
  return last && (last.p2_kwh === null || last.p3_kwh === null) ? 'single' : 'periods';
}

function fieldOf(register: Register, mode: ReadingMode): string {
  if (register === 'total') return mode === 'gas' ? 'm3' : mode === 'single' ? 'total' : 'p1';
  return register.toLowerCase();
}

function registersFrom(values: Record<string, number>, mode: ReadingMode): MeterRegisters {
  if (mode === 'periods') return { P1: values.p1!, P2: values.p2!, P3: values.p3! };
  return { total: values[mode === 'gas' ? 'm3' : 'total']! };
}

function lastValue(last: ReadingRow, register: Register): number {
  const r = asLastReading(last)!.registers;
  if (register === 'total' || !('P1' in r)) return registerTotal(r);
  return r[register];
}

/** The usual monthly consumption: the average of the last 12 billed months before this one. */
async function usualMonthly(req: Request, c: ContractView): Promise<number | null> {
  const month = todayInSpain(deps(req).clock.now()).slice(0, 7);
  return usualMonthlyConsumption(await recentConsumption(deps(req).db.knex, c.id, month, 12));
}

interface ReadingPageData {
  last: ReadingRow | undefined;
  usual: number | null;
  form: ReadingForm;
  errors?: Errors;
  confirm?: { consumption: string; usual: string; since: string; key: string } | null;
}

function readingPage(req: Request, res: Response, c: ContractView, d: ReadingPageData, status = 200): void {
  const lang = res.locals.lang as string;
  const today = todayInSpain(deps(req).clock.now());
  const mode = readingMode(c, d.last);
  const last = d.last ? {
    date: dmy(d.last.reading_date), source: d.last.source,
    values: mode === 'periods' && d.last.p2_kwh !== null && d.last.p3_kwh !== null
      ? [['P1', d.last.p1_kwh], ['P2', d.last.p2_kwh], ['P3', d.last.p3_kwh]].map(([k, v]) => ({ key: k as string, value: formatInt(v as number, lang) }))
      : [{ key: 'total', value: formatInt(d.last.p1_kwh, lang) }],
  } : null;
  render(req, res, 'gestiones/reading', {
    title: res.locals.t('readings.title'), contract: c, tab: '', canAct: canAct(res), mode, fields: MODE_FIELDS[mode], today,
    last, unit: mode === 'gas' ? 'm³' : 'kWh', usual: d.usual === null ? null : formatInt(d.usual, lang),
    form: d.form, errors: d.errors ?? {}, confirm: d.confirm ?? null,
  }, { status });
}

function emptyReadingForm(today: string): ReadingForm {
  return { date: today, p1: '', p2: '', p3: '', total: '', m3: '', confirmedFor: '' };
}

/** The payload of the request: what was read, and what it means since the last reading. */
function readingPayload(mode: ReadingMode, proposed: ProposedReading, last: ReadingRow | undefined, consumption: number | null): Record<string, unknown> {
  const r = proposed.registers;
  const values = 'P1' in r ? { readingP1: r.P1, readingP2: r.P2, readingP3: r.P3 } : mode === 'gas' ? { readingM3: r.total } : { readingTotal: r.total };
  return {
    readingDate: proposed.date, ...values,
    previousReadingDate: last?.reading_date ?? null,
    ...(mode === 'gas' ? { consumptionM3: consumption } : { consumptionKwh: consumption }),
  };
}

// ---------------------------------------------------------------------------------------------
// Power

async function loadElectricityContract(req: Request): Promise<ContractView & { power_p1_kw: number; power_p2_kw: number }> {
  const c = await loadGuardedContract(req);
  // gas supplies have no contracted power: the page does not exist for them
  if (c.energy !== 'electricity' || c.power_p1_kw === null || c.power_p2_kw === null) throw new DomainError('not_found');
  return c as ContractView & { power_p1_kw: number; power_p2_kw: number };
}

function powerErrors(t: TFunction, errors: Partial<Record<PowerPeriod, PowerChangeError>>, form: { p1: string; p2: string }): Errors {
  const out: Errors = {};
  for (const [period, code] of Object.entries(errors) as [PowerPeriod, PowerChangeError][]) {
    const raw = period === 'P1' ? form.p1 : form.p2;
    out[period.toLowerCase()] = t(`powerChange.errors.${code}`, { value: raw.trim() });
  }
  return out;
}

interface PowerEstimate { fromP1: string; fromP2: string; toP1: string; toP2: string; cents: number; amount: string; direction: 'up' | 'down' | 'same'; value: PowerPair }

function estimate(c: ContractView & { power_p1_kw: number; power_p2_kw: number }, to: PowerPair, lang: string): PowerEstimate {
  const cents = estimateMonthlyPowerCostDifference(c.product_code, { P1: c.power_p1_kw, P2: c.power_p2_kw }, to);
  return {
    fromP1: formatKw(c.power_p1_kw, lang), fromP2: formatKw(c.power_p2_kw, lang), toP1: formatKw(to.P1, lang), toP2: formatKw(to.P2, lang),
    cents, amount: formatEuros(Math.abs(cents), lang), direction: cents > 0 ? 'up' : cents < 0 ? 'down' : 'same', value: to,
  };
}

interface PowerPageData {
  form: { p1: string; p2: string };
  errors?: Errors;
  estimate?: PowerEstimate | null;
  /** Shown in the estimate area when the htmx fragment cannot show errors next to the fields. */
  message?: string | null;
}

async function powerPage(req: Request, res: Response, c: ContractView & { power_p1_kw: number; power_p2_kw: number }, d: PowerPageData, status = 200): Promise<void> {
  const lang = res.locals.lang as string;
  const pending = await pendingPowerChange(deps(req).db.knex, c.id);
  const selected = (raw: string) => {
    const kw = parsePower(raw);
    return kw === null ? undefined : standardStep(kw);
  };
  render(req, res, 'gestiones/power', {
    title: res.locals.t('powerChange.title'), contract: c, tab: '', canAct: canAct(res),
    current: { P1: formatKw(c.power_p1_kw, lang), P2: formatKw(c.power_p2_kw, lang) },
    steps: POWER_STEPS_KW.map((kw) => ({ value: String(kw), label: formatKw(kw, lang) })),
    selected: { p1: selected(d.form.p1), p2: selected(d.form.p2) },
    pending: pending ? { id: pending.id, reference: pending.reference } : null,
    form: d.form, errors: d.errors ?? {}, estimate: d.estimate ?? null, message: d.message ?? null,
  }, { status, fragment: 'gestiones/_power-estimate' });
}

// ---------------------------------------------------------------------------------------------

export function readingRoutes(_deps: AppDeps): Router {
  const router = Router();

  router.get('/contratos/:contractId/lectura', contractGuard('read'), async (req, res) => {
    const c = await loadGuardedContract(req);
    const last = await lastReading(deps(req).db.knex, c.sp_id);
    readingPage(req, res, c, { last, usual: await usualMonthly(req, c), form: emptyReadingForm(todayInSpain(deps(req).clock.now())) });
  });

  router.post('/contratos/:contractId/lectura', contractGuard('act'), async (req, res) => {
    const { db, clock, config } = deps(req);
    const now = clock.now();
    const today = todayInSpain(now);
    const t = res.locals.t;
    const lang = res.locals.lang as string;
    const c = await loadGuardedContract(req);
    const form = formFields(req, READING_FIELDS);
    const usual = await usualMonthly(req, c);
    const shownLast = await lastReading(db.knex, c.sp_id);
    const mode = readingMode(c, shownLast);

    // 1. what was typed: a real date, whole non-negative numbers in every register
    const e = new FieldErrors(t);
    const date = form.date.trim() ? parseReadingDate(form.date) : null;
    if (!form.date.trim()) e.add('date', 'errors.required');
    else if (!date) e.add('date', 'readings.errors.date_invalid');
    const values: Record<string, number> = {};
    for (const f of MODE_FIELDS[mode]) {
      if (!e.requireValue(f, form[f])) continue;
      const v = parseRegister(form[f]);
      const problem = registerFormatError(v, DEFAULT_READING_POLICY);
      if (problem) e.add(f, `readings.errors.${problem}`);
      else values[f] = v;
    }
    if (e.any || !date) return readingPage(req, res, c, { last: shownLast, usual, form, errors: e.errors }, 400);

    // 2. against the last reading, under a lock so two submissions are compared one after the other
    const proposed: ProposedReading = { date, registers: registersFrom(values, mode) };
    const confirmed = checkbox(req, 'confirm') && form.confirmedFor === confirmationKey(proposed);
    const actor = requestActor(req);
    const outcome = await db.knex.transaction(async (trx) => {
      await lockSupplyPoint(trx, c.sp_id);
      const lastRow = await lastReading(trx, c.sp_id);
      const decision = evaluateReading(asLastReading(lastRow), { ...proposed, today }, usual);
      if ('error' in decision || ('confirm' in decision && !confirmed)) return { decision, lastRow, created: null };
      await insertReading(trx, { supplyPointId: c.sp_id, date, source: 'customer', registers: proposed.registers, createdBy: actor.userId, now });
      const note = translator(actor.language)('confirm' in decision ? 'readings.noteConfirmed' : 'readings.note', { date: dmy(date) });
      const created = await createRequest(trx, {
        type: 'meter_reading', customerId: c.customer_id, contractId: c.id, access: res.locals.customerAccess as Access,
        payload: readingPayload(mode, proposed, lastRow, decision.consumption), status: 'completada', completionNote: note,
      }, actor, now, config);
      return { decision, lastRow, created };
    });

    if (outcome.created) {
      deps(req).mailer?.kick();
      req.session.flash = { kind: 'success', key: 'readings.done', params: { date: dmy(date), reference: outcome.created.reference } };
      return res.redirect(303, `/gestiones/${outcome.created.id}`);
    }
    const { decision, lastRow } = outcome;
    if ('confirm' in decision) {
      const since = lastRow ? dmy(lastRow.reading_date) : '';
      return readingPage(req, res, c, {
        last: lastRow, usual, form: { ...form, confirmedFor: '' },
        confirm: { consumption: formatInt(decision.consumption, lang), usual: formatInt(decision.usual, lang), since, key: confirmationKey(proposed) },
      });
    }
    const errors: Errors = {};
    const unit = mode === 'gas' ? 'm³' : 'kWh';
    if ('error' in decision) {
      switch (decision.error) {
        case 'date_invalid': case 'date_in_future':
          errors.date = t(`readings.errors.${decision.error}`);
          break;
        case 'date_before_last':
          errors.date = t('readings.errors.date_before_last', { date: dmy(decision.lastDate) });
          break;
        case 'below_last':
          for (const r of decision.registers) {
            errors[fieldOf(r, mode)] ??= t(r === 'total' && mode === 'periods' ? 'readings.errors.below_last_total' : 'readings.errors.below_last', {
              value: formatInt(lastValue(lastRow!, r), lang), unit, date: dmy(lastRow!.reading_date),
            });
          }
          break;
        default:
          for (const r of decision.registers) errors[fieldOf(r, mode)] ??= t(`readings.errors.${decision.error}`);
      }
    }
    readingPage(req, res, c, { last: lastRow, usual, form: { ...form, confirmedFor: '' }, errors }, 400);
  });

  router.get('/contratos/:contractId/potencia', contractGuard('read'), async (req, res) => {
    const c = await loadElectricityContract(req);
    const lang = res.locals.lang as string;
    const q = req.query;
    const asked = typeof q.p1 === 'string' || typeof q.p2 === 'string';
    const form = {
      p1: typeof q.p1 === 'string' ? q.p1.slice(0, 20) : asked ? '' : String(c.power_p1_kw),
      p2: typeof q.p2 === 'string' ? q.p2.slice(0, 20) : asked ? '' : String(c.power_p2_kw),
    };
    if (!asked) return powerPage(req, res, c, { form });
    // "Calcular" (a GET, so it needs no token and changes nothing): the estimate or why not
    const result = validatePowerChange({ P1: c.power_p1_kw, P2: c.power_p2_kw }, { P1: parsePower(form.p1), P2: parsePower(form.p2) });
    if (!result.ok) {
      const errors = powerErrors(res.locals.t, result.errors, form);
      return powerPage(req, res, c, { form, errors, message: Object.values(errors)[0] ?? null });
    }
    await powerPage(req, res, c, { form, estimate: estimate(c, result.value, lang) });
  });

  router.post('/contratos/:contractId/potencia', contractGuard('act'), async (req, res) => {
    const { db, clock, config } = deps(req);
    const now = clock.now();
    const c = await loadElectricityContract(req);
    const form = formFields(req, ['p1', 'p2'] as const);
    const current = { P1: c.power_p1_kw, P2: c.power_p2_kw };
    const result = validatePowerChange(current, { P1: parsePower(form.p1), P2: parsePower(form.p2) });
    if (!result.ok) return powerPage(req, res, c, { form, errors: powerErrors(res.locals.t, result.errors, form) }, 400);
    const to = result.value;
    const actor = requestActor(req);
    const t = translator(actor.language);
    const est = estimate(c, to, actor.language);
    const created = await db.knex.transaction(async (trx) => {
      const r = await createRequest(trx, {
        type: 'power_change', customerId: c.customer_id, contractId: c.id, access: res.locals.customerAccess as Access,
        payload: { fromP1: current.P1, fromP2: current.P2, toP1: to.P1, toP2: to.P2, monthlyDifferenceCents: est.cents },
      }, actor, now, config);
      // what was asked, in words, in the timeline the customer follows
      await insertEvent(trx, {
        requestId: r.id, at: now, kind: 'note', actorType: 'user', actorId: actor.userId,
        note: t('powerChange.note', { fromP1: est.fromP1, fromP2: est.fromP2, toP1: est.toP1, toP2: est.toP2, difference: `${est.cents > 0 ? '+' : est.cents < 0 ? '−' : ''}${est.amount}`, distributor: c.distributor }),
      });
      return r;
    });
    deps(req).mailer?.kick();
    req.session.flash = { kind: 'success', key: 'powerChange.done', params: { reference: created.reference } };
    res.redirect(303, `/gestiones/${created.id}`);
  });

  return router;
}
