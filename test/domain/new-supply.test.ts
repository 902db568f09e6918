import { expect } from 'chai';
import {
  addressKey,
  energyOffers,
  monthlyEstimate,
  offerForContract,
  parseYearlyKwh,
  productOffer,
  validateCompletion,
  validateContracting,
  validateNewAddress,
  type ContractingInput,
  type SupplyAddress,
  type SupplyAtAddress,
} from '../../src/domain/new-supply';
import { formatLeadFact, leadFacts } from '../../src/domain/lead-facts';
import { findProduct, type Product } from '../../src/domain/tariffs';
import { formatter } from '../../src/web/format';
import { buildDemoPlan, cups } from '../../src/demo/plan';

const home: SupplyAddress = {
  street: 'Calle de Colón',
  number: '12',
  floorDoor: '2º 1ª',
  postalCode: '46004',
  municipality: 'València',
  province: 'Valencia',
};
const beach: SupplyAddress = {
  street: 'Calle del Mar',
  number: '7',
  floorDoor: 'Bajo',
  postalCode: '03700',
  municipality: 'Dénia',
  province: 'Alicante',
};
const at = (
  contractId: number,
  energy: 'electricity' | 'gas',
  address: SupplyAddress,
  customerId = 1,
): SupplyAtAddress => ({
  contractId,
  customerId,
  energy,
  address,
});
const product = (code: string): Product => findProduct(code)!;

describe('new supply: which energies an address lacks', () => {
  const cases: [string, SupplyAtAddress[], { contractId: number; missing: string[] }[]][] = [
    ['electricity only → gas missing', [at(1, 'electricity', home)], [{ contractId: 1, missing: ['gas'] }]],
    ['gas only → electricity missing', [at(2, 'gas', home)], [{ contractId: 2, missing: ['electricity'] }]],
    ['both at one address → nothing', [at(1, 'electricity', home), at(2, 'gas', home)], []],
    [
      'both at home, electricity only at the beach → gas at the beach',
      [at(1, 'electricity', home), at(2, 'gas', home), at(3, 'electricity', beach)],
      [{ contractId: 3, missing: ['gas'] }],
    ],
    [
      'the same address written with other accents, case and spaces is the same place',
      [at(1, 'electricity', home), at(2, 'gas', { ...home, street: 'CALLE DE  COLON', floorDoor: '2º 1ª ' })],
      [],
    ],
    [
      'another floor is another supply',
      [at(1, 'electricity', home), at(2, 'gas', { ...home, floorDoor: '3º 1ª' })],
      [
        { contractId: 1, missing: ['gas'] },
        { contractId: 2, missing: ['electricity'] },
      ],
    ],
    [
      'the same address of two customers is two offers',
      [at(1, 'electricity', home, 1), at(2, 'gas', home, 2)],
      [
        { contractId: 1, missing: ['gas'] },
        { contractId: 2, missing: ['electricity'] },
      ],
    ],
  ];
  for (const [name, supplies, expected] of cases) {
    it(name, () => {
      expect(energyOffers(supplies).map((o) => ({ contractId: o.contractId, missing: o.missing }))).to.deep.equal(
        expected,
      );
    });
  }

  it('finds the offer for one contract, or none when the address has both', () => {
    const supplies = [at(1, 'electricity', home), at(2, 'gas', home), at(3, 'electricity', beach)];
    expect(offerForContract(supplies, 3)?.missing).to.deep.equal(['gas']);
    expect(offerForContract(supplies, 1)).to.equal(null);
    expect(offerForContract(supplies, 99)).to.equal(null);
  });

  it('keys addresses by street, number, floor and postal code', () => {
    expect(addressKey(home)).to.equal('calle de colon|12|2o 1a|46004');
    expect(addressKey({ ...home, floorDoor: null })).to.equal('calle de colon|12||46004');
  });
});

