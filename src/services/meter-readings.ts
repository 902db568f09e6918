import type { Access } from '../domain/access';
import { DomainError } from '../domain/errors';
import {
  confirmationKey, DEFAULT_READING_POLICY, evaluateReading, parseReadingDate, parseRegister, registerFormatError,
  registerTotal,
  usualMonthlyConsumption, type MeterRegisters, type ProposedReading, type Register,
} from '../domain/readings';
import { todayInSpain } from '../domain/time';
import { findContract, type ContractView } from '../data/contracts-repo';
import {
  asLastReading, insertReading, lastReading, lockSupplyPoint, recentConsumption, type ReadingRow,
} from '../data/readings-repo';
import { translator } from '../i18n';
import type { UseCaseContext } from './context';
import { createRequest } from './requests';
import { letterDay } from '../domain/letter-format';

/**
 * The customer's meter reading (issue 5 item 2): recorded at once as a completed gestión,
 * compared with the last reading under a lock of the supply point, and a very high value
 * recorded only once the customer confirms it.
 */

/** Which registers the form asks for: three periods, a single total, or the gas meter (m³). */
export type ReadingMode = 'periods' | 'single' | 'gas';
export const READING_FIELDS = ['date', 'p1', 'p2', 'p3', 'total', 'm3', 'confirmedFor'] as const;
export type ReadingForm = Record<(typeof READING_FIELDS)[number], string>;
export const MODE_FIELDS: Record<ReadingMode, readonly ('p1' | 'p2' | 'p3' | 'total' | 'm3')[]> = {
  periods: ['p1', 'p2', 'p3'], single: ['total'], gas: ['m3'],
};

/** A field's problem: a message key and its values (numbers and ISO dates, formatted by the page). */
export interface ReadingProblem {
  field: string; key: string; params?: { value?: number; date?: string; unit?: string };
}

export interface ReadingPage {
  contract: ContractView; last: ReadingRow | undefined; usual: number | null; mode: ReadingMode; today: string;
}

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

/** The payload of the request: what was read, and what it means since the last reading. */
function readingPayload(
  mode: ReadingMode, proposed: ProposedReading, last: ReadingRow | undefined, consumption: number | null,
): Record<string, unknown> {
  const r = proposed.registers;
  const values = 'P1' in r ? { readingP1: r.P1, readingP2: r.P2, readingP3: r.P3 } : mode === 'gas' ? {
    readingM3: r.total,
  } : { readingTotal: r.total };
  return {
    readingDate: proposed.date, ...values,
    previousReadingDate: last?.reading_date ?? null,
    ...(mode === 'gas' ? { consumptionM3: consumption } : { consumptionKwh: consumption }),
  };
}

/** The page: the contract, its last reading, the usual monthly consumption (last 12 billed months). */
export async function readingPage(ctx: UseCaseContext, input: { contractId: number }): Promise<ReadingPage> {
  const contract = await findContract(ctx.db, input.contractId);
  if (!contract) throw new DomainError('not_found');
  const today = todayInSpain(ctx.now);
  const [last, recent] = await Promise.all(
    [lastReading(ctx.db, contract.sp_id), recentConsumption(ctx.db, contract.id, today.slice(0, 7), 12)],
  );
  return { contract, last, usual: usualMonthlyConsumption(recent), mode: readingMode(contract, last), today };
}

export type ReadingResult =
  | { kind: 'recorded'; request: { id: number; reference: string }; date: string }
  | { kind: 'invalid'; page: ReadingPage; problems: ReadingProblem[] }
  | { kind: 'confirm'; page: ReadingPage; consumption: number; usual: number; since: string | null; key: string };

export async function submitReading(
  ctx: UseCaseContext, input: { contractId: number; access: Access; form: ReadingForm; confirm: boolean },
): Promise<ReadingResult> {
  const { actor, now, config } = ctx;
  const page = await readingPage(ctx, input);
  const { contract: c, mode, usual, today } = page;
  const form = input.form;

  // 1. what was typed: a real date, whole non-negative numbers in every register
  const problems: ReadingProblem[] = [];
  const date = form.date.trim() ? parseReadingDate(form.date) : null;
  if (!form.date.trim()) problems.push({ field: 'date', key: 'errors.required' });
  else if (!date) problems.push({ field: 'date', key: 'readings.errors.date_invalid' });
  const values: Record<string, number> = {};
  for (const f of MODE_FIELDS[mode]) {
    if (!form[f].trim()) {
      problems.push({ field: f, key: 'errors.required' });
      continue;
    }
    const v = parseRegister(form[f]);
    const problem = registerFormatError(v, DEFAULT_READING_POLICY);
    if (problem) problems.push({ field: f, key: `readings.errors.${problem}` });
    else values[f] = v;
  }
  if (problems.length || !date) return { kind: 'invalid', page, problems };

  // 2. against the last reading, under a lock so two submissions are compared one after the other
  const proposed: ProposedReading = { date, registers: registersFrom(values, mode) };
  const confirmed = input.confirm && form.confirmedFor === confirmationKey(proposed);
  const outcome = await ctx.db.transaction(async (trx) => {
    await lockSupplyPoint(trx, c.sp_id);
    const lastRow = await lastReading(trx, c.sp_id);
    const decision = evaluateReading(asLastReading(lastRow), { ...proposed, today }, usual);
    if ('error' in decision || ('confirm' in decision && !confirmed)) return { decision, lastRow, created: null };
    await insertReading(
      trx,
      { supplyPointId: c.sp_id, date, source: 'customer', registers: proposed.registers, createdBy: actor.userId, now },
    );
    const note = translator(actor.language)(
      'confirm' in decision ? 'readings.noteConfirmed' : 'readings.note', { date: letterDay(date) },
    );
    const created = await createRequest(trx, {
      type: 'meter_reading', customerId: c.customer_id, contractId: c.id, access: input.access,
      payload: readingPayload(mode, proposed, lastRow, decision.consumption), status: 'completada',
      completionNote: note,
    }, actor, now, config);
    return { decision, lastRow, created };
  });

  if (outcome.created) {
    ctx.mailer?.kick();
    return { kind: 'recorded', request: outcome.created, date };
  }
  const { decision, lastRow } = outcome;
  const fresh = { ...page, last: lastRow };
  if ('confirm' in decision) {
    return {
      kind: 'confirm', page: fresh, consumption: decision.consumption, usual: decision.usual,
      since: lastRow?.reading_date ?? null, key: confirmationKey(proposed),
    };
  }
  const unit = mode === 'gas' ? 'm³' : 'kWh';
  if ('error' in decision) {
    switch (decision.error) {
      case 'date_invalid': case 'date_in_future':
        problems.push({ field: 'date', key: `readings.errors.${decision.error}` });
        break;
      case 'date_before_last':
        problems.push({ field: 'date', key: 'readings.errors.date_before_last', params: { date: decision.lastDate } });
        break;
      case 'below_last':
        for (const r of decision.registers) {
          problems.push({
            field: fieldOf(r, mode),
            key: r === 'total' && mode === 'periods'
              ? 'readings.errors.below_last_total'
              : 'readings.errors.below_last',
            params: { value: lastValue(lastRow!, r), unit, date: lastRow!.reading_date },
          });
        }
        break;
      default:
        for (const r of decision.registers) problems.push(
          { field: fieldOf(r, mode), key: `readings.errors.${decision.error}` },
        );
    }
  }
  return { kind: 'invalid', page: fresh, problems };
}
