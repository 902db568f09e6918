import { expect } from 'chai';
import { audienceKind, promotionApplies, validatePromotion, type CustomerProfile, type PromotionForm, type PromotionRule } from '../../src/domain/promotions';

const VALENCIA_HOUSEHOLDS: PromotionRule = {
  active: true, validFrom: '2026-12-01', validTo: '2027-01-31',
  audience: { kinds: ['household'], energy: null, tariff: null, province: 'Valencia' },
};
const household: CustomerProfile = { kind: 'household', supplies: [{ energy: 'electricity', tariff: '2.0TD', province: 'Valencia' }] };
const gestoria: CustomerProfile = { kind: 'gestoria', supplies: [{ energy: 'electricity', tariff: '2.0TD', province: 'Valencia' }] };
const madrileno: CustomerProfile = { kind: 'household', supplies: [{ energy: 'gas', tariff: 'RL.1', province: 'Madrid' }] };

describe('promotions: who sees them', () => {
  const cases: Array<[string, PromotionRule, CustomerProfile, string, boolean]> = [
    ['a Valencia household, inside the dates', VALENCIA_HOUSEHOLDS, household, '2026-12-04', true],
    ['the first and last day count', VALENCIA_HOUSEHOLDS, household, '2027-01-31', true],
    ['before it starts', VALENCIA_HOUSEHOLDS, household, '2026-11-30', false],
    ['after it ends', VALENCIA_HOUSEHOLDS, household, '2027-02-01', false],
    ['a gestoría, even in Valencia', VALENCIA_HOUSEHOLDS, gestoria, '2026-12-04', false],
    ['a household elsewhere', VALENCIA_HOUSEHOLDS, madrileno, '2026-12-04', false],
    ['withdrawn by staff', { ...VALENCIA_HOUSEHOLDS, active: false }, household, '2026-12-04', false],
    ['gas households anywhere', { ...VALENCIA_HOUSEHOLDS, audience: { kinds: ['household'], energy: 'gas', tariff: null, province: null } }, madrileno, '2026-12-04', true],
    ['gas in Valencia needs one supply with both', { ...VALENCIA_HOUSEHOLDS, audience: { kinds: ['household'], energy: 'gas', tariff: null, province: 'Valencia' } },
      { kind: 'household', supplies: [{ energy: 'electricity', tariff: '2.0TD', province: 'Valencia' }, { energy: 'gas', tariff: 'RL.1', province: 'Madrid' }] }, '2026-12-04', false],
    ['everybody of a kind', { ...VALENCIA_HOUSEHOLDS, audience: { kinds: ['business', 'gestoria'], energy: null, tariff: null, province: null } }, gestoria, '2026-12-04', true],
  ];
  for (const [name, promo, profile, today, expected] of cases) {
    it(name, () => expect(promotionApplies(promo, profile, today)).to.equal(expected));
  }

  it('tells gestorías from other businesses', () => {
    expect([audienceKind('individual', false), audienceKind('company', false), audienceKind('community', false), audienceKind('company', true)])
      .to.deep.equal(['household', 'business', 'business', 'gestoria']);
  });
});

describe('promotions: what staff may publish', () => {
  const ok: PromotionForm = {
    titleEs: 'Revisión de caldera gratis', titleCa: 'Revisió de caldera gratuïta', bodyEs: 'Para clientes de gas.', bodyCa: 'Per a clients de gas.',
    code: 'caldera26', validFrom: '2026-12-01', validTo: '2027-03-31', kinds: ['household'], energy: 'gas', tariff: '', province: '',
  };
  const cases: Array<[string, Partial<PromotionForm>, string[]]> = [
    ['a complete promotion', {}, []],
    ['no Catalan title', { titleCa: ' ' }, ['titleCa:required']],
    ['a title too long', { titleEs: 'x'.repeat(121) }, ['titleEs:too_long']],
    ['a NUL byte in the text', { bodyEs: 'hola\u0000' }, ['bodyEs:invalid']],
    ['a code with spaces', { code: 'DOS PALABRAS' }, ['code:invalid']],
    ['an impossible day', { validFrom: '2026-02-30' }, ['validFrom:invalid']],
    ['ends before it starts', { validTo: '2026-11-30' }, ['validTo:order']],
    ['nobody to show it to', { kinds: [] }, ['kinds:required']],
    ['an unknown audience', { kinds: ['vip'] }, ['kinds:invalid']],
    ['an unknown province', { province: 'Atlántida' }, ['province:invalid']],
  ];
  for (const [name, over, expected] of cases) {
    it(name, () => {
      const r = validatePromotion({ ...ok, ...over });
      expect(r.ok ? [] : r.errors.map((e) => `${e.field}:${e.code}`)).to.deep.equal(expected);
    });
  }

  it('keeps the code in capitals and empty conditions as "any"', () => {
    const r = validatePromotion(ok);
    expect(r.ok && r.value.code).to.equal('CALDERA26');
    expect(r.ok && r.value.audience).to.deep.equal({ kinds: ['household'], energy: 'gas', tariff: null, province: null });
  });
});