describe('new supply: monthly estimate through the billing function (30 days, taxes included)', () => {
  // Gas RL.1, 3.000 kWh/year → 250 kWh in the month:
  //   fixed 30 × 0,1136 = 3,408 → 3,41 €; energy 250 × 0,0799 = 19,975 → 19,98 €;
  //   hydrocarbon tax 250 × 0,00234 = 0,585 → 0,59 €; meter 30 × 0,0199 = 0,597 → 0,60 €;
  //   base 24,58 €; VAT 21 % = 5,1618 → 5,16 €; total 29,74 €.
  // Gas RL.1 with the customer's own 1.200 kWh/year → 100 kWh:
  //   3,41 + 7,99 + 0,234→0,23 + 0,60 = 12,23; VAT 2,5683 → 2,57; total 14,80 €.
  // Electricity 3 periods, 3.500 kWh/year → 292 kWh: P1 79 (27 %), P2 85 (29 %), P3 128, 4,6 kW:
  //   power 4,6 × 30 × 0,087595 = 12,08811 → 12,09; 4,6 × 30 × 0,009466 = 1,306308 → 1,31;
  //   energy 79 × 0,199 = 15,721 → 15,72; 85 × 0,129 = 10,965 → 10,97; 128 × 0,089 = 11,392 → 11,39;
  //   IEE 5,11269632 % × 51,48 = 2,632 → 2,63; meter 30 × 0,02663 = 0,7989 → 0,80;
  //   base 54,91; VAT 11,5311 → 11,53; total 66,44 €.
  const cases: [string, string, { yearlyKwh?: number; powerKw?: number }, number, number][] = [
    ['gas RL.1 typical', 'tarifa-gas-rl1', {}, 250, 2974],
    ['gas RL.1 own consumption', 'tarifa-gas-rl1', { yearlyKwh: 1200 }, 100, 1480],
    ['electricity 3 periods typical', 'tarifa-luz-3-periodos', {}, 292, 6644],
  ];
  for (const [name, code, opts, kwh, cents] of cases) {
    it(name, () => {
      const e = monthlyEstimate(product(code), opts);
      expect(e.monthlyKwh).to.equal(kwh);
      expect(e.monthlyCents).to.equal(cents);
    });
  }

  it('uses the middle of each gas toll band, and the chosen power for electricity', () => {
    expect(monthlyEstimate(product('tarifa-gas-rl2')).yearlyKwh).to.equal(9000);
    const low = monthlyEstimate(product('tarifa-luz-estable'), { powerKw: 3.45 }).monthlyCents;
    const high = monthlyEstimate(product('tarifa-luz-estable'), { powerKw: 6.9 }).monthlyCents;
    expect(high).to.be.greaterThan(low);
  });

  it('offers every product of the energy asked for, and only those', () => {
    expect(productOffer('gas').map((o) => o.product.code)).to.deep.equal(['tarifa-gas-rl1', 'tarifa-gas-rl2']);
    expect(productOffer('electricity').every((o) => o.product.energy === 'electricity')).to.equal(true);
  });

  const yearly: [string, ReturnType<typeof parseYearlyKwh>][] = [
    ['', { ok: true, value: undefined }],
    ['3500', { ok: true, value: 3500 }],
    ['3.500', { ok: true, value: 3500 }],
    ['0', { ok: false }],
    ['100001', { ok: false }],
    ['12,5', { ok: false }],
    ['mucho', { ok: false }],
  ];
  for (const [raw, expected] of yearly)
    it(`yearly kWh "${raw}"`, () => expect(parseYearlyKwh(raw)).to.deep.equal(expected));
});

