import type { ConsumptionByPeriod } from './billing-types';

/**
 * Which readings an invoice bills: the distributor's metering for the month when it exists
 * (real), otherwise the customer's own reading within the period against the reading before
 * the period (customer). Without either the month is not billed yet. Pure.
 */
export type ReadingsSource = 'real' | 'customer' | 'estimated';
export const READINGS_SOURCES: readonly ReadingsSource[] = ['real', 'customer', 'estimated'];

export interface MeterReadingFact {
  date: string;
  source: 'distributor' | 'customer' | 'estimated';
  P1: number;
  P2: number | null;
  P3: number | null;
}

export interface BilledConsumption {
  consumption: ConsumptionByPeriod;
  source: ReadingsSource;
  /** The readings compared, when the consumption comes from readings. */
  from: string | null;
  to: string | null;
}

function total(r: MeterReadingFact): number {
  return r.P1 + (r.P2 ?? 0) + (r.P3 ?? 0);
}

export function billedConsumption(
  period: { start: string; end: string },
  metered: ConsumptionByPeriod | null,
  readings: readonly MeterReadingFact[],
): BilledConsumption | null {
  if (metered) return { consumption: metered, source: 'real', from: null, to: null };
  const byDate = [...readings].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  // the latest customer reading of the period; the latest reading of any kind before the period
  const end = byDate.filter((r) => r.source === 'customer' && r.date >= period.start && r.date <= period.end).pop();
  const start = byDate.filter((r) => r.date < period.start).pop();
  if (!end || !start) return null;
  const periods = end.P2 !== null && end.P3 !== null && start.P2 !== null && start.P3 !== null;
  const consumption = periods
    ? { P1: end.P1 - start.P1, P2: end.P2! - start.P2!, P3: end.P3! - start.P3! }
    : { P1: total(end) - total(start), P2: 0, P3: 0 };
  // a meter that went backwards (replaced, misread) is not billed from these readings
  if (consumption.P1 < 0 || consumption.P2 < 0 || consumption.P3 < 0) return null;
  return {
    consumption, source: start.source === 'estimated' ? 'estimated' : 'customer', from: start.date, to: end.date,
  };
}
