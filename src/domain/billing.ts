import type {
  ConsumptionByPeriod,
  Energy,
  InvoiceLine,
  InvoiceLineKind,
  InvoiceTotals,
  TariffPeriod,
} from './billing-types';
import { findProduct, TAXES, type ElectricityProduct, type GasProduct, type Product } from './tariffs';
import { powerSegments, type PowerPeriod, type PowerSegment } from './power-periods';
import { activeDays, proratedFeeCents } from './maintenance-services';
import { discountCents } from './promotion-discounts';

export interface BillingInput {
  energy: Energy;
  productCode: string;
  /** 'YYYY-MM-DD', inclusive. */
  periodStart: string;
  /** 'YYYY-MM-DD', inclusive. */
  periodEnd: string;
  /** Electricity only: the powers in force before the first entry of powerSchedule (or always). */
  powerKw?: { P1: number; P2: number };
  /** Electricity only: power changes; each day is billed with the powers in force on it. */
  powerSchedule?: readonly PowerPeriod[];
  /** Gas has no periods: put everything in P1 (P2 and P3 are added to it anyway). */
  consumptionKwh: ConsumptionByPeriod;
  /** Maintenance services in force during the period (any part of it): billed by the days in force. */
  services?: readonly BilledService[];
  /** Accepted promotions whose discount covers this period: a percentage off the energy term. */
  discounts?: readonly BilledDiscount[];
}

export interface BilledService {
  /** Printed on the line, e.g. "Mantenimiento de caldera de gas". */
  name: string;
  monthlyFeeCents: number;
  startDate: string;
  /** The last day in force; null while in force. */
  endDate: string | null;
}

export interface BilledDiscount {
  /** Printed on the line: the promotion's title. */
  name: string;
  percent: number;
}

export interface BillResult {
  lines: InvoiceLine[];
  totals: InvoiceTotals;
  days: number;
}

// ---------------------------------------------------------------------------------------------
// Exact decimal arithmetic. Prices have up to 8 decimals and quantities up to 3, so binary
// floating point cannot represent the products exactly and a value like 29,885 € may come out
// as 29,88499999… and round the wrong way. Every number is read from its shortest decimal
// representation (what a person reads on the tariff sheet) into a scaled bigint.