describe('new supply: the contracting form', () => {
  const gasCups = cups('0234', 123456789);
  const good: ContractingInput = {
    product: 'tarifa-gas-rl1',
    power: '',
    cups: '',
    payment: 'account',
    account: '100000000001',
    iban: '',
    holder: '',
    conditions: true,
  };
  const ctx = { energy: 'gas' as const, accountNumbers: ['100000000001'] };
  type Row = [string, Partial<ContractingInput>, Record<string, string> | null, ('gas' | 'electricity')?];
  const cases: Row[] = [
    ['an existing account, no CUPS', {}, null],
    ['a valid CUPS, with spaces and lower case', { cups: gasCups.toLowerCase().replace(/(.{4})/g, '$1 ') }, null],
    [
      'a new IBAN and holder',
      { payment: 'iban', account: '', iban: 'ES91 2100 0418 4502 0005 1332', holder: 'María García' },
      null,
    ],
    [
      'nothing chosen',
      { product: '', payment: '', conditions: false },
      { product: 'required', payment: 'required', conditions: 'conditions_required' },
    ],
    ['an electricity product for gas', { product: 'tarifa-luz-estable' }, { product: 'product_energy' }],
    ['a CUPS whose check letters are wrong', { cups: `${gasCups.slice(0, -2)}ZZ` }, { cups: 'cups_invalid' }],
    ['an account of someone else', { account: '999999999999' }, { account: 'account_unknown' }],
    [
      'an IBAN with a wrong check',
      { payment: 'iban', iban: 'ES00 2100 0418 4502 0005 1332', holder: 'María' },
      { iban: 'iban_invalid' },
    ],
    [
      'an IBAN without holder',
      { payment: 'iban', iban: 'ES91 2100 0418 4502 0005 1332', holder: '' },
      { holder: 'required' },
    ],
    ['conditions not accepted', { conditions: false }, { conditions: 'conditions_required' }],
    [
      'electricity needs a standard power',
      { product: 'tarifa-luz-estable', power: '4,7' },
      { power: 'power_invalid' },
      'electricity',
    ],
    ['electricity with 4,6 kW', { product: 'tarifa-luz-estable', power: '4,6' }, null, 'electricity'],
  ];
  for (const [name, change, errors, energy] of cases) {
    it(name, () => {
      const r = validateContracting({ ...good, ...change }, { ...ctx, energy: energy ?? 'gas' });
      if (errors === null) expect(r.ok, JSON.stringify(r)).to.equal(true);
      else expect(r.ok ? null : r.errors).to.deep.equal(errors);
    });
  }

  it('keeps only the masked IBAN apart from the IBAN itself, and the CUPS in electronic format', () => {
    const r = validateContracting(
      {
        ...good,
        cups: ` ${gasCups.toLowerCase()} `,
        payment: 'iban',
        account: '',
        iban: 'es91 2100 0418 4502 0005 1332',
        holder: 'María García',
      },
      ctx,
    );
    if (!r.ok) throw new Error('expected ok');
    expect(r.value.cups).to.equal(gasCups);
    expect(r.value.payment).to.deep.include({ kind: 'iban', iban: 'ES9121000418450200051332' });
    expect(r.value.payment.kind === 'iban' && r.value.payment.maskedIban).to.match(/^ES91 .*1332$/);
  });

  const addresses: [string, Record<string, string>, Record<string, string> | null][] = [
    ['a Valencia address for gas', { postalCode: '46004', province: 'Valencia', energy: 'gas' }, null],
    [
      'a Madrid postal code in Valencia',
      { postalCode: '28001', province: 'Valencia', energy: 'gas' },
      { postalCode: 'postal_code_province_mismatch' },
    ],
    ['no energy, no street', { street: '', energy: 'water' }, { street: 'required', energy: 'required' }],
  ];
  for (const [name, change, errors] of addresses) {
    it(`new address: ${name}`, () => {
      const r = validateNewAddress({
        street: 'Calle de Ruzafa',
        number: '40',
        floorDoor: '',
        postalCode: '46006',
        municipality: 'València',
        province: 'Valencia',
        energy: 'electricity',
        ...change,
      });
      if (errors === null) expect(r.ok).to.equal(true);
      else expect(r.ok ? null : r.errors).to.deep.equal(errors);
    });
  }
});

