import { expect } from 'chai';
import {
  confirmationKey, dayNumber, evaluateReading, parseReadingDate, parseRegister, registerFormatError, usualForDays, usualMonthlyConsumption,
  type LastReading, type MeterRegisters, type ReadingDecision,
} from '../../src/domain/readings';

const TODAY = '2026-11-20';
const periods = (P1: number, P2: number, P3: number): MeterRegisters => ({ P1, P2, P3 });
const total = (v: number): MeterRegisters => ({ total: v });

// Last reading on 2026-10-31 (20 days before today). A usual month of 365 kWh is 12 kWh a day:
// 240 kWh in those 20 days, so anything above 720 kWh needs confirmation.
const LAST_PERIODS: LastReading = { date: '2026-10-31', registers: periods(10_000, 5_000, 3_000) };
const LAST_TOTAL: LastReading = { date: '2026-10-31', registers: total(18_000) };
const USUAL = 365;

describe('evaluateReading', () => {
  const cases: [string, LastReading | null, { date: string; registers: MeterRegisters }, number | null, ReadingDecision][] = [
    // accepted
    ['periods above the last', LAST_PERIODS, { date: TODAY, registers: periods(10_100, 5_050, 3_090) }, USUAL, { ok: true, consumption: 240, days: 20 }],
    ['periods equal to the last (no consumption)', LAST_PERIODS, { date: TODAY, registers: periods(10_000, 5_000, 3_000) }, USUAL, { ok: true, consumption: 0, days: 20 }],
    ['exactly 3 × usual is still usual', LAST_PERIODS, { date: TODAY, registers: periods(10_720, 5_000, 3_000) }, USUAL, { ok: true, consumption: 720, days: 20 }],
    ['same day as the last reading, no consumption', LAST_PERIODS, { date: '2026-10-31', registers: periods(10_000, 5_000, 3_000) }, USUAL, { ok: true, consumption: 0, days: 0 }],
    ['a single total against a last reading with periods (totals compared)', LAST_PERIODS, { date: TODAY, registers: total(18_200) }, USUAL, { ok: true, consumption: 200, days: 20 }],
    ['single total above single total', LAST_TOTAL, { date: TODAY, registers: total(18_300) }, USUAL, { ok: true, consumption: 300, days: 20 }],
    ['first reading of a meter: nothing to compare', null, { date: TODAY, registers: periods(1, 2, 3) }, USUAL, { ok: true, consumption: null, days: null }],
    ['no consumption history: no "far above" check', LAST_PERIODS, { date: TODAY, registers: periods(90_000, 5_000, 3_000) }, null, { ok: true, consumption: 80_000, days: 20 }],
    ['zero is a valid register', null, { date: TODAY, registers: total(0) }, null, { ok: true, consumption: null, days: null }],
    // values
    ['a decimal register', LAST_PERIODS, { date: TODAY, registers: periods(10_100.5, 5_050, 3_090) }, USUAL, { error: 'not_integer', registers: ['P1'] }],
    ['not a number at all', LAST_PERIODS, { date: TODAY, registers: periods(10_100, Number.NaN, Number.NaN) }, USUAL, { error: 'not_integer', registers: ['P2', 'P3'] }],
    ['a negative register', LAST_PERIODS, { date: TODAY, registers: periods(10_100, 5_050, -1) }, USUAL, { error: 'negative', registers: ['P3'] }],
    ['a negative total', null, { date: TODAY, registers: total(-5) }, USUAL, { error: 'negative', registers: ['total'] }],
    ['more digits than any meter has', null, { date: TODAY, registers: total(100_000_000) }, USUAL, { error: 'too_large', registers: ['total'] }],
    // dates
    ['tomorrow', LAST_PERIODS, { date: '2026-11-21', registers: periods(10_100, 5_050, 3_090) }, USUAL, { error: 'date_in_future' }],
    ['next year, even without a previous reading', null, { date: '2027-01-01', registers: total(10) }, USUAL, { error: 'date_in_future' }],
    ['the day before the last reading', LAST_PERIODS, { date: '2026-10-30', registers: periods(10_100, 5_050, 3_090) }, USUAL, { error: 'date_before_last', lastDate: '2026-10-31' }],
    ['an impossible date', LAST_PERIODS, { date: '2026-02-30', registers: periods(10_100, 5_050, 3_090) }, USUAL, { error: 'date_invalid' }],
    // below the last reading: says which period
    ['P2 below the last', LAST_PERIODS, { date: TODAY, registers: periods(10_100, 4_999, 3_090) }, USUAL, { error: 'below_last', registers: ['P2'] }],
    ['P1 and P3 below the last', LAST_PERIODS, { date: TODAY, registers: periods(9_000, 5_100, 2_000) }, USUAL, { error: 'below_last', registers: ['P1', 'P3'] }],
    ['a period below even if the total is above', LAST_PERIODS, { date: TODAY, registers: periods(9_999, 6_000, 3_000) }, USUAL, { error: 'below_last', registers: ['P1'] }],
    ['single total below the last periods\' sum', LAST_PERIODS, { date: TODAY, registers: total(17_999) }, USUAL, { error: 'below_last', registers: ['total'] }],
    ['periods whose sum is below a last single total', LAST_TOTAL, { date: TODAY, registers: periods(10_000, 5_000, 2_999) }, USUAL, { error: 'below_last', registers: ['P1', 'P2', 'P3'] }],
    ['single below single', LAST_TOTAL, { date: TODAY, registers: total(17_000) }, USUAL, { error: 'below_last', registers: ['total'] }],
    // far above the usual consumption for those days
    ['more than 3 × usual', LAST_PERIODS, { date: TODAY, registers: periods(10_721, 5_000, 3_000) }, USUAL, { confirm: 'far_above_usual', consumption: 721, usual: 240, days: 20 }],
    ['a digit too many', LAST_PERIODS, { date: TODAY, registers: periods(100_100, 5_050, 3_090) }, USUAL, { confirm: 'far_above_usual', consumption: 90_240, usual: 240, days: 20 }],
    ['any consumption on the same day as the last reading', LAST_PERIODS, { date: '2026-10-31', registers: periods(10_001, 5_000, 3_000) }, USUAL, { confirm: 'far_above_usual', consumption: 1, usual: 0, days: 0 }],
    ['consumption where there usually is none', LAST_TOTAL, { date: TODAY, registers: total(18_001) }, 0, { confirm: 'far_above_usual', consumption: 1, usual: 0, days: 20 }],
  ];
  for (const [name, last, proposed, usual, expected] of cases) {
    it(`${name} → ${JSON.stringify(expected)}`, () => {
      expect(evaluateReading(last, { ...proposed, today: TODAY }, usual)).to.deep.equal(expected);
    });
  }

  it('uses the factor of the policy', () => {
    const proposed = { date: TODAY, registers: periods(10_500, 5_000, 3_000), today: TODAY };
    expect(evaluateReading(LAST_PERIODS, proposed, USUAL)).to.deep.equal({ ok: true, consumption: 500, days: 20 });
    expect(evaluateReading(LAST_PERIODS, proposed, USUAL, { highFactor: 2 })).to.deep.equal({ confirm: 'far_above_usual', consumption: 500, usual: 240, days: 20 });
  });

  it('checks the values before the date, and the date before the comparison', () => {
    expect(evaluateReading(LAST_PERIODS, { date: '2030-01-01', registers: periods(1.5, 0, 0), today: TODAY }, USUAL)).to.deep.include({ error: 'not_integer' });
    expect(evaluateReading(LAST_PERIODS, { date: '2026-10-01', registers: periods(1, 0, 0), today: TODAY }, USUAL)).to.deep.equal({ error: 'date_before_last', lastDate: '2026-10-31' });
  });
});

