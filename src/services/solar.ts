import type { Knex } from 'knex';
import type { Config } from '../config';
import type { ContractView } from '../data/contracts-repo';
import { monthlyConsumption } from '../data/contracts-repo';
import { findProvince, provinceOfPostalCode, type Province } from '../domain/postal';
import { panelsForRoof, simulateSolar, type SolarResult } from '../domain/solar';
import type { SolarFormValues } from '../domain/solar-form';
import { SOLAR_OFFER } from '../domain/solar-offer';
import { findProduct, type EnergyPrice } from '../domain/tariffs';
import { todayInSpain } from '../domain/time';
import type { Access } from '../domain/access';
import { DomainError } from '../domain/errors';
import { createRequest, type Actor } from './requests';

export interface SolarCtx {
  db: Knex;
  now: Date;
  config: Config;
}

/** What the simulator knows about a supply before the customer chooses anything. */
export interface SolarBasis {
  /** Why there is nothing to simulate, if so. */
  unavailable: 'gas' | 'no_consumption' | 'no_province' | null;
  province: Province | null;
  months: { month: string; days: number; consumptionKwh: { P1: number; P2: number; P3: number } }[];
  energyPrice: EnergyPrice | null;
}

const MONTHS_USED = 12;

function monthShift(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 7);
}

function daysIn(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The supply's province, tariff prices and last 12 closed months of consumption. */
export async function solarBasis(ctx: SolarCtx, c: ContractView): Promise<SolarBasis> {
  const province = findProvince(c.province) ?? provinceOfPostalCode(c.postal_code);
  const product = findProduct(c.product_code);
  if (c.energy !== 'electricity' || !product || product.energy !== 'electricity') {
    return { unavailable: 'gas', province, months: [], energyPrice: null };
  }
  const last = monthShift(todayInSpain(ctx.now).slice(0, 7), -1);
  const rows = await monthlyConsumption(ctx.db, c.id, monthShift(last, -(MONTHS_USED - 1)), last);
  const months = rows.map(
    (r) => ({ month: r.month, days: daysIn(r.month), consumptionKwh: { P1: r.P1, P2: r.P2, P3: r.P3 } }),
  );
  // a year is needed: fewer months would make the yearly figures a guess
  const unavailable = !province ? 'no_province' : months.length < MONTHS_USED ? 'no_consumption' : null;
  return { unavailable, province, months, energyPrice: product.energyPrice };
}

export function runSolarSimulation(basis: SolarBasis, form: SolarFormValues): SolarResult {
  if (basis.unavailable || !basis.province || !basis.energyPrice) {
    throw new DomainError('conflict', 'nothing to simulate');
  }
  const panels = form.sizing === 'panels' ? form.panels : form.sizing === 'roof' ? panelsForRoof(form.roofM2) : 0;
  return simulateSolar({
    province: basis.province, orientation: form.orientation, tiltDeg: form.tiltDeg, panels, batteryKwh: form.batteryKwh,
    months: basis.months, energyPrice: basis.energyPrice, prices: SOLAR_OFFER,
  });
}

/**
 * "Quiero un estudio": a lead for the retailer's installers, tracked in Mis gestiones, with the
 * simulation the customer saw (recomputed here from the same data, never taken from the form).
 */
export async function requestSolarStudy(
  ctx: SolarCtx & { actor: Actor; access: Access }, c: ContractView, form: SolarFormValues,
): Promise<{ id: number; reference: string }> {
  const basis = await solarBasis(ctx, c);
  const r = runSolarSimulation(basis, form);
  return ctx.db.transaction((trx) => createRequest(trx, {
    type: 'solar_study', customerId: c.customer_id, contractId: c.id, access: ctx.access,
    payload: {
      orientation: form.orientation,
      tiltDeg: form.tiltDeg,
      panels: r.panels,
      kwp: r.kwp,
      batteryKwh: form.batteryKwh,
      yearlyProductionKwh: Math.round(r.yearlyProductionKwh),
      selfConsumptionPercent: Math.round(r.selfConsumptionPercent),
      yearlySavingCents: r.yearlySavingCents,
      investmentCents: r.investmentCents,
      paybackYears: r.paybackYears === null ? null : Math.round(r.paybackYears * 10) / 10,
    },
  }, ctx.actor, ctx.now, ctx.config));
}
