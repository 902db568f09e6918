import { expect } from 'chai';
import {
  checkProductChoice, monthlyCostDifference, productAlternatives, productChangeEffectiveDay, productOn,
} from '../../src/domain/product-change';

const ESTABLE = 'tarifa-luz-estable';
const TRES = 'tarifa-luz-3-periodos';

describe('product change', () => {
  describe('alternatives: same energy and access tariff, not the current one', () => {
    const cases: [string, string[]][] = [
      [ESTABLE, [TRES]],
      [TRES, [ESTABLE]],
      // gas RL.1 and RL.2 follow the yearly consumption: not a customer's choice
      ['tarifa-gas-rl1', []],
      ['no-such-product', []],
    ];
    for (const [code, expected] of cases) {
      it(code, () => expect(productAlternatives(code).map((p) => p.code)).to.deep.equal(expected));
    }
  });

  describe('monthly cost difference on the customer\'s months (billing function)', () => {
    const power = { P1: 4.6, P2: 4.6 };
    const month = (m: string, P1: number, P2: number, P3: number) => ({ month: m, consumption: { P1, P2, P3 } });
    const cases: [string, Parameters<typeof monthlyCostDifference>[0]['months'], string, string, number | null][] = [
      ['no months: no figure', [], ESTABLE, TRES, null],
      // 300 kWh evenly: 300 × 0,139 = 41,70 € = 100 × (0,199 + 0,129 + 0,089): the same bill
      ['even consumption costs the same', [month('2026-10', 100, 100, 100)], ESTABLE, TRES, 0],
      // all in valle: energy 26,70 € instead of 41,70 € → −15,00; IEE 5,11269632 % → −0,77;
      // VAT 21 % on −15,77 → −3,31: −19,08 € a month
      ['all in valle is cheaper on 3 periods', [month('2026-10', 0, 0, 300)], ESTABLE, TRES, -1908],
      ['and dearer the other way', [month('2026-10', 0, 0, 300)], TRES, ESTABLE, 1908],
      // the average of −19,08 and 0
      ['averaged over the months', [month('2026-09', 0, 0, 300), month('2026-10', 100, 100, 100)], ESTABLE, TRES, -954],
    ];
    for (const [name, months, fromCode, toCode, expected] of cases) {
      it(name, () => expect(monthlyCostDifference({ energy: 'electricity', fromCode, toCode, powerKw: power, months }))
        .to.equal(expected));
    }
  });

  describe('the choice', () => {
    const cases: [string, string, string, unknown][] = [
      ['an alternative', ESTABLE, TRES, true],
      ['nothing chosen', ESTABLE, '', { field: 'product', code: 'required' }],
      ['the current product', ESTABLE, ESTABLE, { field: 'product', code: 'not_offered' }],
      ['another energy\'s product', ESTABLE, 'tarifa-gas-rl1', { field: 'product', code: 'not_offered' }],
      ['made up', ESTABLE, '<script>', { field: 'product', code: 'not_offered' }],
    ];
    for (const [name, current, chosen, expected] of cases) {
      it(name, () => {
        const r = checkProductChoice(current, chosen);
        if (expected === true) expect(r.ok && r.value.code).to.equal(chosen);
        else expect(r).to.deep.equal({ ok: false, error: expected });
      });
    }
  });

  describe('effective day: the first of the next month', () => {
    const cases: [string, string][] = [
      ['2026-11-20', '2026-12-01'], ['2026-12-31', '2027-01-01'], ['2026-12-01', '2027-01-01'], ['2028-02-29', '2028-03-01'],
    ];
    for (const [today, expected] of cases) it(today, () => expect(productChangeEffectiveDay(today)).to.equal(expected));
  });

  describe('product in force on a day', () => {
    const schedule = [{ validFrom: '2025-01-01', productCode: ESTABLE }, { validFrom: '2026-12-01', productCode: TRES }];
    const cases: [string, string, { code: string; since: string | null }][] = [
      ['before any change', '2026-11-30', { code: ESTABLE, since: '2025-01-01' }],
      ['on the change day', '2026-12-01', { code: TRES, since: '2026-12-01' }],
      ['after it', '2027-03-15', { code: TRES, since: '2026-12-01' }],
    ];
    for (const [name, day, expected] of cases) it(name, () => expect(productOn(day, schedule, TRES)).to.deep.equal(expected));
    it('no schedule: the contract\'s own', () => expect(productOn('2026-11-30', [], ESTABLE)).to.deep.equal({ code: ESTABLE, since: null }));
  });
});