describe('parseRegister', () => {
  const cases: [string, number][] = [
    ['12345', 12345], [' 12345 ', 12345], ['012345', 12345], ['0', 0], ['12.345', 12345], ['1.234.567', 1234567], ['12 345', 12345],
    ['-5', -5],
  ];
  for (const [raw, expected] of cases) it(`${JSON.stringify(raw)} → ${expected}`, () => expect(parseRegister(raw)).to.equal(expected));
  for (const raw of ['', 'abc', '12,5', '12.5', '1.2345', '12a', '1e5', '0x10', '+-1', '12.34.567']) {
    it(`${JSON.stringify(raw)} → NaN`, () => expect(parseRegister(raw)).to.be.NaN);
  }
});

describe('registerFormatError', () => {
  const cases: [number, string | null][] = [[0, null], [99_999_999, null], [100_000_000, 'too_large'], [-1, 'negative'], [1.5, 'not_integer'], [Number.NaN, 'not_integer'], [Number.POSITIVE_INFINITY, 'not_integer']];
  for (const [v, expected] of cases) it(`${v} → ${expected}`, () => expect(registerFormatError(v)).to.equal(expected));
});

describe('parseReadingDate', () => {
  const cases: [string, string | null][] = [
    ['2026-11-20', '2026-11-20'], [' 2026-11-20 ', '2026-11-20'], ['20/11/2026', '2026-11-20'], ['5/1/2026', '2026-01-05'], ['05-01-2026', '2026-01-05'],
    ['29/02/2024', '2024-02-29'], ['29/02/2026', null], ['2026-13-01', null], ['2026-11-31', null], ['ayer', null], ['', null], ['20/11/26', null],
  ];
  for (const [raw, expected] of cases) it(`${JSON.stringify(raw)} → ${expected}`, () => expect(parseReadingDate(raw)).to.equal(expected));

  it('counts days across months and leap years', () => {
    expect(dayNumber('2024-03-01')! - dayNumber('2024-02-28')!).to.equal(2);
    expect(dayNumber('2026-01-01')! - dayNumber('2025-12-31')!).to.equal(1);
  });
});

describe('usual consumption', () => {
  it('averages the months given, all periods together', () => {
    expect(usualMonthlyConsumption([{ P1: 100, P2: 100, P3: 100 }, { P1: 50, P2: 25, P3: 25 }])).to.equal(200);
    expect(usualMonthlyConsumption([{ P1: 400 }])).to.equal(400);
  });
  it('is unknown without history', () => expect(usualMonthlyConsumption([])).to.equal(null));

  const cases: [number, number, number][] = [[365, 20, 240], [365, 0, 0], [300, 30, 296], [0, 30, 0], [365, 365, 4380]];
  for (const [monthly, days, expected] of cases) {
    it(`${monthly} kWh/month over ${days} days → ${expected} kWh`, () => expect(usualForDays(monthly, days)).to.equal(expected));
  }
});

describe('confirmationKey', () => {
  it('changes with any value or the date, so a confirmation only counts for what was confirmed', () => {
    const base = { date: TODAY, registers: periods(1, 2, 3) };
    const key = confirmationKey(base);
    expect(confirmationKey({ ...base })).to.equal(key);
    expect(confirmationKey({ ...base, registers: periods(1, 2, 4) })).not.to.equal(key);
    expect(confirmationKey({ ...base, date: '2026-11-19' })).not.to.equal(key);
    expect(confirmationKey({ date: TODAY, registers: total(6) })).not.to.equal(key);
  });
});
