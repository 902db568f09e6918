import { computeBill } from './billing';
import type { ConsumptionByPeriod, Energy } from './billing-types';
import { billingPeriod } from './invoicing';
import { findProduct, PRODUCTS, type Product } from './tariffs';

/**
 * Changing a contract's product (tariff) among the retailer's own: which products a contract
 * may move to, what each would have cost on the customer's own last 12 months (through the
 * billing function), and from when a completed change applies. Pure.
 */

/**
 * The products a contract may move to: same energy and same access tariff (the access tariff
 * follows the supply's power or yearly consumption, not the customer's choice), not its own.
 */
export function productAlternatives(currentCode: string): Product[] {
  const current = findProduct(currentCode);
  if (!current) return [];
  return PRODUCTS.filter((p) => p.code !== current.code && p.energy === current.energy
    && p.accessTariff === current.accessTariff);
}

export interface MonthUsage { month: string; consumption: ConsumptionByPeriod }

/**
 * The average monthly difference (cents; positive costs more) between two products over the
 * months given, each billed in full by the billing function with the same powers. Null without
 * months: no history, no honest figure.
 */
export function monthlyCostDifference(input: {
  energy: Energy; fromCode: string; toCode: string; powerKw: { P1: number; P2: number } | null; months: MonthUsage[];
}): number | null {
  if (input.months.length === 0) return null;
  const total = (code: string) => input.months.reduce((sum, m) => {
    const { start, end } = billingPeriod(m.month);
    const bill = computeBill({
      energy: input.energy, productCode: code, periodStart: start, periodEnd: end,
      powerKw: input.powerKw ?? undefined, consumptionKwh: m.consumption,
    });
    return sum + bill.totals.totalCents;
  }, 0);
  return Math.round((total(input.toCode) - total(input.fromCode)) / input.months.length);
}

export type ProductChangeError = { field: 'product'; code: 'required' | 'not_offered' };

/** The product chosen must be one the contract may move to. */
export function checkProductChoice(currentCode: string, chosen: string):
  { ok: true; value: Product } | { ok: false; error: ProductChangeError } {
  if (!chosen) return { ok: false, error: { field: 'product', code: 'required' } };
  const product = productAlternatives(currentCode).find((p) => p.code === chosen);
  return product ? { ok: true, value: product } : { ok: false, error: { field: 'product', code: 'not_offered' } };
}

/**
 * A product change applies from the first day of the month after its completion: billing
 * periods are calendar months, so no invoice mixes two products and the one being consumed
 * keeps the prices the customer had when it began.
 */
export function productChangeEffectiveDay(today: string): string {
  const [y, m] = today.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
}

export interface ProductPeriod { validFrom: string; productCode: string }

/** The product in force on a day: the latest change on or before it, else the contract's own. */
export function productOn(day: string, schedule: readonly ProductPeriod[], contractCode: string):
  { code: string; since: string | null } {
  let found: ProductPeriod | null = null;
  for (const p of schedule) if (p.validFrom <= day && (!found || p.validFrom >= found.validFrom)) found = p;
  return found ? { code: found.productCode, since: found.validFrom } : { code: contractCode, since: null };
}
