// The retailer's price table. Prices are the ones in force for 2025-2026 offers; regulated parts
// (peajes, cargos, taxes) follow the BOE/CNMC figures, the margin is the retailer's own.
import type { Energy, TariffPeriod } from './billing-types';

/** Legal figures that do not depend on the product. */
export const TAXES = {
  /** IVA general. */
  vatPercent: 21,
  /** Impuesto especial sobre la electricidad (Ley 38/1992, art. 99). */
  electricityTaxPercent: 5.11269632,
  /** The IEE can never be lower than 1 €/MWh of consumed energy (non-industrial uses). */
  electricityTaxMinEurPerKwh: 0.001,
  /** Impuesto especial sobre hidrocarburos, gas for heating: 0,65 €/GJ = 0,00234 €/kWh. */
  hydrocarbonTaxEurPerKwh: 0.00234,
} as const;

/** One price for the whole day, or one per 2.0TD time period. */
export type EnergyPrice =
  | { readonly kind: 'single'; readonly eurPerKwh: number }
  | { readonly kind: 'periods'; readonly eurPerKwh: Readonly<Record<TariffPeriod, number>> };

export interface ElectricityProduct {
  readonly code: string;
  readonly name: string;
  readonly energy: 'electricity';
  readonly accessTariff: '2.0TD';
  /** €/kW·día, peajes + cargos + margin. */
  readonly powerEurPerKwDay: { readonly P1: number; readonly P2: number };
  readonly energyPrice: EnergyPrice;
  /** €/día, single-phase meter rented from the distributor. */
  readonly meterRentalEurPerDay: number;
}

export interface GasProduct {
  readonly code: string;
  readonly name: string;
  readonly energy: 'gas';
  readonly accessTariff: 'RL.1' | 'RL.2';
  /** Término fijo, €/día. */
  readonly fixedEurPerDay: number;
  /** Término variable, €/kWh. */
  readonly energyEurPerKwh: number;
  readonly meterRentalEurPerDay: number;
}

export type Product = ElectricityProduct | GasProduct;

// Both electricity products share the power term: it is mostly regulated and the margin on it
// is the same, so customers compare products on the energy price only.
const POWER_2_0TD = { P1: 0.087595, P2: 0.009466 } as const;
const METER_RENTAL_SINGLE_PHASE = 0.02663;

export const PRODUCTS: readonly Product[] = Object.freeze([
  {
    code: 'tarifa-luz-estable',
    name: 'Tarifa Luz Estable (precio único 24 h)',
    energy: 'electricity',
    accessTariff: '2.0TD',
    powerEurPerKwDay: POWER_2_0TD,
    energyPrice: { kind: 'single', eurPerKwh: 0.139 },
    meterRentalEurPerDay: METER_RENTAL_SINGLE_PHASE,
  },
  {
    code: 'tarifa-luz-3-periodos',
    name: 'Tarifa Luz 3 Periodos (punta, llano y valle)',
    energy: 'electricity',
    accessTariff: '2.0TD',
    powerEurPerKwDay: POWER_2_0TD,
    energyPrice: { kind: 'periods', eurPerKwh: { P1: 0.199, P2: 0.129, P3: 0.089 } },
    meterRentalEurPerDay: METER_RENTAL_SINGLE_PHASE,
  },
  {
    code: 'tarifa-gas-rl1',
    name: 'Tarifa Gas RL.1 (hasta 5.000 kWh/año)',
    energy: 'gas',
    accessTariff: 'RL.1',
    fixedEurPerDay: 0.1136,
    energyEurPerKwh: 0.0799,
    meterRentalEurPerDay: 0.0199,
  },
  {
    code: 'tarifa-gas-rl2',
    name: 'Tarifa Gas RL.2 (de 5.000 a 15.000 kWh/año)',
    energy: 'gas',
    accessTariff: 'RL.2',
    fixedEurPerDay: 0.241,
    energyEurPerKwh: 0.0759,
    meterRentalEurPerDay: 0.0299,
  },
] satisfies Product[]);

export function findProduct(code: string): Product | undefined {
  return PRODUCTS.find((p) => p.code === code);
}

export function productsFor(energy: Energy): readonly Product[] {
  return PRODUCTS.filter((p) => p.energy === energy);
}

/**
 * Potencias normalizadas up to 15 kW (the 2.0TD ceiling): the standard ICP intensities
 * (1,5 … 63 A) at 230 V single-phase and at √3 × 400 V three-phase, in kW with 3 decimals.
 * A distributor only accepts a contracted power from this list.
 */
export const POWER_STEPS_KW: readonly number[] = Object.freeze([
  0.345, 0.69, 0.805, 1.039, 1.15, 1.725, 2.078, 2.3, 2.425, 3.45, 3.464, 4.6, 5.196, 5.75,
  6.9, 6.928, 8.05, 9.2, 10.35, 10.392, 11.5, 13.856, 14.49,
]);

export function isStandardPowerStep(kw: number): boolean {
  // Values come from forms and JSON, so compare at the published 3-decimal precision.
  return Number.isFinite(kw) && POWER_STEPS_KW.some((step) => Math.abs(step - kw) < 0.0005);
}
