import { expect } from 'chai';
import { panelsForRoof, recommendedPanels, simulateSolar, tiltFactor, type SolarInput } from '../../src/domain/solar';
import type { EnergyPrice } from '../../src/domain/tariffs';
import { validateSolarForm } from '../../src/domain/solar-form';

const SINGLE: EnergyPrice = { kind: 'single', eurPerKwh: 0.139 };
const THREE: EnergyPrice = { kind: 'periods', eurPerKwh: { P1: 0.199, P2: 0.129, P3: 0.089 } };
const PRICES = { compensationEurPerKwh: 0.06, investmentEurPerKwp: 1200, batteryEurPerKwh: 600, co2KgPerKwh: 0.25 };
// Every saved kWh also saves the electricity tax (5,11269632 %) and the VAT (21 %) on it:
// 1,0511269632 × 1,21 = 1,271863625472.

function input(over: Partial<SolarInput>): SolarInput {
  return { province: 'Valencia', orientation: 'S', tiltDeg: 30, panels: 4, batteryKwh: 0, months: [], energyPrice: SINGLE, prices: PRICES, ...over };
}

describe('solar simulator (hand-checked cases)', () => {
  it('Valencia, south, 30°, 4 panels, June: daylight use first, surplus compensated', () => {
    const r = simulateSolar(input({ months: [{ month: '2026-06', days: 30, consumptionKwh: { P1: 100, P2: 80, P3: 120 } }] }));
    const [june] = r.months;
    // 4 × 450 Wp = 1,8 kWp; Valencia 1.580 kWh/kWp·year × June share 0,102 × 1,8 = 290,088 kWh
    expect(r.kwp).to.equal(1.8);
    expect(june!.productionKwh).to.be.closeTo(290.088, 1e-9);
    // daylight consumption: 100 × 0,5 + 80 × 0,75 + 120 × 0,23 = 50 + 60 + 27,6 = 137,6 kWh, all covered
    expect(june!.selfConsumedKwh).to.be.closeTo(137.6, 1e-9);
    // surplus 290,088 − 137,6 = 152,488 kWh
    expect(june!.surplusKwh).to.be.closeTo(152.488, 1e-9);
    // avoided 137,6 × 0,139 = 19,1264 €; compensation min(152,488 × 0,06 = 9,14928; 41,7 − 19,1264) = 9,14928 €
    // (19,1264 + 9,14928) × 1,271863625472 = 35,96 €
    expect(june!.savingCents).to.equal(3596);
    // CO₂: 290,088 kWh × 0,25 kg = 72,522 kg
    expect(r.co2AvoidedKg).to.be.closeTo(72.522, 1e-9);
    // investment 1,8 kWp × 1.200 € = 2.160 €; payback 2.160 / 35,96
    expect(r.investmentCents).to.equal(216000);
    expect(r.paybackYears).to.be.closeTo(216000 / 3596, 1e-9);
  });

  it('Sevilla, July, 10 panels on a small consumption: compensation stops at the energy term', () => {
    const r = simulateSolar(input({ province: 'Sevilla', panels: 10, months: [{ month: '2026-07', days: 31, consumptionKwh: { P1: 20, P2: 20, P3: 20 } }] }));
    const [july] = r.months;
    // 4,5 kWp × 1.720 × 0,110 = 851,4 kWh; daylight 10 + 15 + 4,6 = 29,6 kWh; surplus 821,8 kWh
    expect(july!.productionKwh).to.be.closeTo(851.4, 1e-9);
    expect(july!.surplusKwh).to.be.closeTo(821.8, 1e-9);
    // 821,8 × 0,06 = 49,31 € would exceed what is left of the energy term (8,34 − 4,1144 = 4,2256 €),
    // so the month's energy term goes to zero: 60 kWh × 0,139 = 8,34 € × 1,271863625472 = 10,61 €
    expect(july!.savingCents).to.equal(1061);
    expect(r.savingPercent).to.be.closeTo(100, 0.01);
  });

  it('Madrid, east-west roof at 10°, 3-period tariff, 5 kWh battery in January: the battery serves punta first', () => {
    const r = simulateSolar(input({
      province: 'Madrid', orientation: 'E_W', tiltDeg: 10, panels: 6, batteryKwh: 5, energyPrice: THREE,
      months: [{ month: '2027-01', days: 31, consumptionKwh: { P1: 120, P2: 100, P3: 200 } }],
    }));
    const [jan] = r.months;
    // 2,7 kWp × 1.620 × 0,058 × 0,85 (east-west) × 0,93 (10°) = 200,543526 kWh
    expect(jan!.productionKwh).to.be.closeTo(200.543526, 1e-9);
    // daylight 60 + 75 + 46 = 181 kWh direct; 19,543526 kWh left, under the battery's 5 × 0,9 × 31 = 139,5
    expect(jan!.selfConsumedKwh).to.be.closeTo(181, 1e-9);
    expect(jan!.batteryKwh).to.be.closeTo(19.543526, 1e-9);
    expect(jan!.surplusKwh).to.be.closeTo(0, 1e-9);
    // P1 gets 60 + 19,543526 = 79,543526 kWh × 0,199 = 15,829161674; P2 75 × 0,129 = 9,675; P3 46 × 0,089 = 4,094
    // 29,598161674 € × 1,271863625472 = 37,64 €
    expect(jan!.savingCents).to.equal(3764);
    // 2,7 kWp × 1.200 + 5 kWh × 600 = 3.240 + 3.000 = 6.240 €
    expect(r.investmentCents).to.equal(624000);
    expect(r.selfConsumptionPercent).to.be.closeTo(100, 1e-9);
  });

  it('A Coruña, south-east at 45°, a whole year: the recommended size and the self-consumption share', () => {
    const months = Array.from({ length: 12 }, (_, i) => ({
      month: `2026-${String(i + 1).padStart(2, '0')}`, days: 30, consumptionKwh: { P1: 80, P2: 70, P3: 100 },
    }));
    const base = { province: 'A Coruña' as const, orientation: 'SE_SW' as const, tiltDeg: 45, months };
    // 3.000 kWh a year; 1 kWp makes 1.200 × 0,95 × 0,97 = 1.105,8 kWh; 70 % of 3.000 / 1.105,8 = 1,899 kWp
    // = 4,22 panels of 450 Wp → 4 panels
    expect(recommendedPanels(base)).to.equal(4);
    const r = simulateSolar(input({ ...base, panels: 0 }));
    expect(r.panels).to.equal(4);
    // 1,8 kWp × 1.105,8 = 1.990,44 kWh a year (the Atlantic monthly shares add up to 1)
    expect(r.yearlyProductionKwh).to.be.closeTo(1990.44, 1e-6);
    // daylight use 40 + 52,5 + 23 = 115,5 kWh a month; production exceeds it from February to October
    // (9 × 115,5 = 1.039,5) and falls short in January 89,5698, November 103,5029, December 95,5411:
    // 1.328,1138 kWh used, 66,72 % of the production
    expect(r.selfConsumptionPercent).to.be.closeTo(66.7246, 1e-3);
    expect(r.coveragePercent).to.be.closeTo((1328.1138 / 3000) * 100, 1e-3);
  });

  it('sizes, slopes and limits', () => {
    expect([0, 4.9, 5, 20, 30, 40, 41, 55].map(tiltFactor)).to.deep.equal([0.87, 0.87, 0.93, 0.98, 1, 1, 0.97, 0.92]);
    expect([1, 2, 9, 120, 10_000].map(panelsForRoof)).to.deep.equal([1, 1, 4, 60, 60]);
    expect(() => simulateSolar(input({ months: [] }))).to.throw(RangeError);
    const none = simulateSolar(input({ months: [{ month: '2026-06', days: 30, consumptionKwh: { P1: 0, P2: 0, P3: 0 } }] }));
    expect(none.yearlySavingCents).to.equal(0);
    expect(none.paybackYears).to.equal(null);
  });
});

