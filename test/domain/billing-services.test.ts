import { expect } from 'chai';
import type { InvoiceLine } from '../../src/domain/billing-types';
import { computeBill, serviceMonthDays, type BillingInput } from '../../src/domain/billing';
import { rectifiedBill } from '../../src/domain/rectifying';

type Expected = [InvoiceLine['kind'], number];
const summary = (lines: InvoiceLine[]): Expected[] => lines.map((l) => [l.kind, l.amountCents]);
const BOILER_FROM_20TH = {
  name: 'Mantenimiento de caldera de gas', monthlyFeeCents: 990, startDate: '2025-01-20', endDate: null,
};

describe('billing: maintenance services and promotion discounts', () => {
  it('electricity: a 10 % discount lowers the IEE base; services are billed after it, pro rata', () => {
    // April 2025 (30 days) on tarifa-luz-estable, 4,6/4,6 kW, 215 kWh (the first hand-checked bill):
    //   Potencia P1 12,09 · P2 1,31 · Energía 215 × 0,139 = 29,89
    //   Descuento   10 % × 29,89 = 2,989 → −2,99
    //   IEE base    12,09 + 1,31 + 29,89 − 2,99 = 40,30; IEE 40,30 × 5,11269632 % = 2,0604… → 2,06
    //   Alquiler    0,80
    //   Urgencias   4,90 €/mes, whole month → 4,90
    //   Revisión    6,90 €/mes from 16 April: 15 of 30 days → 6,90 × 15/30 = 3,45
    //   Base        12,09 + 1,31 + 29,89 − 2,99 + 2,06 + 0,80 + 4,90 + 3,45 = 51,51
    //   IVA         51,51 × 21 % = 10,8171 → 10,82; total 62,33 €
    const input: BillingInput = {
      energy: 'electricity', productCode: 'tarifa-luz-estable', periodStart: '2025-04-01', periodEnd: '2025-04-30',
      powerKw: { P1: 4.6, P2: 4.6 }, consumptionKwh: { P1: 70, P2: 60, P3: 85 },
      discounts: [{ name: 'Otoño 10 %', percent: 10 }],
      services: [
        { name: 'Urgencias eléctricas 24 h', monthlyFeeCents: 490, startDate: '2025-01-10', endDate: null },
        { name: 'Revisión de instalación eléctrica', monthlyFeeCents: 690, startDate: '2025-04-16', endDate: null },
        // ended before the period: no line
        {
          name: 'Revisión de instalación eléctrica', monthlyFeeCents: 690,
          startDate: '2024-01-01', endDate: '2025-03-31',
        },
      ],
    };
    const bill = computeBill(input);
    expect(summary(bill.lines)).to.deep.equal([
      ['power_term', 1209], ['power_term', 131], ['energy_term', 2989], ['discount', -299],
      ['electricity_tax', 206], ['meter_rental', 80], ['service', 490], ['service', 345], ['vat', 1082],
    ]);
    expect(bill.totals).to.deep.equal({ taxableBaseCents: 5151, vatCents: 1082, totalCents: 6233 });
    const [urgent, check] = bill.lines.filter((l) => l.kind === 'service');
    expect(urgent!.detail).to.equal('Urgencias eléctricas 24 h: 4,90 €/mes');
    expect(check!.detail).to.equal('Revisión de instalación eléctrica: 6,90 €/mes × 15/30 días');
    expect(check!.quantity).to.equal(0.5);
    expect(bill.lines.find((l) => l.kind === 'discount')!.detail).to.equal('Otoño 10 %: 10 % × 29,89 €');
  });

  it('gas: the discount comes off the variable term; a boiler contracted on the 20th pays 12 of 31 days', () => {
    // January 2025 (31 days) on tarifa-gas-rl1, 500 kWh:
    //   Término fijo 31 × 0,1136 = 3,5216 → 3,52
    //   Variable     500 × 0,0799 = 39,95
    //   Descuento    20 % × 39,95 = 7,99 → −7,99
    //   Hidrocarb.   500 × 0,00234 = 1,17 (per kWh: the discount does not change it)
    //   Alquiler     31 × 0,0199 = 0,6169 → 0,62
    //   Caldera      9,90 × 12/31 = 3,8322… → 3,83
    //   Base         3,52 + 39,95 − 7,99 + 1,17 + 0,62 + 3,83 = 41,10
    //   IVA          41,10 × 21 % = 8,631 → 8,63; total 49,73 €
    const bill = computeBill({
      energy: 'gas', productCode: 'tarifa-gas-rl1', periodStart: '2025-01-01', periodEnd: '2025-01-31',
      consumptionKwh: { P1: 500, P2: 0, P3: 0 },
      discounts: [{ name: 'Gas 20', percent: 20 }],
      services: [BOILER_FROM_20TH],
    });
    expect(summary(bill.lines)).to.deep.equal([
      ['fixed_term', 352], ['energy_term', 3995], ['discount', -799], ['hydrocarbon_tax', 117],
      ['meter_rental', 62], ['service', 383], ['vat', 863],
    ]);
    expect(bill.totals).to.deep.equal({ taxableBaseCents: 4110, vatCents: 863, totalCents: 4973 });
  });

  it('divides the monthly fee by the days of the period\'s month, whatever the period\'s length', () => {
    const cases: [string, string, number, number][] = [
      ['2025-04-01', '2025-04-30', 30, 30],
      ['2025-04-01', '2025-04-25', 25, 30], // a contract that ends on the 25th
      ['2025-04-10', '2025-04-30', 21, 30], // one that starts on the 10th
      ['2024-02-01', '2024-02-29', 29, 29],
      ['2025-02-03', '2025-02-05', 3, 28],
      ['2025-12-20', '2025-12-31', 12, 31],
      ['2025-03-20', '2025-04-10', 22, 22], // across months (never issued): its own days
    ];
    for (const [start, end, days, expected] of cases) {
      expect(serviceMonthDays({ start, end }, days), `${start}..${end}`).to.equal(expected);
    }
  });

  it('a final period that ends on the 25th bills 25 of the month\'s 30 days of each service, not the whole fee', () => {
    const bill = computeBill({
      energy: 'gas', productCode: 'tarifa-gas-rl1', periodStart: '2025-04-01', periodEnd: '2025-04-25',
      consumptionKwh: { P1: 100, P2: 0, P3: 0 },
      services: [
        { ...BOILER_FROM_20TH, endDate: '2025-04-25' },
        { ...BOILER_FROM_20TH, startDate: '2025-04-11', endDate: '2025-04-25' },
      ],
    });
    const services = bill.lines.filter((l) => l.kind === 'service');
    // 9,90 × 25/30 = 8,25; 9,90 × 15/30 = 4,95
    expect(services.map((l) => [l.amountCents, l.quantity, l.detail])).to.deep.equal([
      [825, 0.833, 'Mantenimiento de caldera de gas: 9,90 €/mes × 25/30 días'],
      [495, 0.5, 'Mantenimiento de caldera de gas: 9,90 €/mes × 15/30 días'],
    ]);
  });

  it('two promotions never take the energy term below zero', () => {
    // 39,95 € energy: 50 % → −19,98 (19,975 rounds up); the second 50 % is capped at the 19,97 left
    const bill = computeBill({
      energy: 'gas', productCode: 'tarifa-gas-rl1', periodStart: '2025-01-01', periodEnd: '2025-01-31',
      consumptionKwh: { P1: 500, P2: 0, P3: 0 },
      discounts: [{ name: 'A', percent: 50 }, { name: 'B', percent: 50 }],
    });
    expect(bill.lines.filter((l) => l.kind === 'discount').map((l) => l.amountCents)).to.deep.equal([-1998, -1997]);
  });

  it('no services and no discounts: the bill is as before', () => {
    const base: BillingInput = {
      energy: 'electricity', productCode: 'tarifa-luz-estable', periodStart: '2025-04-01', periodEnd: '2025-04-30',
      powerKw: { P1: 4.6, P2: 4.6 }, consumptionKwh: { P1: 70, P2: 60, P3: 85 },
    };
    expect(computeBill({ ...base, services: [], discounts: [] })).to.deep.equal(computeBill(base));
  });
});

describe('rectifying bills keep the service fees and discounts of their period', () => {
  it('the corrected consumption changes the energy and its discount; the service line stays', () => {
    // January 2025 gas, corrected from 500 to 400 kWh: variable 400 × 0,0799 = 31,96; 20 % = 6,392 → −6,39;
    // the boiler, 12 of 31 days, stays 3,83
    const bill = rectifiedBill({
      energy: 'gas', productCode: 'tarifa-gas-rl1', periodStart: '2025-01-01', periodEnd: '2025-01-31',
      powerKw: null, powerSchedule: [], services: [BOILER_FROM_20TH],
      discounts: [{ name: 'Gas 20', percent: 20 }],
    }, { P1: 400, P2: 0, P3: 0 });
    const amounts = bill.lines.filter((l) => l.kind === 'service' || l.kind === 'discount').map((l) => l.amountCents);
    expect(amounts).to.deep.equal([-639, 383]);
  });
});
