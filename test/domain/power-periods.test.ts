import { expect } from 'chai';
import type { InvoiceLine } from '../../src/domain/billing-types';
import { computeBill, type BillingInput } from '../../src/domain/billing';
import { checkDistributorAnswer, parseDay, powersOn, powerSegments, upcomingPowers, type PowerPeriod } from '../../src/domain/power-periods';

const BASE = { P1: 4.6, P2: 4.6 };

describe('power periods: the powers in force on each day', () => {
  const schedule: PowerPeriod[] = [
    { validFrom: '2026-11-16', P1: 5.75, P2: 5.75 },
    { validFrom: '2020-01-01', P1: 4.6, P2: 4.6 },
  ];
  const cases: [string, string, PowerPeriod[], ReturnType<typeof powersOn>][] = [
    ['no history: the base', '2026-11-20', [], { ...BASE, since: null }],
    ['before the first entry: the base', '2019-12-31', schedule, { ...BASE, since: null }],
    ['the day before the change', '2026-11-15', schedule, { P1: 4.6, P2: 4.6, since: '2020-01-01' }],
    ['the day of the change', '2026-11-16', schedule, { P1: 5.75, P2: 5.75, since: '2026-11-16' }],
    ['long after', '2027-06-01', schedule, { P1: 5.75, P2: 5.75, since: '2026-11-16' }],
  ];
  for (const [name, day, s, expected] of cases) it(name, () => expect(powersOn(day, s, BASE)).to.deep.equal(expected));

  it('lists the changes agreed for later days only', () => {
    expect(upcomingPowers('2026-11-15', schedule)).to.deep.equal([{ validFrom: '2026-11-16', P1: 5.75, P2: 5.75 }]);
    expect(upcomingPowers('2026-11-16', schedule)).to.deep.equal([]);
  });
});

describe('power periods: splitting a billing period', () => {
  const cases: [string, PowerPeriod[], ReturnType<typeof powerSegments>][] = [
    ['no change: one run of 30 days', [], [{ from: '2026-11-01', to: '2026-11-30', days: 30, ...BASE }]],
    ['change before the period: one run with the new powers', [{ validFrom: '2026-10-10', P1: 5.75, P2: 3.45 }],
      [{ from: '2026-11-01', to: '2026-11-30', days: 30, P1: 5.75, P2: 3.45 }]],
    ['change on the first day: one run', [{ validFrom: '2026-11-01', P1: 5.75, P2: 5.75 }],
      [{ from: '2026-11-01', to: '2026-11-30', days: 30, P1: 5.75, P2: 5.75 }]],
    // 1–15 November = 15 days, 16–30 = 15 days
    ['change on the 16th: 15 + 15 days', [{ validFrom: '2026-11-16', P1: 5.75, P2: 5.75 }], [
      { from: '2026-11-01', to: '2026-11-15', days: 15, ...BASE },
      { from: '2026-11-16', to: '2026-11-30', days: 15, P1: 5.75, P2: 5.75 },
    ]],
    // 1–29 = 29 days, 30 = 1 day
    ['change on the last day: 29 + 1 days', [{ validFrom: '2026-11-30', P1: 3.45, P2: 3.45 }], [
      { from: '2026-11-01', to: '2026-11-29', days: 29, ...BASE },
      { from: '2026-11-30', to: '2026-11-30', days: 1, P1: 3.45, P2: 3.45 },
    ]],
    ['change after the period: one run with the old powers', [{ validFrom: '2026-12-01', P1: 5.75, P2: 5.75 }],
      [{ from: '2026-11-01', to: '2026-11-30', days: 30, ...BASE }]],
    // 1–9 = 9, 10–19 = 10, 20–30 = 11
    ['two changes: three runs', [{ validFrom: '2026-11-20', P1: 6.9, P2: 6.9 }, { validFrom: '2026-11-10', P1: 5.75, P2: 5.75 }], [
      { from: '2026-11-01', to: '2026-11-09', days: 9, ...BASE },
      { from: '2026-11-10', to: '2026-11-19', days: 10, P1: 5.75, P2: 5.75 },
      { from: '2026-11-20', to: '2026-11-30', days: 11, P1: 6.9, P2: 6.9 },
    ]],
    ['an entry repeating the powers does not split', [{ validFrom: '2026-11-10', ...BASE }], [{ from: '2026-11-01', to: '2026-11-30', days: 30, ...BASE }]],
  ];
  for (const [name, s, expected] of cases) it(name, () => expect(powerSegments('2026-11-01', '2026-11-30', s, BASE)).to.deep.equal(expected));

  it('every day is billed once: the runs add up to the period', () => {
    const runs = powerSegments('2024-02-01', '2024-02-29', [{ validFrom: '2024-02-29', P1: 5.75, P2: 5.75 }], BASE);
    expect(runs.reduce((s, r) => s + r.days, 0)).to.equal(29);
  });
});

