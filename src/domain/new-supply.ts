/**
 * Contracting another energy at an address, or a new supply at a new address (issue 15 item 2):
 * which energies an address lacks, the products offered with a monthly estimate from the
 * billing function, the contracting form's checks and the administrator's completion. Pure.
 */
import type { Energy } from './billing-types';
import { computeBill } from './billing';
import { validateDirectDebit, type DirectDebitError } from './direct-debit';
import { isValidCups, maskIban, normalizeId } from './ids';
import { validateAddress, type Address, type AddressError, type AddressField, type AddressInput } from './postal';
import { isStandardPowerStep, productsFor, type Product } from './tariffs';

export const ENERGIES: readonly Energy[] = ['electricity', 'gas'];
export const LEAD_TYPES = ['new_energy', 'new_supply'] as const;
export type LeadType = (typeof LEAD_TYPES)[number];

export function isLeadType(v: unknown): v is LeadType {
  return typeof v === 'string' && (LEAD_TYPES as readonly string[]).includes(v);
}

export interface SupplyAddress {
  street: string;
  number: string;
  floorDoor: string | null;
  postalCode: string;
  municipality: string;
  province: string;
}

function fold(s: string | null | undefined): string {
  return (s ?? '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * The same place written twice ("C/ Mar 7, bajo" and "Calle del Mar 7 Bajo" aside) gives the same
 * key: accents, case and punctuation do not count. Street, number, floor/door and postal code
 * identify a supply; the town follows from the postal code.
 */
export function addressKey(a: SupplyAddress): string {
  return [fold(a.street), fold(a.number), fold(a.floorDoor), a.postalCode.trim()].join('|');
}

export interface SupplyAtAddress {
  contractId: number;
  customerId: number;
  energy: Energy;
  address: SupplyAddress;
}

/** An address of a customer where one energy is supplied and the other is not (yet). */
export interface EnergyOffer {
  customerId: number;
  /** A contract at the address: the offer's page hangs from it (and so does its access check). */
  contractId: number;
  address: SupplyAddress;
  key: string;
  has: Energy[];
  missing: Energy[];
}

/** Groups active supplies by customer and address; the addresses that lack an energy, in input order. */
export function energyOffers(supplies: readonly SupplyAtAddress[]): EnergyOffer[] {
  const byPlace = new Map<string, EnergyOffer>();
  for (const s of supplies) {
    const key = addressKey(s.address);
    const place = `${s.customerId}#${key}`;
    const found = byPlace.get(place);
    if (found) {
      if (!found.has.includes(s.energy)) found.has.push(s.energy);
    } else {
      byPlace.set(place, {
        customerId: s.customerId,
        contractId: s.contractId,
        address: s.address,
        key,
        has: [s.energy],
        missing: [],
      });
    }
  }
  const out: EnergyOffer[] = [];
  for (const o of byPlace.values()) {
    o.missing = ENERGIES.filter((e) => !o.has.includes(e));
    if (o.missing.length) out.push(o);
  }
  return out;
}

/** The offer for the address of one contract, or null when both energies are already supplied there. */
export function offerForContract(supplies: readonly SupplyAtAddress[], contractId: number): EnergyOffer | null {
  const anchor = supplies.find((s) => s.contractId === contractId);
  if (!anchor) return null;
  const key = addressKey(anchor.address);
  const has = [
    ...new Set(
      supplies.filter((s) => s.customerId === anchor.customerId && addressKey(s.address) === key).map((s) => s.energy),
    ),
  ];
  const missing = ENERGIES.filter((e) => !has.includes(e));
  return missing.length
    ? { customerId: anchor.customerId, contractId, address: anchor.address, key, has, missing }
    : null;
}

// ---------------------------------------------------------------------------------------------
// The estimate

/**
 * Typical yearly consumption used when the customer has none of their own for that energy:
 * electricity, a 2.0TD household of 4,6 kW (about 3.500 kWh a year, 27 % punta, 29 % llano,
 * 44 % valle, the order of IDAE's household studies); gas, the middle of each toll band
 * (RL.1 up to 5.000 kWh a year: cooking and hot water; RL.2 5.000–15.000: with heating).
 */
export const TYPICAL = {
  electricity: { yearlyKwh: 3500, split: { P1: 0.27, P2: 0.29 }, powerKw: 4.6 },
  gas: { 'RL.1': 3000, 'RL.2': 9000 },
} as const;

/** Powers offered in the form: the common standard steps of a home or a small business. */
export const OFFERED_POWERS_KW = [3.45, 4.6, 5.75, 6.9, 8.05, 9.2, 10.35, 11.5, 13.856, 14.49] as const;

export const YEARLY_KWH_MAX = 100_000;

export function typicalYearlyKwh(p: Product): number {
  return p.energy === 'electricity' ? TYPICAL.electricity.yearlyKwh : TYPICAL.gas[p.accessTariff];
}

// A 30-day month of no particular calendar: the estimate does not depend on today.
const ESTIMATE_PERIOD = { periodStart: '2026-04-01', periodEnd: '2026-04-30' } as const;

export interface Estimate {
  productCode: string;
  yearlyKwh: number;
  monthlyKwh: number;
  powerKw: number | null;
  monthlyCents: number;
}

/**
 * What a 30-day invoice of this product would come to, taxes included, with one twelfth of the
 * yearly consumption (split by period for electricity), through the billing function itself.
 */
export function monthlyEstimate(p: Product, opts: { yearlyKwh?: number; powerKw?: number } = {}): Estimate {
  const yearlyKwh = opts.yearlyKwh ?? typicalYearlyKwh(p);
  const monthlyKwh = Math.round(yearlyKwh / 12);
  if (p.energy === 'gas') {
    const bill = computeBill({
      energy: 'gas',
      productCode: p.code,
      ...ESTIMATE_PERIOD,
      consumptionKwh: { P1: monthlyKwh, P2: 0, P3: 0 },
    });
    return { productCode: p.code, yearlyKwh, monthlyKwh, powerKw: null, monthlyCents: bill.totals.totalCents };
  }
  const kw = opts.powerKw ?? TYPICAL.electricity.powerKw;
  const P1 = Math.round(monthlyKwh * TYPICAL.electricity.split.P1);
  const P2 = Math.round(monthlyKwh * TYPICAL.electricity.split.P2);
  const bill = computeBill({
    energy: 'electricity',
    productCode: p.code,
    ...ESTIMATE_PERIOD,
    powerKw: { P1: kw, P2: kw },
    consumptionKwh: { P1, P2, P3: monthlyKwh - P1 - P2 },
  });
  return { productCode: p.code, yearlyKwh, monthlyKwh, powerKw: kw, monthlyCents: bill.totals.totalCents };
}

/** Every product of an energy with its estimate (the customer's own yearly kWh when given). */
export function productOffer(
  energy: Energy,
  opts: { yearlyKwh?: number; powerKw?: number } = {},
): { product: Product; estimate: Estimate }[] {
  return productsFor(energy).map((product) => ({ product, estimate: monthlyEstimate(product, opts) }));
}

/** The optional "your yearly consumption" of the offer page: a whole number of kWh, or nothing. */
export function parseYearlyKwh(raw: string): { ok: true; value: number | undefined } | { ok: false } {
  const s = raw.replace(/[.\s]/g, '').trim();
  if (!s) return { ok: true, value: undefined };
  if (!/^\d{1,6}$/.test(s)) return { ok: false };
  const n = Number(s);
  return n >= 1 && n <= YEARLY_KWH_MAX ? { ok: true, value: n } : { ok: false };
}

// ---------------------------------------------------------------------------------------------
// The contracting form

export interface ContractingInput {
  product: string;
  power: string;
  cups: string;
  payment: string;
  account: string;
  iban: string;
  holder: string;
  conditions: boolean;
}

export type ContractingField = 'product' | 'power' | 'cups' | 'payment' | 'account' | 'iban' | 'holder' | 'conditions';
export type ContractingError =
  | 'required'
  | 'product_energy'
  | 'power_invalid'
  | 'cups_invalid'
  | 'account_unknown'
  | 'conditions_required'
  | Exclude<DirectDebitError, 'required' | 'mandate_required'>;

export interface Contracting {
  productCode: string;
  /** Electricity only: the contracted power asked for (both periods). */
  powerKw: number | null;
  /** The CUPS when the customer knows it (electronic format), else null. */
  cups: string | null;
  payment:
    | { kind: 'account'; accountNumber: string }
    | { kind: 'iban'; iban: string; maskedIban: string; holder: string };
}

export type ContractingResult =
  | { ok: true; value: Contracting }
  | { ok: false; errors: Partial<Record<ContractingField, ContractingError>> };

/**
 * Checks the form field by field: the product must be one of the energy's, electricity needs a
 * standard power, a CUPS is optional but must be a real one (its check letters), and payment is
 * either one of the customer's contract accounts or a new direct debit checked like the
 * direct-debit gestión. Accepting the conditions is required.
 */
export function validateContracting(
  input: ContractingInput,
  ctx: { energy: Energy; accountNumbers: readonly string[] },
): ContractingResult {
  const errors: Partial<Record<ContractingField, ContractingError>> = {};
  const product = productsFor(ctx.energy).find((p) => p.code === input.product);
  if (!input.product) errors.product = 'required';
  else if (!product) errors.product = 'product_energy';

  let powerKw: number | null = null;
  if (ctx.energy === 'electricity') {
    const raw = input.power.trim().replace(',', '.');
    const kw = Number(raw);
    if (!raw) errors.power = 'required';
    else if (!/^\d{1,2}(\.\d{1,3})?$/.test(raw) || !isStandardPowerStep(kw) || kw > 15) errors.power = 'power_invalid';
    else powerKw = kw;
  }

  const cupsRaw = normalizeId(input.cups);
  if (cupsRaw && !isValidCups(cupsRaw)) errors.cups = 'cups_invalid';

  let payment: Contracting['payment'] | null = null;
  if (input.payment === 'account') {
    const number = input.account.trim();
    if (!number) errors.account = 'required';
    else if (!ctx.accountNumbers.includes(number)) errors.account = 'account_unknown';
    else payment = { kind: 'account', accountNumber: number };
  } else if (input.payment === 'iban') {
    // the mandate is accepted with the conditions: checked below, not twice
    const dd = validateDirectDebit({ iban: input.iban, holder: input.holder, mandateAccepted: true });
    if (!dd.ok) {
      if (dd.errors.iban)
        errors.iban = dd.errors.iban === 'required' ? 'required' : (dd.errors.iban as ContractingError);
      if (dd.errors.holder)
        errors.holder = dd.errors.holder === 'required' ? 'required' : (dd.errors.holder as ContractingError);
    } else {
      payment = { kind: 'iban', iban: dd.value.iban, maskedIban: maskIban(dd.value.iban), holder: dd.value.holder };
    }
  } else {
    errors.payment = 'required';
  }
  if (!input.conditions) errors.conditions = 'conditions_required';

  if (Object.keys(errors).length || !product || !payment) return { ok: false, errors };
  return { ok: true, value: { productCode: product.code, powerKw, cups: cupsRaw || null, payment } };
}

export type NewAddressField = AddressField | 'energy';
export type NewAddressResult =
  | { ok: true; address: Address; energy: Energy }
  | { ok: false; errors: Partial<Record<NewAddressField, AddressError | 'required'>>; expectedProvince: string | null };

/**
 * A new supply's address (the postal code must be one of the province, like any address of the
 * portal) and its energy.
 */
export function validateNewAddress(input: AddressInput & { energy: string }): NewAddressResult {
  const address = validateAddress(input);
  const energy = (ENERGIES as readonly string[]).includes(input.energy) ? (input.energy as Energy) : null;
  if (address.ok && energy) return { ok: true, address: address.address, energy };
  const errors: Partial<Record<NewAddressField, AddressError | 'required'>> = address.ok ? {} : { ...address.errors };
  if (!energy) errors.energy = 'required';
  return { ok: false, errors, expectedProvince: address.ok ? null : address.expectedProvince };
}

// ---------------------------------------------------------------------------------------------
// Completion by an administrator

/** How far ahead a start date may be set: the distributor's switching takes days, not months. */
export const START_DAYS_AHEAD = 60;

export interface CompletionInput {
  cups: string;
  startDate: string;
  distributor: string;
}
export type CompletionField = 'cups' | 'startDate' | 'distributor';
export type CompletionError = 'required' | 'cups_invalid' | 'date_invalid' | 'before_request' | 'too_far' | 'too_long';

/** The distribution companies of the retailer's area (Comunitat Valenciana), prefilled for the administrator. */
export const DEFAULT_DISTRIBUTOR: Record<Energy, string> = {
  electricity: 'i-DE Redes Eléctricas Inteligentes',
  gas: 'Nedgia Cegas',
};
export const DISTRIBUTOR_MAX = 100;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function realDay(v: string): boolean {
  const m = DAY.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === v;
}

function plusDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The CUPS the supply gets (the customer's, or one the administrator reads from the
 * distributor) and the day the contract starts: not before the request, at most
 * START_DAYS_AHEAD days from today.
 */
export function validateCompletion(
  input: CompletionInput,
  ctx: { today: string; requestedOn: string },
):
  | { ok: true; value: { cups: string; startDate: string; distributor: string } }
  | { ok: false; errors: Partial<Record<CompletionField, CompletionError>> } {
  const errors: Partial<Record<CompletionField, CompletionError>> = {};
  const cups = normalizeId(input.cups);
  if (!cups) errors.cups = 'required';
  else if (!isValidCups(cups)) errors.cups = 'cups_invalid';
  const day = input.startDate.trim();
  if (!day) errors.startDate = 'required';
  else if (!realDay(day)) errors.startDate = 'date_invalid';
  else if (day < ctx.requestedOn) errors.startDate = 'before_request';
  else if (day > plusDays(ctx.today, START_DAYS_AHEAD)) errors.startDate = 'too_far';
  const distributor = input.distributor.replace(/\s+/g, ' ').trim();
  if (!distributor) errors.distributor = 'required';
  else if (distributor.length > DISTRIBUTOR_MAX) errors.distributor = 'too_long';
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { cups, startDate: day, distributor } };
}

/** The access tariff a supply point of this product carries. */
export function tariffOf(p: Product): string {
  return p.accessTariff;
}
