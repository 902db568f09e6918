/**
 * Contracted power changes (DESIGN.md §4 rule 13): for 2.0TD, P1 (punta y llano) and P2
 * (valle) are chosen freely — P2 need not be at least P1 — but each must be one of the
 * standard steps (potencias normalizadas) up to the 15 kW ceiling, and the pair must differ
 * from the current one. The distributor carries the change out.
 */
import { isStandardPowerStep, POWER_STEPS_KW } from './tariffs';

export type PowerPeriod = 'P1' | 'P2';
export interface PowerPair { P1: number; P2: number }

/** 2.0TD covers contracted powers up to 15 kW; above it the supply needs another access tariff. */
export const MAX_POWER_2_0TD_KW = 15;

export type PowerChangeError = 'required' | 'not_standard' | 'above_max' | 'unchanged';

export type PowerChangeResult =
  | { ok: true; value: PowerPair }
  /** Per period; 'unchanged' is about the pair and is reported on P1. */
  | { ok: false; errors: Partial<Record<PowerPeriod, PowerChangeError>> };

/** The standard step a value stands for (published with 3 decimals), or undefined. */
export function standardStep(kw: number): number | undefined {
  return isStandardPowerStep(kw) ? POWER_STEPS_KW.find((s) => Math.abs(s - kw) < 0.0005) : undefined;
}

/**
 * A power as sent by the form: "4.6" (the option values) or "4,6" (typed by hand). Empty is
 * null (the field is required); anything else that is not a number of kW is NaN.
 */
export function parsePower(raw: string): number | null {
  const v = raw.trim().replace(/\s*kw$/i, '').replace(',', '.');
  if (v === '') return null;
  return /^\d{1,3}(\.\d{1,3})?$/.test(v) ? Number(v) : Number.NaN;
}

function samePower(a: number, b: number): boolean {
  return Math.abs(a - b) < 0.0005;
}

export function validatePowerChange(
  current: PowerPair, proposed: { P1: number | null; P2: number | null },
): PowerChangeResult {
  const errors: Partial<Record<PowerPeriod, PowerChangeError>> = {};
  const value: Partial<PowerPair> = {};
  for (const p of ['P1', 'P2'] as const) {
    const kw = proposed[p];
    if (kw === null) errors[p] = 'required';
    else if (Number.isFinite(kw) && kw > MAX_POWER_2_0TD_KW) errors[p] = 'above_max';
    else {
      const step = standardStep(kw);
      if (step === undefined) errors[p] = 'not_standard';
      else value[p] = step;
    }
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const pair = value as PowerPair;
  if (samePower(pair.P1, current.P1) && samePower(pair.P2, current.P2)) {
    return { ok: false, errors: { P1: 'unchanged' } };
  }
  return { ok: true, value: pair };
}