describe('billing with a power change inside the period (pro rata)', () => {
  type Expected = [InvoiceLine['kind'], InvoiceLine['period'] | undefined, number];
  const summary = (lines: InvoiceLine[]): Expected[] => lines.map((l) => [l.kind, l.period, l.amountCents]);
  const input: BillingInput = {
    energy: 'electricity', productCode: 'tarifa-luz-estable', periodStart: '2026-11-01', periodEnd: '2026-11-30',
    powerKw: BASE, powerSchedule: [{ validFrom: '2026-11-16', P1: 5.75, P2: 5.75 }],
    consumptionKwh: { P1: 70, P2: 60, P3: 85 },
  };

  it('bills 1–15 November at 4,6 kW and 16–30 at 5,75 kW, each part rounded on its own', () => {
    // Potencia P1 01/11–15/11   4,6 × 15 = 69 kW·día × 0,087595     = 6,044055    → 6,04
    // Potencia P1 16/11–30/11   5,75 × 15 = 86,25 kW·día × 0,087595 = 7,55506875  → 7,56
    // Potencia P2 01/11–15/11   69 kW·día × 0,009466                 = 0,653154    → 0,65
    // Potencia P2 16/11–30/11   86,25 kW·día × 0,009466              = 0,8164425   → 0,82
    // Energía                   215 kWh × 0,139                      = 29,885      → 29,89
    // IEE base 6,04 + 7,56 + 0,65 + 0,82 + 29,89 = 44,96 × 5,11269632 % = 2,2986682… → 2,30
    // Alquiler 30 × 0,02663 = 0,7989 → 0,80
    // Base IVA 44,96 + 2,30 + 0,80 = 48,06; IVA 21 % = 10,0926 → 10,09; total 58,15 €
    const bill = computeBill(input);
    expect(summary(bill.lines)).to.deep.equal([
      ['power_term', 'P1', 604], ['power_term', 'P1', 756], ['power_term', 'P2', 65], ['power_term', 'P2', 82],
      ['energy_term', undefined, 2989], ['electricity_tax', undefined, 230], ['meter_rental', undefined, 80], ['vat', undefined, 1009],
    ]);
    expect(bill.totals).to.deep.equal({ taxableBaseCents: 4806, vatCents: 1009, totalCents: 5815 });
    expect(bill.lines[0]!.detail).to.equal('4,6 kW × 15 días × 0,087595 €/kW día (01/11–15/11)');
    expect(bill.lines[1]!.detail).to.equal('5,75 kW × 15 días × 0,087595 €/kW día (16/11–30/11)');
    expect(bill.lines[1]!.quantity).to.equal(86.25);
  });

  it('a change outside the period leaves the bill as before (one line per period, no dates)', () => {
    const plain = computeBill({ ...input, powerSchedule: undefined });
    const later = computeBill({ ...input, powerSchedule: [{ validFrom: '2026-12-01', P1: 5.75, P2: 5.75 }] });
    expect(later).to.deep.equal(plain);
    expect(plain.lines[0]!.detail).to.equal('4,6 kW × 30 días × 0,087595 €/kW día');
  });

  it('refuses a schedule entry without a positive power', () => {
    expect(() => computeBill({ ...input, powerSchedule: [{ validFrom: '2026-11-16', P1: 0, P2: 5.75 }] })).to.throw(RangeError);
  });
});

