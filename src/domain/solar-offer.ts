import type { SolarPrices } from './solar';

/**
 * The retailer's solar offer, kept with the tariffs (tariffs.ts): changing a price is a
 * release, reviewed like any other price change.
 */
export const SOLAR_OFFER: SolarPrices = {
  // Surplus under the simplified compensation scheme, €/kWh (energy only, before taxes).
  compensationEurPerKwh: 0.06,
  // Turnkey installation for a home: modules, inverter, structure, labour, permits; € per kWp.
  investmentEurPerKwp: 1250,
  // Lithium battery installed, € per kWh of capacity.
  batteryEurPerKwh: 650,
  // kg CO₂/kWh of the national mix without guarantees of origin (CNMC electricity label).
  co2KgPerKwh: 0.25,
};

/** Battery sizes offered, kWh (0: none). */
export const BATTERY_OPTIONS = [0, 5, 10] as const;
