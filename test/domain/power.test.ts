import { expect } from 'chai';
import { MAX_POWER_2_0TD_KW, parsePower, standardStep, validatePowerChange, type PowerChangeResult, type PowerPair } from '../../src/domain/power';
import { POWER_STEPS_KW } from '../../src/domain/tariffs';

describe('validatePowerChange', () => {
  const CURRENT: PowerPair = { P1: 4.6, P2: 4.6 };
  const cases: [string, PowerPair, { P1: number | null; P2: number | null }, PowerChangeResult][] = [
    ['both up one step', CURRENT, { P1: 5.75, P2: 5.75 }, { ok: true, value: { P1: 5.75, P2: 5.75 } }],
    ['only P1 changes', CURRENT, { P1: 3.45, P2: 4.6 }, { ok: true, value: { P1: 3.45, P2: 4.6 } }],
    ['only P2 changes', CURRENT, { P1: 4.6, P2: 6.928 }, { ok: true, value: { P1: 4.6, P2: 6.928 } }],
    ['P2 below P1 is allowed in 2.0TD', CURRENT, { P1: 6.9, P2: 3.45 }, { ok: true, value: { P1: 6.9, P2: 3.45 } }],
    ['the smallest and the largest steps', CURRENT, { P1: 0.345, P2: 14.49 }, { ok: true, value: { P1: 0.345, P2: 14.49 } }],
    ['a value written with more decimals is its step', CURRENT, { P1: 3.4500, P2: 4.6 }, { ok: true, value: { P1: 3.45, P2: 4.6 } }],
    ['from a non-standard current power to a standard one', { P1: 4.4, P2: 4.4 }, { P1: 4.6, P2: 4.6 }, { ok: true, value: { P1: 4.6, P2: 4.6 } }],
    ['unchanged pair', CURRENT, { P1: 4.6, P2: 4.6 }, { ok: false, errors: { P1: 'unchanged' } }],
    ['unchanged pair written differently', { P1: 3.45, P2: 5.75 }, { P1: 3.450, P2: 5.75 }, { ok: false, errors: { P1: 'unchanged' } }],
    ['P1 not a standard step', CURRENT, { P1: 5, P2: 4.6 }, { ok: false, errors: { P1: 'not_standard' } }],
    ['P2 not a standard step', CURRENT, { P1: 4.6, P2: 4.5 }, { ok: false, errors: { P2: 'not_standard' } }],
    ['both not standard', CURRENT, { P1: 7, P2: 0 }, { ok: false, errors: { P1: 'not_standard', P2: 'not_standard' } }],
    ['not a number', CURRENT, { P1: Number.NaN, P2: 4.6 }, { ok: false, errors: { P1: 'not_standard' } }],
    ['negative', CURRENT, { P1: -3.45, P2: 4.6 }, { ok: false, errors: { P1: 'not_standard' } }],
    ['above 15 kW (3.0TD territory)', CURRENT, { P1: 17.321, P2: 4.6 }, { ok: false, errors: { P1: 'above_max' } }],
    ['above 15 kW in both', CURRENT, { P1: 20, P2: 15.001 }, { ok: false, errors: { P1: 'above_max', P2: 'above_max' } }],
    ['exactly 15 kW is no standard step', CURRENT, { P1: 15, P2: 4.6 }, { ok: false, errors: { P1: 'not_standard' } }],
    ['missing', CURRENT, { P1: null, P2: 4.6 }, { ok: false, errors: { P1: 'required' } }],
    ['missing and not standard', CURRENT, { P1: 5, P2: null }, { ok: false, errors: { P1: 'not_standard', P2: 'required' } }],
  ];
  for (const [name, current, proposed, expected] of cases) {
    it(`${name} → ${JSON.stringify(expected)}`, () => expect(validatePowerChange(current, proposed)).to.deep.equal(expected));
  }

  it('accepts every standard step and nothing above 15 kW is one', () => {
    for (const kw of POWER_STEPS_KW) {
      expect(kw).to.be.at.most(MAX_POWER_2_0TD_KW);
      const r = validatePowerChange({ P1: 99, P2: 99 }, { P1: kw, P2: kw });
      expect(r, String(kw)).to.deep.equal({ ok: true, value: { P1: kw, P2: kw } });
    }
  });
});

describe('parsePower', () => {
  const cases: [string, number | null][] = [
    ['4.6', 4.6], ['4,6', 4.6], [' 3.45 ', 3.45], ['3,45 kW', 3.45], ['10.392', 10.392], ['15', 15], ['', null], ['  ', null],
  ];
  for (const [raw, expected] of cases) it(`${JSON.stringify(raw)} → ${expected}`, () => expect(parsePower(raw)).to.equal(expected));
  for (const raw of ['abc', '4.6.1', '-3.45', '1e1', '4.6001', '1000']) it(`${JSON.stringify(raw)} → NaN`, () => expect(parsePower(raw)).to.be.NaN);
});

describe('standardStep', () => {
  const cases: [number, number | undefined][] = [[3.45, 3.45], [3.4502, 3.45], [3.46, undefined], [14.49, 14.49], [0, undefined]];
  for (const [kw, expected] of cases) it(`${kw} → ${expected}`, () => expect(standardStep(kw)).to.equal(expected));
});