describe('solar simulator form', () => {
  const ok = { orientation: 'S', tilt: '30', sizing: 'recommended', panels: '', roofM2: '', battery: '0' };
  const cases: Array<[string, Partial<typeof ok>, string[]]> = [
    ['recommended size', {}, []],
    ['panels given', { sizing: 'panels', panels: '8' }, []],
    ['roof given', { sizing: 'roof', roofM2: '20' }, []],
    ['unknown orientation', { orientation: 'N' }, ['orientation:invalid']],
    ['empty tilt', { tilt: ' ' }, ['tilt:required']],
    ['tilt with decimals', { tilt: '30,5' }, ['tilt:invalid']],
    ['tilt too steep', { tilt: '61' }, ['tilt:range']],
    ['no panel count', { sizing: 'panels' }, ['panels:required']],
    ['too many panels', { sizing: 'panels', panels: '61' }, ['panels:range']],
    ['zero panels', { sizing: 'panels', panels: '0' }, ['panels:range']],
    ['roof too small', { sizing: 'roof', roofM2: '1' }, ['roofM2:range']],
    ['battery not offered', { battery: '7' }, ['battery:invalid']],
    ['a NUL byte', { tilt: '3\u00000' }, ['tilt:invalid']],
  ];
  for (const [name, over, expected] of cases) {
    it(name, () => {
      const r = validateSolarForm({ ...ok, ...over });
      expect(r.ok ? [] : r.errors.map((e) => `${e.field}:${e.code}`)).to.deep.equal(expected);
    });
  }
});