describe("recording the distributor's answer", () => {
  const ctx = { today: '2026-11-20', requestedOn: '2026-11-18', lastBilledDay: '2026-10-31' };
  const cases: [string, { answer: string; effectiveDate: string; reason: string }, ReturnType<typeof checkDistributorAnswer>][] = [
    ['accepted with a date', { answer: 'accepted', effectiveDate: '2026-11-24', reason: '' }, { ok: true, value: { kind: 'accepted', effectiveDate: '2026-11-24' } }],
    ['accepted, date typed dd/mm/yyyy', { answer: 'accepted', effectiveDate: '4/12/2026', reason: '' }, { ok: true, value: { kind: 'accepted', effectiveDate: '2026-12-04' } }],
    ['accepted on the request day', { answer: 'accepted', effectiveDate: '2026-11-18', reason: '' }, { ok: true, value: { kind: 'accepted', effectiveDate: '2026-11-18' } }],
    ['accepted without a date', { answer: 'accepted', effectiveDate: ' ', reason: '' }, { ok: false, errors: [{ field: 'effectiveDate', code: 'required' }] }],
    ['not a calendar date', { answer: 'accepted', effectiveDate: '2026-02-30', reason: '' }, { ok: false, errors: [{ field: 'effectiveDate', code: 'invalid' }] }],
    ['before the request', { answer: 'accepted', effectiveDate: '2026-11-17', reason: '' }, { ok: false, errors: [{ field: 'effectiveDate', code: 'before_request' }] }],
    // 20 Nov + 90 days = 18 Feb 2027; the 19th is one day too far
    ['90 days ahead is allowed', { answer: 'accepted', effectiveDate: '2027-02-18', reason: '' }, { ok: true, value: { kind: 'accepted', effectiveDate: '2027-02-18' } }],
    ['91 days ahead is not', { answer: 'accepted', effectiveDate: '2027-02-19', reason: '' }, { ok: false, errors: [{ field: 'effectiveDate', code: 'too_far' }] }],
    ['the day after the last invoiced one is fine', { answer: 'accepted', effectiveDate: '2026-11-18', reason: '' }, { ok: true, value: { kind: 'accepted', effectiveDate: '2026-11-18' } }],
    ['refused with a reason', { answer: 'refused', effectiveDate: '', reason: '  La instalación no admite 9,2 kW ' }, { ok: true, value: { kind: 'refused', reason: 'La instalación no admite 9,2 kW' } }],
    ['refused without a reason', { answer: 'refused', effectiveDate: '2026-11-24', reason: '   ' }, { ok: false, errors: [{ field: 'reason', code: 'required' }] }],
    ['refused with a reason too long', { answer: 'refused', effectiveDate: '', reason: 'x'.repeat(2001) }, { ok: false, errors: [{ field: 'reason', code: 'too_long' }] }],
    ['no answer chosen', { answer: '', effectiveDate: '', reason: '' }, { ok: false, errors: [{ field: 'answer', code: 'required' }] }],
  ];
  for (const [name, input, expected] of cases) it(name, () => expect(checkDistributorAnswer(input, ctx)).to.deep.equal(expected));

  it('refuses a day already invoiced', () => {
    expect(checkDistributorAnswer({ answer: 'accepted', effectiveDate: '2026-11-30', reason: '' }, { ...ctx, requestedOn: '2026-11-01', lastBilledDay: '2026-11-30' }))
      .to.deep.equal({ ok: false, errors: [{ field: 'effectiveDate', code: 'already_billed' }] });
  });

  it('reads days as the calendar has them', () => {
    expect([parseDay('2024-02-29'), parseDay('2025-02-29'), parseDay('29/02/2024'), parseDay('31/04/2026'), parseDay('mañana')])
      .to.deep.equal(['2024-02-29', null, '2024-02-29', null, null]);
  });
});
