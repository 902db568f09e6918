/**
 * The solar self-consumption simulator (issue 15): what panels on the customer's roof would
 * produce, how much of it the customer would use, what the surplus earns under the simplified
 * compensation scheme (RD 244/2019, art. 14: compensación simplificada, never more than the
 * month's energy term), what it costs and when it pays back. Pure: prices, yields and the
 * customer's consumption come in; nothing is read.
 */
import type { ConsumptionByPeriod, TariffPeriod } from './billing-types';
import type { Province } from './postal';
import { MONTHLY_SHARE, YEARLY_KWH_PER_KWP, climateOf } from './solar-yields';
import { TAXES, type EnergyPrice } from './tariffs';

export const ORIENTATIONS = ['S', 'SE_SW', 'E_W'] as const;
export type Orientation = (typeof ORIENTATIONS)[number];

/** A standard 450 Wp module of about 2 m² (1,13 × 1,76 m). */
export const PANEL_WP = 450;
export const PANEL_AREA_M2 = 2;
export const LIMITS = { panelsMax: 60, tiltMax: 60, batteryMaxKwh: 20, roofMaxM2: 400 } as const;

/** Production relative to south (PVGIS: an east or west roof loses 12–18 % in Spain). */
const ORIENTATION_FACTOR: Readonly<Record<Orientation, number>> = { S: 1, SE_SW: 0.95, E_W: 0.85 };

/** Production relative to the optimal slope (30–35° in the Peninsula). */
export function tiltFactor(tiltDeg: number): number {
  if (tiltDeg < 5) return 0.87;
  if (tiltDeg < 15) return 0.93;
  if (tiltDeg < 25) return 0.98;
  if (tiltDeg <= 40) return 1;
  if (tiltDeg <= 50) return 0.97;
  return 0.92;
}

/**
 * Share of each 2.0TD period that falls in daylight, when panels produce: P1 (punta) is 10–14 h
 * and 18–22 h on working days, so half of it; P2 (llano) is 8–10, 14–18 and 22–24 h, so 6 of its 8
 * hours; P3 (valle) is the night and the whole weekend, of which only the weekend days' 8–18 h
 * (20 of 88 hours a week) are sunny.
 */
export const DAYLIGHT_SHARE: Readonly<Record<TariffPeriod, number>> = { P1: 0.5, P2: 0.75, P3: 0.23 };

/** Usable share of a battery's capacity that reaches the home after charging and discharging. */
export const BATTERY_ROUND_TRIP = 0.9;

export interface SolarPrices {
  /** €/kWh paid for surplus energy under the simplified compensation scheme. */
  compensationEurPerKwh: number;
  /** Installed price, € per kWp (panels, inverter, structure, labour, permits). */
  investmentEurPerKwp: number;
  /** € per kWh of battery capacity. */
  batteryEurPerKwh: number;
  /** kg of CO₂ a kWh from the grid emits (the retailer's electricity label). */
  co2KgPerKwh: number;
}

export interface SolarMonthInput {
  /** 'YYYY-MM' */
  month: string;
  days: number;
  consumptionKwh: ConsumptionByPeriod;
}

export interface SolarInput {
  province: Province;
  orientation: Orientation;
  tiltDeg: number;
  /** Number of panels; 0 lets the simulator recommend a size. */
  panels: number;
  batteryKwh: number;
  /** The customer's last 12 months (any order). */
  months: readonly SolarMonthInput[];
  energyPrice: EnergyPrice;
  prices: SolarPrices;
}

export interface SolarMonth {
  month: string;
  consumptionKwh: number;
  productionKwh: number;
  selfConsumedKwh: number;
  batteryKwh: number;
  surplusKwh: number;
  /** What the month's bill goes down by, taxes included, in cents. */
  savingCents: number;
}

export interface SolarResult {
  panels: number;
  recommendedPanels: number;
  kwp: number;
  months: SolarMonth[];
  yearlyConsumptionKwh: number;
  yearlyProductionKwh: number;
  /** Share of the production used at home (directly or through the battery), 0–100. */
  selfConsumptionPercent: number;
  /** Share of the consumption covered by the panels, 0–100. */
  coveragePercent: number;
  yearlyEnergyCostCents: number;
  yearlySavingCents: number;
  /** Saving as a share of the energy term with taxes (what solar can reduce), 0–100. */
  savingPercent: number;
  investmentCents: number;
  /** null when the saving is nothing (the panels never pay back). */
  paybackYears: number | null;
  co2AvoidedKg: number;
}

const PERIODS: readonly TariffPeriod[] = ['P1', 'P2', 'P3'];

function priceOf(p: EnergyPrice, period: TariffPeriod): number {
  return p.kind === 'single' ? p.eurPerKwh : p.eurPerKwh[period];
}

/** Taxes that a kWh saved also saves: the electricity tax on it, then VAT on both. */
const TAX_MULTIPLIER = (1 + TAXES.electricityTaxPercent / 100) * (1 + TAXES.vatPercent / 100);

const total = (c: ConsumptionByPeriod): number => c.P1 + c.P2 + c.P3;

