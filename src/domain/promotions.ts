/**
 * Advantages and promotions: who a promotion is for and when it shows, and what staff may
 * publish. Pure; "today" is Spain's day, passed in.
 */
import type { Energy } from './billing-types';
import { PROVINCES, type Province } from './postal';

export const AUDIENCE_KINDS = ['household', 'business', 'gestoria'] as const;
export type AudienceKind = (typeof AUDIENCE_KINDS)[number];

export interface Audience {
  kinds: readonly AudienceKind[];
  energy: Energy | null;
  tariff: string | null;
  province: Province | null;
}

export interface PromotionRule {
  active: boolean;
  validFrom: string;
  validTo: string;
  audience: Audience;
}

/** A customer as promotions see it: what it is and where and what it is supplied. */
export interface CustomerProfile {
  kind: AudienceKind;
  supplies: readonly { energy: Energy; tariff: string; province: string }[];
}

/**
 * The kind of customer for the audience: a company that manages other customers' supplies as
 * an active external manager is a gestoría; other companies and communities are businesses.
 */
export function audienceKind(customerKind: string, managesOthers: boolean): AudienceKind {
  if (customerKind === 'individual') return 'household';
  return managesOthers ? 'gestoria' : 'business';
}

/** Every condition set must hold; energy, tariff and province must hold for one same supply. */
export function promotionApplies(p: PromotionRule, profile: CustomerProfile, today: string): boolean {
  if (!p.active || today < p.validFrom || today > p.validTo) return false;
  if (!p.audience.kinds.includes(profile.kind)) return false;
  const { energy, tariff, province } = p.audience;
  if (!energy && !tariff && !province) return true;
  return profile.supplies.some(
    (s) => (!energy || s.energy === energy) && (!tariff || s.tariff === tariff) && (
      !province || s.province === province
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// What staff publish

export const PROMOTION_LIMITS = { title: 120, body: 1000, code: 30 } as const;

export interface PromotionForm {
  titleEs: string; titleCa: string; bodyEs: string; bodyCa: string; code: string;
  validFrom: string; validTo: string; kinds: string[]; energy: string; tariff: string; province: string;
}

export interface PromotionValue {
  titleEs: string; titleCa: string; bodyEs: string; bodyCa: string; code: string | null;
  validFrom: string; validTo: string; audience: Audience;
  /** A percentage off the energy term for N billing months, for customers who accept it. */
  discount?: Discount | null;
}

/** See promotion-discounts.ts for how a discount is accepted and billed. */
export interface Discount {
  percent: number;
  months: number;
}

export type PromotionField =
  | 'titleEs' | 'titleCa' | 'bodyEs' | 'bodyCa' | 'code'
  | 'validFrom' | 'validTo' | 'kinds' | 'energy' | 'tariff' | 'province';
export interface PromotionError { field: PromotionField; code: 'required' | 'too_long' | 'invalid' | 'order' }

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const CODE = /^[A-Z0-9-]{3,30}$/;
const TARIFFS = ['2.0TD', 'RL.1', 'RL.2'];
// control characters other than line breaks and tabs never belong in a published text
const CONTROL = /(?![\t\n\r])\p{Cc}/u;

function realDay(s: string): boolean {
  if (!ISO_DAY.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function validatePromotion(
  f: PromotionForm,
): { ok: true; value: PromotionValue } | { ok: false; errors: PromotionError[] } {
  const errors: PromotionError[] = [];
  const text = (field: PromotionField, v: string, max: number): string => {
    const s = v.replace(/\r\n?/g, '\n').trim();
    if (!s) errors.push({ field, code: 'required' });
    else if (CONTROL.test(s)) errors.push({ field, code: 'invalid' });
    else if (Array.from(s).length > max) errors.push({ field, code: 'too_long' });
    return s;
  };
  const titleEs = text('titleEs', f.titleEs, PROMOTION_LIMITS.title);
  const titleCa = text('titleCa', f.titleCa, PROMOTION_LIMITS.title);
  const bodyEs = text('bodyEs', f.bodyEs, PROMOTION_LIMITS.body);
  const bodyCa = text('bodyCa', f.bodyCa, PROMOTION_LIMITS.body);
  const code = f.code.trim().toUpperCase();
  if (code && !CODE.test(code)) errors.push({ field: 'code', code: 'invalid' });
  const from = f.validFrom.trim();
  const to = f.validTo.trim();
  if (!from) errors.push({ field: 'validFrom', code: 'required' });
  else if (!realDay(from)) errors.push({ field: 'validFrom', code: 'invalid' });
  if (!to) errors.push({ field: 'validTo', code: 'required' });
  else if (!realDay(to)) errors.push({ field: 'validTo', code: 'invalid' });
  else if (realDay(from) && to < from) errors.push({ field: 'validTo', code: 'order' });
  const kinds = [...new Set(f.kinds)];
  if (kinds.length === 0) errors.push({ field: 'kinds', code: 'required' });
  else if (!kinds.every((k) => (AUDIENCE_KINDS as readonly string[]).includes(k))) errors.push(
    { field: 'kinds', code: 'invalid' },
  );
  const energy = f.energy === 'electricity' || f.energy === 'gas' ? f.energy : null;
  if (f.energy && !energy) errors.push({ field: 'energy', code: 'invalid' });
  const tariff = TARIFFS.includes(f.tariff) ? f.tariff : null;
  if (f.tariff && !tariff) errors.push({ field: 'tariff', code: 'invalid' });
  const province = (PROVINCES as readonly string[]).includes(f.province) ? (f.province as Province) : null;
  if (f.province && !province) errors.push({ field: 'province', code: 'invalid' });
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      titleEs, titleCa, bodyEs, bodyCa, code: code || null, validFrom: from, validTo: to,
      audience: { kinds: kinds as AudienceKind[], energy, tariff, province },
    },
  };
}

/** The version of the consent text the customer read; a new wording gets a new version. */
export const MARKETING_CONSENT_VERSION = '2026-12';
