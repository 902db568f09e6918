import { expect } from 'chai';
import {
  acceptRefusal, discountCents, discountCovers, discountMonths, parseDiscount,
} from '../../src/domain/promotion-discounts';

describe('promotion discounts: amounts', () => {
  const cases: [number, number, number][] = [
    // [energy cents, percent, discount cents]
    [2989, 10, -299], // 29,89 × 10 % = 2,989 → 2,99
    [3995, 20, -799], // 39,95 × 20 % = 7,99
    [3995, 50, -1998], // 19,975 → 19,98 (half up)
    [1, 10, 0], // 0,001 → 0,00
    [0, 15, 0],
  ];
  for (const [base, percent, expected] of cases) {
    it(`${percent} % of ${base} cents → ${expected}`, () => expect(discountCents(base, percent)).to.equal(expected));
  }
});

describe('promotion discounts: months covered', () => {
  it('from the month of acceptance for N months, across a year end', () => {
    const m = discountMonths('2026-12-05', 3);
    expect(m).to.deep.equal({ first: '2026-12', last: '2027-02' });
    expect(discountCovers(m, '2026-11')).to.equal(false);
    expect(discountCovers(m, '2026-12')).to.equal(true);
    expect(discountCovers(m, '2027-02')).to.equal(true);
    expect(discountCovers(m, '2027-03')).to.equal(false);
  });
});

describe('promotion discounts: who may accept', () => {
  const promo = {
    active: true, validFrom: '2026-12-01', validTo: '2027-01-31', discount: { percent: 10, months: 3 },
    audience: {
      kinds: ['household' as const], energy: 'electricity' as const, tariff: null, province: 'Valencia' as const,
    },
  };
  const contract: { status: string; energy: 'electricity' | 'gas'; tariff: string; province: string } = {
    status: 'active', energy: 'electricity', tariff: '2.0TD', province: 'Valencia',
  };
  type Kind = 'household' | 'business';
  type Refusal = ReturnType<typeof acceptRefusal>;
  const cases: [string, Partial<typeof promo>, Partial<typeof contract>, Kind, boolean, string, Refusal][] = [
    ['a Valencia household electricity contract', {}, {}, 'household', false, '2026-12-05', null],
    ['a promotion without discount', { discount: null as never }, {}, 'household', false, '2026-12-05', 'no_discount'],
    ['a business', {}, {}, 'business', false, '2026-12-05', 'not_for_you'],
    ['a gas contract', {}, { energy: 'gas' }, 'household', false, '2026-12-05', 'not_for_you'],
    ['another province', {}, { province: 'Madrid' }, 'household', false, '2026-12-05', 'not_for_you'],
    ['after the promotion ends', {}, {}, 'household', false, '2027-02-01', 'not_for_you'],
    ['an ended contract', {}, { status: 'ended' }, 'household', false, '2026-12-05', 'contract_ended'],
    ['a second time', {}, {}, 'household', true, '2026-12-05', 'already'],
  ];
  for (const [name, p, c, kind, already, today, expected] of cases) {
    it(`${name} → ${expected ?? 'allowed'}`, () => {
      expect(acceptRefusal({ ...promo, ...p }, { ...contract, ...c }, kind, already, today)).to.equal(expected);
    });
  }
});

describe('promotion discounts: staff fields', () => {
  it('both empty is no discount; both whole numbers within limits; errors by field', () => {
    expect(parseDiscount('', '')).to.deep.equal({ ok: true, value: null });
    expect(parseDiscount(' 10 ', '3')).to.deep.equal({ ok: true, value: { percent: 10, months: 3 } });
    expect(parseDiscount('10', ''))
      .to.deep.equal({ ok: false, errors: [{ field: 'discountMonths', code: 'required' }] });
    expect(parseDiscount('60', '3'))
      .to.deep.equal({ ok: false, errors: [{ field: 'discountPercent', code: 'invalid' }] });
    expect(parseDiscount('7,5', '25')).to.deep.equal({
      ok: false, errors: [{ field: 'discountPercent', code: 'invalid' }, { field: 'discountMonths', code: 'invalid' }],
    });
  });
});