/** Monthly production of `kwp` in that month (1–12) where the customer lives. */
export function monthlyProductionKwh(
  province: Province, orientation: Orientation, tiltDeg: number, kwp: number, monthIndex: number,
): number {
  const share = MONTHLY_SHARE[climateOf(province)][monthIndex - 1];
  if (share === undefined) throw new RangeError(`month ${monthIndex}`);
  return YEARLY_KWH_PER_KWP[province] * share * ORIENTATION_FACTOR[orientation] * tiltFactor(tiltDeg) * kwp;
}

/**
 * The size that covers about 70 % of the yearly consumption, where most of it is still used
 * at home: beyond that the extra panels mostly make surplus, paid at a fraction of the price.
 */
export function recommendedPanels(input: Pick<SolarInput, 'province' | 'orientation' | 'tiltDeg' | 'months'>): number {
  const yearly = input.months.reduce((s, m) => s + total(m.consumptionKwh), 0);
  const perKwp = YEARLY_KWH_PER_KWP[input.province] * ORIENTATION_FACTOR[input.orientation] * tiltFactor(input.tiltDeg);
  const kwp = (yearly * 0.7) / perKwp;
  return Math.min(LIMITS.panelsMax, Math.max(1, Math.round((kwp * 1000) / PANEL_WP)));
}

/** Panels that fit on a usable roof area (at least one). */
export function panelsForRoof(areaM2: number): number {
  return Math.max(1, Math.min(LIMITS.panelsMax, Math.floor(areaM2 / PANEL_AREA_M2)));
}

export function simulateSolar(input: SolarInput): SolarResult {
  if (input.months.length === 0) throw new RangeError('no consumption to simulate with');
  const recommended = recommendedPanels(input);
  const panels = input.panels > 0 ? Math.min(input.panels, LIMITS.panelsMax) : recommended;
  const kwp = (panels * PANEL_WP) / 1000;
  const battery = Math.min(Math.max(input.batteryKwh, 0), LIMITS.batteryMaxKwh);
  const p = input.prices;

  const months = [...input.months].sort((a, b) => a.month.localeCompare(b.month)).map((m): SolarMonth => {
    const c = m.consumptionKwh;
    const production = monthlyProductionKwh(
      input.province, input.orientation, input.tiltDeg, kwp, Number(m.month.slice(5, 7)),
    );
    // Daylight consumption takes the sun's energy first, each period in proportion.
    const daylight = PERIODS.reduce((s, per) => s + c[per] * DAYLIGHT_SHARE[per], 0);
    const direct = Math.min(production, daylight);
    const offset: Record<TariffPeriod, number> = { P1: 0, P2: 0, P3: 0 };
    for (const per of PERIODS) offset[per] = daylight > 0 ? (direct * c[per] * DAYLIGHT_SHARE[per]) / daylight : 0;
    // The battery stores surplus for the evening and night, dearest period first, once a day.
    let stored = Math.min(production - direct, battery * BATTERY_ROUND_TRIP * m.days);
    const fromBattery = stored;
    for (const per of [...PERIODS].sort((a, b) => priceOf(input.energyPrice, b) - priceOf(input.energyPrice, a))) {
      const room = c[per] - offset[per];
      const take = Math.min(room, stored);
      offset[per] += take;
      stored -= take;
    }
    const batteryUsed = fromBattery - stored;
    const surplus = production - direct - batteryUsed;
    const energyCost = PERIODS.reduce((s, per) => s + c[per] * priceOf(input.energyPrice, per), 0);
    const avoided = PERIODS.reduce((s, per) => s + offset[per] * priceOf(input.energyPrice, per), 0);
    // Compensation lowers the energy term that remains, never below zero.
    const compensation = Math.min(surplus * p.compensationEurPerKwh, energyCost - avoided);
    return {
      month: m.month,
      consumptionKwh: total(c),
      productionKwh: production,
      selfConsumedKwh: direct,
      batteryKwh: batteryUsed,
      surplusKwh: surplus,
      savingCents: Math.round((avoided + compensation) * TAX_MULTIPLIER * 100),
    };
  });

  const sum = (f: (m: SolarMonth) => number): number => months.reduce((s, m) => s + f(m), 0);
  const yearlyProduction = sum((m) => m.productionKwh);
  const used = sum((m) => m.selfConsumedKwh + m.batteryKwh);
  const consumption = sum((m) => m.consumptionKwh);
  const energyCostCents = Math.round(
    input.months.reduce(
      (s, m) => s + PERIODS.reduce((t, per) => t + m.consumptionKwh[per] * priceOf(input.energyPrice, per), 0), 0,
    ) * TAX_MULTIPLIER * 100,
  );
  const saving = sum((m) => m.savingCents);
  const investmentCents = Math.round((kwp * p.investmentEurPerKwp + battery * p.batteryEurPerKwh) * 100);
  return {
    panels,
    recommendedPanels: recommended,
    kwp,
    months,
    yearlyConsumptionKwh: consumption,
    yearlyProductionKwh: yearlyProduction,
    selfConsumptionPercent: yearlyProduction > 0 ? (used / yearlyProduction) * 100 : 0,
    coveragePercent: consumption > 0 ? (used / consumption) * 100 : 0,
    yearlyEnergyCostCents: energyCostCents,
    yearlySavingCents: saving,
    savingPercent: energyCostCents > 0 ? (saving / energyCostCents) * 100 : 0,
    investmentCents,
    paybackYears: saving > 0 ? investmentCents / saving : null,
    co2AvoidedKg: yearlyProduction * p.co2KgPerKwh,
  };
}