interface Dec {
  /** value = units / 10^scale */
  units: bigint;
  scale: number;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function dec(x: number): Dec {
  if (!Number.isFinite(x)) throw new RangeError(`Not a finite number: ${x}`);
  const m = DECIMAL.exec(String(x));
  if (!m) throw new RangeError(`Cannot read ${x} as a decimal`);
  const [, sign, int, frac = '', exp = '0'] = m;
  let units = BigInt(`${int}${frac}`);
  let scale = frac.length - Number(exp);
  if (scale < 0) {
    units *= pow10(-scale);
    scale = 0;
  }
  return { units: sign ? -units : units, scale };
}

function cents(c: number): Dec {
  return { units: BigInt(c), scale: 2 };
}

function mul(...factors: Dec[]): Dec {
  return factors.reduce((a, b) => ({ units: a.units * b.units, scale: a.scale + b.scale }), { units: 1n, scale: 0 });
}

function align(a: Dec, scale: number): bigint {
  return a.units * pow10(scale - a.scale);
}

function add(...terms: Dec[]): Dec {
  const scale = Math.max(0, ...terms.map((t) => t.scale));
  return { units: terms.reduce((s, t) => s + align(t, scale), 0n), scale };
}

function compare(a: Dec, b: Dec): number {
  const s = Math.max(a.scale, b.scale);
  const x = align(a, s);
  const y = align(b, s);
  return x === y ? 0 : x < y ? -1 : 1;
}

/** Euros → integer cents, half away from zero. */
function toCents(euros: Dec): number {
  const shift = euros.scale - 2;
  if (shift <= 0) return Number(euros.units * pow10(-shift));
  const div = pow10(shift);
  const q = euros.units / div; // bigint division truncates toward zero
  const r = euros.units % div;
  const absR = r < 0n ? -r : r;
  if (absR * 2n >= div) return Number(q + (euros.units < 0n ? -1n : 1n));
  return Number(q);
}

function toNumber(d: Dec): number {
  return Number(toPlainString(d));
}

function toPlainString(d: Dec): string {
  const neg = d.units < 0n;
  const digits = (neg ? -d.units : d.units).toString().padStart(d.scale + 1, '0');
  const int = digits.slice(0, digits.length - d.scale);
  const frac = digits.slice(digits.length - d.scale).replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/**
 * Rounds an amount in euros to integer cents, half away from zero, reading the number as the
 * decimal it prints as: 1.005 → 101 and 2.675 → 268, where Math.round(x * 100) gives 100 and 267.
 */
export function roundHalfUpCents(euros: number): number {
  return toCents(dec(euros));
}

// ---------------------------------------------------------------------------------------------
// Spanish formatting for the `detail` text.

/** "4,6", "0,087595", "12.300" — comma decimals; thousands grouped only from 5 digits (RAE). */
function es(d: Dec, minFraction = 0): string {
  const plain = toPlainString(d);
  const neg = plain.startsWith('-');
  const [int = '0', frac = ''] = (neg ? plain.slice(1) : plain).split('.');
  const grouped = int.length >= 5 ? int.replace(/\B(?=(\d{3})+$)/g, '.') : int;
  const fraction = frac.padEnd(minFraction, '0');
  return `${neg ? '-' : ''}${grouped}${fraction ? `,${fraction}` : ''}`;
}

/** Unit prices are shown with at least 6 decimals, as regulated prices are published. */
function price(x: number): string {
  return es(dec(x), 6);
}

function money(c: number): string {
  return `${es(cents(c), 2)} €`;
}

function daysText(days: number): string {
  return days === 1 ? '1 día' : `${days} días`;
}

// ---------------------------------------------------------------------------------------------
// Dates.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

function dayNumber(iso: string, name: string): number {
  const m = ISO_DATE.exec(iso);
  if (!m) throw new RangeError(`${name} must be a date 'YYYY-MM-DD', got "${iso}"`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  // Date.UTC silently rolls 2025-02-30 over to March; refuse it instead.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`${name} is not a calendar date: "${iso}"`);
  }
  return t / MS_PER_DAY;
}

/** Inclusive number of days from start to end. */
export function billingDays(periodStart: string, periodEnd: string): number {
  const start = dayNumber(periodStart, 'periodStart');
  const end = dayNumber(periodEnd, 'periodEnd');
  if (end < start) throw new RangeError(`periodEnd ${periodEnd} is before periodStart ${periodStart}`);
  return end - start + 1;
}

// ---------------------------------------------------------------------------------------------
// Lines.

function line(
  kind: InvoiceLineKind,
  quantity: Dec,
  unit: string,
  unitPrice: number,
  amount: Dec,
  detail: string,
  period?: TariffPeriod,
): InvoiceLine {
  return {
    kind,
    ...(period ? { period } : {}),
    detail,
    quantity: toNumber(quantity),
    unit,
    unitPrice,
    amountCents: toCents(amount),
  };
}

/** "01/11–15/11": the days a power line covers when the powers changed inside the period. */
function span(from: string, to: string): string {
  const dm = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}`;
  return ` (${dm(from)}–${dm(to)})`;
}

function powerLine(period: 'P1' | 'P2', kw: number, days: number, eurPerKwDay: number, dates = ''): InvoiceLine {
  const kwDays = mul(dec(kw), dec(days));
  return line(
    'power_term',
    kwDays,
    'kW·día',
    eurPerKwDay,
    mul(kwDays, dec(eurPerKwDay)),
    `${es(dec(kw))} kW × ${daysText(days)} × ${price(eurPerKwDay)} €/kW día${dates}`,
    period,
  );
}

function energyLine(kwh: number, eurPerKwh: number, period?: TariffPeriod): InvoiceLine {
  return line(
    'energy_term',
    dec(kwh),
    'kWh',
    eurPerKwh,
    mul(dec(kwh), dec(eurPerKwh)),
    `${es(dec(kwh))} kWh × ${price(eurPerKwh)} €/kWh`,
    period,
  );
}

function perDayLine(kind: 'meter_rental' | 'fixed_term', days: number, eurPerDay: number): InvoiceLine {
  return line(
    kind, dec(days), 'día', eurPerDay, mul(dec(days), dec(eurPerDay)), `${daysText(days)} × ${price(eurPerDay)} €/día`,
  );
}

function percentLine(kind: 'electricity_tax' | 'vat', baseCents: number, percent: number): InvoiceLine {
  return line(
    kind,
    cents(baseCents),
    '%',
    percent,
    mul(cents(baseCents), dec(percent), { units: 1n, scale: 2 }),
    `${es(dec(percent))} % × ${money(baseCents)}`,
  );
}

/**
 * Impuesto eléctrico on the rounded power + energy lines: the percentage, unless that is below
 * the legal minimum per kWh consumed, in which case the minimum is charged.
 */
export function electricityTax(baseCents: number, kwh: number): { line: InvoiceLine; minimumApplied: boolean } {
  const byPercent = mul(cents(baseCents), dec(TAXES.electricityTaxPercent), { units: 1n, scale: 2 });
  const minimum = mul(dec(kwh), dec(TAXES.electricityTaxMinEurPerKwh));
  if (compare(byPercent, minimum) >= 0) {
    return { line: percentLine('electricity_tax', baseCents, TAXES.electricityTaxPercent), minimumApplied: false };
  }
  return {
    line: line(
      'electricity_tax',
      dec(kwh),
      'kWh',
      TAXES.electricityTaxMinEurPerKwh,
      minimum,
      `${es(dec(kwh))} kWh × ${price(TAXES.electricityTaxMinEurPerKwh)} €/kWh (mínimo legal)`,
    ),
    minimumApplied: true,
  };
}

function sumCents(lines: readonly InvoiceLine[]): number {
  return lines.reduce((s, l) => s + l.amountCents, 0);
}

/** The name part of a detail: the column holds 200 characters and the computation follows it. */
function shortName(name: string): string {
  const chars = Array.from(name);
  return chars.length <= 120 ? name : `${chars.slice(0, 119).join('')}…`;
}

/**
 * One line per accepted promotion, each a percentage of the energy term as billed (so two
 * promotions do not compound); together they never take the energy term below zero.
 */
function discountLines(energy: readonly InvoiceLine[], discounts: readonly BilledDiscount[]): InvoiceLine[] {
  const base = sumCents(energy);
  let left = base;
  return discounts.flatMap((d) => {
    const amount = Math.max(discountCents(base, d.percent), -left);
    left += amount;
    if (amount === 0) return [];
    return [{
      kind: 'discount' as const,
      detail: `${shortName(d.name)}: ${es(dec(d.percent))} % × ${money(base)}`,
      quantity: toNumber(cents(base)),
      unit: '%',
      unitPrice: d.percent,
      amountCents: amount,
    }];
  });
}

/**
 * The days the monthly service fee is divided by: the days of the period's calendar month. A
 * period shorter than its month (a contract that ends on the 25th) bills the fee for the days in
 * force of the month, not the whole fee. A period across months (never issued) uses its own days.
 */
export function serviceMonthDays(period: { start: string; end: string }, days: number): number {
  if (period.start.slice(0, 7) !== period.end.slice(0, 7)) return days;
  const [y, m] = period.start.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * A line per service in force on any day of the period, its monthly fee pro rata by those days
 * (see proratedFeeCents). Not part of the electricity tax base: it is not energy supplied.
 */
function serviceLines(
  services: readonly BilledService[], period: { start: string; end: string }, periodDays: number,
): InvoiceLine[] {
  const days = serviceMonthDays(period, periodDays);
  return services.flatMap((s) => {
    const n = activeDays(s, period);
    if (n === 0) return [];
    const amountCents = proratedFeeCents(s.monthlyFeeCents, n, days);
    const fee = `${money(s.monthlyFeeCents)}/mes`;
    return [{
      kind: 'service' as const,
      detail: `${shortName(s.name)}: ${fee}${n === days ? '' : ` × ${n}/${days} días`}`,
      // the share of the month billed, e.g. 0,484 for 15 of 31 days
      quantity: Math.round((n / days) * 1000) / 1000,
      unit: 'mes',
      unitPrice: s.monthlyFeeCents / 100,
      amountCents,
    }];
  });
}

/** Closes a bill: VAT on the sum of every rounded line so far. */
function withVat(lines: readonly InvoiceLine[], days: number): BillResult {
  const taxableBaseCents = sumCents(lines);
  const vat = percentLine('vat', taxableBaseCents, TAXES.vatPercent);
  return {
    lines: [...lines, vat],
    totals: { taxableBaseCents, vatCents: vat.amountCents, totalCents: taxableBaseCents + vat.amountCents },
    days,
  };
}

// ---------------------------------------------------------------------------------------------
// Validation.

function productFor(energy: Energy | undefined, productCode: string): Product {
  const product = findProduct(productCode);
  if (!product) throw new RangeError(`Unknown product "${productCode}"`);
  if (energy !== undefined && product.energy !== energy) {
    throw new RangeError(`Product "${productCode}" is for ${product.energy}, not ${energy}`);
  }
  return product;
}

function checkConsumption(c: ConsumptionByPeriod): void {
  for (const p of ['P1', 'P2', 'P3'] as const) {
    const v = c[p];
    if (!Number.isFinite(v)) throw new RangeError(`Consumption ${p} must be a finite number of kWh, got ${v}`);
    if (v < 0) throw new RangeError(`Consumption ${p} cannot be negative, got ${v} kWh`);
  }
}

function checkPower(powerKw: { P1: number; P2: number } | undefined): { P1: number; P2: number } {
  if (!powerKw) throw new RangeError('Electricity bills need the contracted power (powerKw P1 and P2)');
  for (const p of ['P1', 'P2'] as const) {
    const v = powerKw[p];
    if (!Number.isFinite(v) || v <= 0) {
      throw new RangeError(`Contracted power ${p} must be a positive number of kW, got ${v}`);
    }
  }
  return powerKw;
}

// ---------------------------------------------------------------------------------------------
// Bills.

function powerLines(product: ElectricityProduct, powerKw: { P1: number; P2: number }, days: number): InvoiceLine[] {
  return [
    powerLine('P1', powerKw.P1, days, product.powerEurPerKwDay.P1),
    powerLine('P2', powerKw.P2, days, product.powerEurPerKwDay.P2),
  ];
}

/**
 * One line per tariff period and run of days with the same powers: a change inside the period
 * is billed pro rata, each part rounded to cents on its own like any other line.
 */
function segmentedPowerLines(product: ElectricityProduct, segments: readonly PowerSegment[]): InvoiceLine[] {
  if (segments.length === 1) return powerLines(product, segments[0]!, segments[0]!.days);
  return (['P1', 'P2'] as const).flatMap((p) =>
    segments.map((s) => powerLine(p, s[p], s.days, product.powerEurPerKwDay[p], span(s.from, s.to))));
}

function electricityBill(product: ElectricityProduct, input: BillingInput, days: number): BillResult {
  const powerKw = checkPower(input.powerKw);
  const segments = powerSegments(input.periodStart, input.periodEnd, input.powerSchedule ?? [], powerKw);
  for (const s of segments) checkPower(s);
  const c = input.consumptionKwh;
  const totalKwh = toNumber(add(dec(c.P1), dec(c.P2), dec(c.P3)));

  const energy: InvoiceLine[] = [];
  if (product.energyPrice.kind === 'single') {
    // A single-price bill always shows its energy line, even at 0 kWh, like the gas bill.
    energy.push(energyLine(totalKwh, product.energyPrice.eurPerKwh));
  } else {
    for (const p of ['P1', 'P2', 'P3'] as const) {
      if (c[p] > 0) energy.push(energyLine(c[p], product.energyPrice.eurPerKwh[p], p));
    }
  }

  const discounts = discountLines(energy, input.discounts ?? []);
  const supply = [...segmentedPowerLines(product, segments), ...energy, ...discounts];
  const tax = electricityTax(sumCents(supply), totalKwh).line;
  const rental = perDayLine('meter_rental', days, product.meterRentalEurPerDay);
  const services = serviceLines(input.services ?? [], { start: input.periodStart, end: input.periodEnd }, days);
  return withVat([...supply, tax, rental, ...services], days);
}

function gasBill(product: GasProduct, input: BillingInput, days: number): BillResult {
  const c = input.consumptionKwh;
  const kwh = toNumber(add(dec(c.P1), dec(c.P2), dec(c.P3)));
  const energy = energyLine(kwh, product.energyEurPerKwh);
  return withVat([
    perDayLine('fixed_term', days, product.fixedEurPerDay),
    energy,
    ...discountLines([energy], input.discounts ?? []),
    line(
      'hydrocarbon_tax',
      dec(kwh),
      'kWh',
      TAXES.hydrocarbonTaxEurPerKwh,
      mul(dec(kwh), dec(TAXES.hydrocarbonTaxEurPerKwh)),
      `${es(dec(kwh))} kWh × ${price(TAXES.hydrocarbonTaxEurPerKwh)} €/kWh`,
    ),
    perDayLine('meter_rental', days, product.meterRentalEurPerDay),
    ...serviceLines(input.services ?? [], { start: input.periodStart, end: input.periodEnd }, days),
  ], days);
}

/**
 * Every line is rounded to cents from its exact value, and each tax is computed on the rounded
 * lines it applies to, so that the printed lines add up to the printed totals.
 */
export function computeBill(input: BillingInput): BillResult {
  const product = productFor(input.energy, input.productCode);
  const days = billingDays(input.periodStart, input.periodEnd);
  checkConsumption(input.consumptionKwh);
  return product.energy === 'electricity'
    ? electricityBill(product, input, days)
    : gasBill(product, input, days);
}

/**
 * What changing the contracted power adds to (positive) or saves from (negative) a 30-day bill,
 * in cents: power term plus the IEE and VAT it attracts. Energy and meter rental do not change.
 */
export function estimateMonthlyPowerCostDifference(
  productCode: string,
  from: { P1: number; P2: number },
  to: { P1: number; P2: number },
): number {
  const product = productFor('electricity', productCode);
  if (product.energy !== 'electricity') throw new RangeError(`Product "${productCode}" has no contracted power`);
  const DAYS = 30;
  const cost = (kw: { P1: number; P2: number }): number => {
    const power = powerLines(product, checkPower(kw), DAYS);
    const tax = electricityTax(sumCents(power), 0).line;
    return withVat([...power, tax], DAYS).totals.totalCents;
  };
  return cost(to) - cost(from);
}

/** i18n key for an invoice line's label, e.g. 'billing.line.power_term'. */
export function lineLabelKey(kind: InvoiceLineKind): string {
  return `billing.line.${kind}`;
}
