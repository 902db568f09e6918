import { expect } from 'chai';
import {
  activeDays, cancellationTerms, contractingRefusal, endOfMonth, permanenceEnd, proratedFeeCents, servicesFor,
} from '../../src/domain/maintenance-services';

describe('maintenance services: which supply each fits', () => {
  it('a boiler needs gas; electrical services need electricity', () => {
    expect(servicesFor('gas').map((s) => s.code)).to.deep.equal(['gas_boiler']);
    expect(servicesFor('electricity').map((s) => s.code)).to.deep.equal(['electric_urgent', 'electric_check']);
  });

  const active = { energy: 'gas' as const, status: 'active' };
  const boiler = (endDate: string | null) => ({ code: 'gas_boiler', startDate: '2026-01-01', endDate });
  type Args = Parameters<typeof contractingRefusal>;
  const cases: [string, string, Args[1], Args[2], ReturnType<typeof contractingRefusal>][] = [
    ['boiler on gas', 'gas_boiler', active, [], null],
    ['boiler on electricity', 'gas_boiler', { energy: 'electricity', status: 'active' }, [], 'wrong_energy'],
    ['unknown code', 'solar_panels', active, [], 'unknown'],
    ['ended contract', 'gas_boiler', { energy: 'gas', status: 'ended' }, [], 'contract_ended'],
    ['already in force', 'gas_boiler', active, [boiler(null)], 'already'],
    ['cancelled, still in force to month end', 'gas_boiler', active, [boiler('2026-12-31')], 'already'],
    ['cancelled and ended', 'gas_boiler', active, [boiler('2026-11-30')], null],
  ];
  for (const [name, code, contract, existing, expected] of cases) {
    it(`${name} → ${expected ?? 'allowed'}`, () => {
      expect(contractingRefusal(code, contract, existing, '2026-12-05')).to.equal(expected);
    });
  }
});

describe('maintenance services: permanence and cancellation', () => {
  it('the minimum term ends the day before the same day N months later', () => {
    expect(permanenceEnd('2026-03-15', 12)).to.equal('2027-03-14');
    // 31 January + 1 month → 28 February, so the term ends on the 27th
    expect(permanenceEnd('2026-01-31', 1)).to.equal('2026-02-27');
    expect(permanenceEnd('2026-01-01', 0)).to.equal(null);
    expect(endOfMonth('2028-02-10')).to.equal('2028-02-29');
  });

  type Terms = { effectiveDate: string; permanenceEnds: string | null; early: boolean };
  const cases: [string, { startDate: string; permanenceMonths: number }, string, Terms][] = [
    // contracted 15 March 2026, 12 months → term to 14 March 2027; cancelled 5 December 2026 → ends 31 December, early
    ['inside the 12 months', { startDate: '2026-03-15', permanenceMonths: 12 }, '2026-12-05',
      { effectiveDate: '2026-12-31', permanenceEnds: '2027-03-14', early: true }],
    // contracted 1 December 2025 → term to 30 November 2026; cancelled 5 December 2026 → not early
    ['after the 12 months', { startDate: '2025-12-01', permanenceMonths: 12 }, '2026-12-05',
      { effectiveDate: '2026-12-31', permanenceEnds: '2026-11-30', early: false }],
    ['no minimum term', { startDate: '2026-11-20', permanenceMonths: 0 }, '2026-12-05',
      { effectiveDate: '2026-12-31', permanenceEnds: null, early: false }],
  ];
  for (const [name, s, today, expected] of cases) {
    it(name, () => {
      expect(cancellationTerms({ code: 'gas_boiler', endDate: null, ...s }, today)).to.deep.equal(expected);
    });
  }
});

describe('maintenance services: fee pro rata by days in force', () => {
  const period = { start: '2026-12-01', end: '2026-12-31' };
  const cases: [string, { startDate: string; endDate: string | null }, number, number, number][] = [
    // [name, service, days in force, fee cents, expected cents]
    ['whole month', { startDate: '2026-01-01', endDate: null }, 31, 990, 990],
    // 990 × 27/31 = 862,258… → 862
    ['from the 5th', { startDate: '2026-12-05', endDate: null }, 27, 990, 862],
    // 490 × 10/31 = 158,064… → 158
    ['to the 10th', { startDate: '2026-01-01', endDate: '2026-12-10' }, 10, 490, 158],
    // 690 × 1/31 = 22,258… → 22
    ['one day', { startDate: '2026-12-31', endDate: null }, 1, 690, 22],
    ['before the period', { startDate: '2026-01-01', endDate: '2026-11-30' }, 0, 990, 0],
    ['after the period', { startDate: '2027-01-01', endDate: null }, 0, 990, 0],
  ];
  for (const [name, s, days, fee, cents] of cases) {
    it(name, () => {
      expect(activeDays(s, period)).to.equal(days);
      expect(proratedFeeCents(fee, days, 31)).to.equal(cents);
    });
  }
  it('rounds an exact half cent up: 5 × 15/30 = 2,5 → 3', () => {
    expect(proratedFeeCents(5, 15, 30)).to.equal(3);
  });
});