describe('new supply: completion by an administrator', () => {
  const ctx = { today: '2026-11-20', requestedOn: '2026-11-18' };
  const okCups = cups('0234', 55555);
  const cases: [string, Record<string, string>, Record<string, string> | null][] = [
    ['CUPS and today', { cups: okCups, startDate: '2026-11-20', distributor: 'Nedgia Cegas' }, null],
    ['the day of the request', { cups: okCups, startDate: '2026-11-18', distributor: 'Nedgia Cegas' }, null],
    [
      'before the request',
      { cups: okCups, startDate: '2026-11-17', distributor: 'Nedgia Cegas' },
      { startDate: 'before_request' },
    ],
    ['60 days ahead is the limit', { cups: okCups, startDate: '2027-01-19', distributor: 'Nedgia' }, null],
    ['61 days ahead', { cups: okCups, startDate: '2027-01-20', distributor: 'Nedgia' }, { startDate: 'too_far' }],
    [
      'no CUPS, a 31st of November, no distributor',
      { cups: '', startDate: '2026-11-31', distributor: ' ' },
      { cups: 'required', startDate: 'date_invalid', distributor: 'required' },
    ],
    [
      'a CUPS with wrong letters',
      { cups: `${okCups.slice(0, -2)}AA`, startDate: '2026-11-20', distributor: 'x' },
      { cups: 'cups_invalid' },
    ],
  ];
  for (const [name, input, errors] of cases) {
    it(name, () => {
      const r = validateCompletion(input as never, ctx);
      if (errors === null) expect(r.ok, JSON.stringify(r)).to.equal(true);
      else expect(r.ok ? null : r.errors).to.deep.equal(errors);
    });
  }
});

describe('lead facts: a request read like a letter', () => {
  const t = (key: string, params?: Record<string, unknown>) => `${key}${params ? JSON.stringify(params) : ''}`;
  const es = formatter('es');
  const text = (type: string, payload: Record<string, unknown>) =>
    leadFacts(type, payload).map((f) => [f.label.replace('leadFacts.', ''), formatLeadFact(f, es, t)]);

  it('writes a solar study in euros, kWh, kWp and percent, not cents', () => {
    expect(
      text('solar_study', {
        orientation: 'S',
        tiltDeg: 30,
        panels: 6,
        kwp: 2.7,
        batteryKwh: 0,
        yearlyProductionKwh: 4012,
        selfConsumptionPercent: 48,
        yearlySavingCents: 45678,
        investmentCents: 337500,
        paybackYears: 7.4,
      }),
    ).to.deep.equal([
      ['orientation', 'solar.orientations.S{"value":"S"}'],
      ['tilt', '30°'],
      ['panels', '6'],
      ['kwp', '2,70 kWp'],
      ['battery', 'leadFacts.noBattery{"value":0}'],
      ['yearlyProduction', '4.012 kWh'],
      ['selfConsumption', '48,0\u00a0%'],
      ['yearlySaving', '456,78 €'],
      ['investment', '3.375,00 €'],
      ['payback', 'leadFacts.yearsValue{"count":7.4,"years":"7,4"}'],
    ]);
  });

  it('writes a contracting request with the masked IBAN and the CUPS in groups', () => {
    const c = cups('0234', 42);
    const facts = text('new_energy', {
      energy: 'gas',
      address: 'Calle del Mar 7, Bajo, 03700 Dénia (Alicante)',
      productName: 'Tarifa Gas RL.1',
      tariff: 'RL.1',
      powerKw: null,
      cups: c,
      payment: 'iban',
      maskedIban: 'ES91 **** 1332',
      holder: 'María',
      monthlyEstimateCents: 2974,
      yearlyKwh: 3000,
    });
    expect(facts).to.deep.include.members([
      ['cups', es.cups(c)],
      ['payment', 'leadFacts.paymentIban{"value":"ES91 **** 1332"}'],
      ['estimate', '29,74 €'],
      ['yearlyKwh', '3.000 kWh'],
    ]);
    expect(JSON.stringify(facts)).not.to.include('addressKey');
  });
});

describe('demo data: the household has an address where the gas offer shows', () => {
  it('Calle del Mar 7 (Dénia) has electricity and no gas', () => {
    const plan = buildDemoPlan(['2026-01', '2026-02']);
    const household = plan.customers.find((c) => c.taxId === '12345678Z')!;
    let id = 0;
    const supplies = household.accounts.flatMap((a) =>
      a.supplies.map((s) => at(++id, s.energy, { ...s.address, floorDoor: s.address.floorDoor })),
    );
    const offers = energyOffers(supplies);
    expect(offers.map((o) => [o.address.street, o.missing])).to.deep.equal([['Calle del Mar', ['gas']]]);
  });
});
