/**
 * Promotions with a discount (issue 15 item 4): a percentage off the energy term for a number
 * of billing months, accepted by a customer for one contract. Pure.
 *
 * The discount covers the billing months from the month it is accepted, for N months: the
 * invoice of the month of acceptance is the next one issued, so it is the first to carry it.
 * It is computed on the energy term lines of each invoice (the term the customer controls by
 * consuming), and for electricity before the electricity tax, whose base is the power and
 * energy terms after discounts.
 */
import type { Energy } from './billing-types';
import { promotionApplies, type Audience, type CustomerProfile, type Discount } from './promotions';

export type { Discount } from './promotions';

export const DISCOUNT_LIMITS = { percentMax: 50, monthsMax: 24 } as const;

function monthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

function monthOf(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The billing months ('YYYY-MM') an acceptance on `today` covers: [first, last]. */
export function discountMonths(today: string, months: number): { first: string; last: string } {
  const first = monthIndex(today.slice(0, 7));
  return { first: monthOf(first), last: monthOf(first + months - 1) };
}

/** Whether the invoice of billing month `month` carries the discount. */
export function discountCovers(a: { first: string; last: string }, month: string): boolean {
  return month >= a.first && month <= a.last;
}

/**
 * The discount on an energy term of `energyCents`: percent × base, rounded half away from
 * zero, and negative (it is subtracted). Never more than the base.
 */
export function discountCents(energyCents: number, percent: number): number {
  if (!Number.isSafeInteger(energyCents) || energyCents < 0) throw new RangeError(`Bad base ${energyCents}`);
  if (!Number.isInteger(percent) || percent < 1 || percent > 100) throw new RangeError(`Bad percent ${percent}`);
  const cents = Math.floor((2 * energyCents * percent + 100) / 200);
  return -Math.min(cents, energyCents);
}

export type AcceptRefusal = 'no_discount' | 'not_for_you' | 'contract_ended' | 'already';

/** Whether a customer may accept a promotion's discount for one of its contracts today. */
export function acceptRefusal(
  promo: { active: boolean; validFrom: string; validTo: string; audience: Audience; discount: Discount | null },
  contract: { status: string; energy: Energy; tariff: string; province: string },
  customerKind: CustomerProfile['kind'],
  alreadyAccepted: boolean,
  today: string,
): AcceptRefusal | null {
  if (!promo.discount) return 'no_discount';
  if (contract.status !== 'active') return 'contract_ended';
  // the audience must hold for this very contract, not for any supply of the customer
  const supply = { energy: contract.energy, tariff: contract.tariff, province: contract.province };
  const profile: CustomerProfile = { kind: customerKind, supplies: [supply] };
  if (!promotionApplies(promo, profile, today)) return 'not_for_you';
  if (alreadyAccepted) return 'already';
  return null;
}

/** Staff's two fields: both empty (no discount) or both whole numbers within the limits. */
export interface DiscountError { field: 'discountPercent' | 'discountMonths'; code: 'required' | 'invalid' }

export function parseDiscount(percentText: string, monthsText: string):
  { ok: true; value: Discount | null } | { ok: false; errors: DiscountError[] } {
  const p = percentText.trim();
  const m = monthsText.trim();
  if (!p && !m) return { ok: true, value: null };
  const errors: DiscountError[] = [];
  const whole = (s: string, max: number) =>
    (/^\d{1,3}$/.test(s) && Number(s) >= 1 && Number(s) <= max ? Number(s) : null);
  const percent = whole(p, DISCOUNT_LIMITS.percentMax);
  const months = whole(m, DISCOUNT_LIMITS.monthsMax);
  if (!p) errors.push({ field: 'discountPercent', code: 'required' });
  else if (percent === null) errors.push({ field: 'discountPercent', code: 'invalid' });
  if (!m) errors.push({ field: 'discountMonths', code: 'required' });
  else if (months === null) errors.push({ field: 'discountMonths', code: 'invalid' });
  if (errors.length || percent === null || months === null) return { ok: false, errors };
  return { ok: true, value: { percent, months } };
}
