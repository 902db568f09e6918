import { expect } from 'chai';
import { findProvince, formatAddress, PROVINCES, PROVINCES_SORTED, provinceOfPostalCode, validateAddress, type AddressInput } from '../../src/domain/postal';

// The official numbering: INE province codes 01–50 in alphabetical order, then Ceuta and Melilla.
const OFFICIAL: [string, string][] = [
  ['01', 'Araba/Álava'], ['02', 'Albacete'], ['03', 'Alicante'], ['04', 'Almería'], ['05', 'Ávila'], ['06', 'Badajoz'], ['07', 'Illes Balears'],
  ['08', 'Barcelona'], ['09', 'Burgos'], ['10', 'Cáceres'], ['11', 'Cádiz'], ['12', 'Castellón'], ['13', 'Ciudad Real'], ['14', 'Córdoba'],
  ['15', 'A Coruña'], ['16', 'Cuenca'], ['17', 'Girona'], ['18', 'Granada'], ['19', 'Guadalajara'], ['20', 'Gipuzkoa'], ['21', 'Huelva'],
  ['22', 'Huesca'], ['23', 'Jaén'], ['24', 'León'], ['25', 'Lleida'], ['26', 'La Rioja'], ['27', 'Lugo'], ['28', 'Madrid'], ['29', 'Málaga'],
  ['30', 'Murcia'], ['31', 'Navarra'], ['32', 'Ourense'], ['33', 'Asturias'], ['34', 'Palencia'], ['35', 'Las Palmas'], ['36', 'Pontevedra'],
  ['37', 'Salamanca'], ['38', 'Santa Cruz de Tenerife'], ['39', 'Cantabria'], ['40', 'Segovia'], ['41', 'Sevilla'], ['42', 'Soria'],
  ['43', 'Tarragona'], ['44', 'Teruel'], ['45', 'Toledo'], ['46', 'Valencia'], ['47', 'Valladolid'], ['48', 'Bizkaia'], ['49', 'Zamora'],
  ['50', 'Zaragoza'], ['51', 'Ceuta'], ['52', 'Melilla'],
];

describe('provinceOfPostalCode', () => {
  it('knows exactly 52 provinces and autonomous cities', () => {
    expect(PROVINCES).to.have.length(52);
    expect(new Set(PROVINCES).size).to.equal(52);
    expect([...PROVINCES_SORTED].sort()).to.deep.equal([...PROVINCES].sort());
  });
  for (const [prefix, province] of OFFICIAL) {
    it(`${prefix}xxx → ${province}`, () => {
      expect(provinceOfPostalCode(`${prefix}001`)).to.equal(province);
      expect(provinceOfPostalCode(`${prefix}999`)).to.equal(province);
    });
  }
  const cases: [string, string | null][] = [
    ['46004', 'Valencia'],
    ['03700', 'Alicante'],
    ['28001', 'Madrid'],
    ['08080', 'Barcelona'],
    ['07800', 'Illes Balears'],
    ['35001', 'Las Palmas'],
    ['38001', 'Santa Cruz de Tenerife'],
    ['51001', 'Ceuta'],
    ['52006', 'Melilla'],
    [' 46 004 ', 'Valencia'],
    ['00000', null],
    ['00123', null],
    ['53000', null],
    ['60000', null],
    ['99999', null],
    ['4600', null],
    ['460040', null],
    ['46a04', null],
    ['', null],
  ];
  for (const [code, expected] of cases) {
    it(`${JSON.stringify(code)} → ${expected}`, () => expect(provinceOfPostalCode(code)).to.equal(expected));
  }
});

describe('findProvince', () => {
  const cases: [string, string | null][] = [
    ['Valencia', 'Valencia'],
    ['valencia', 'Valencia'],
    ['  ALMERIA ', 'Almería'],
    ['araba/alava', 'Araba/Álava'],
    ['46', 'Valencia'],
    ['01', 'Araba/Álava'],
    ['52', 'Melilla'],
    ['53', null],
    ['00', null],
    ['Atlantis', null],
    ['', null],
  ];
  for (const [raw, expected] of cases) {
    it(`${JSON.stringify(raw)} → ${expected}`, () => expect(findProvince(raw)).to.equal(expected));
  }
});

describe('validateAddress', () => {
  const good: AddressInput = { street: 'Calle de Colón', number: '12', floorDoor: '2º 1ª', postalCode: '46004', municipality: 'València', province: 'Valencia' };

  it('accepts a complete address and tidies it', () => {
    const r = validateAddress({ ...good, street: '  Calle   de Colón ', floorDoor: '', postalCode: '46 004' });
    expect(r).to.deep.equal({ ok: true, address: { street: 'Calle de Colón', number: '12', floorDoor: null, postalCode: '46004', municipality: 'València', province: 'Valencia' } });
  });

  it('takes the province in any case and without accents, and returns its official name', () => {
    const r = validateAddress({ ...good, postalCode: '04001', province: 'almeria' });
    expect(r.ok && r.address.province).to.equal('Almería');
  });

  const bad: [string, Partial<AddressInput>, Record<string, string>][] = [
    ['everything missing', { street: '', number: '', postalCode: '', municipality: '', province: '' }, { street: 'required', number: 'required', postalCode: 'required', municipality: 'required', province: 'required' }],
    ['blank street', { street: '   ' }, { street: 'required' }],
    ['street too long', { street: 'x'.repeat(151) }, { street: 'too_long' }],
    ['number too long', { number: '12345678901' }, { number: 'too_long' }],
    ['floor too long', { floorDoor: 'x'.repeat(31) }, { floorDoor: 'too_long' }],
    ['4-digit postal code', { postalCode: '4600' }, { postalCode: 'postal_code_format' }],
    ['letters in the postal code', { postalCode: '46O04' }, { postalCode: 'postal_code_format' }],
    ['postal code 00', { postalCode: '00100' }, { postalCode: 'postal_code_invalid' }],
    ['postal code 53', { postalCode: '53001' }, { postalCode: 'postal_code_invalid' }],
    ['postal code 99', { postalCode: '99001' }, { postalCode: 'postal_code_invalid' }],
    ['unknown province', { province: 'Atlantis' }, { province: 'province_unknown' }],
    ['28001 with Valencia', { postalCode: '28001' }, { postalCode: 'postal_code_province_mismatch' }],
    ['46004 with Madrid', { province: 'Madrid' }, { postalCode: 'postal_code_province_mismatch' }],
    ['03700 with Valencia', { postalCode: '03700' }, { postalCode: 'postal_code_province_mismatch' }],
  ];
  for (const [name, change, errors] of bad) {
    it(`refuses ${name}`, () => {
      const r = validateAddress({ ...good, ...change });
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.errors).to.deep.equal(errors);
    });
  }

  it('says which province the postal code belongs to', () => {
    const r = validateAddress({ ...good, postalCode: '28001' });
    expect(r.ok === false && r.expectedProvince).to.equal('Madrid');
  });

  it('accepts every province with one of its own postal codes', () => {
    for (const [prefix, province] of OFFICIAL) {
      expect(validateAddress({ ...good, postalCode: `${prefix}002`, province }).ok, province).to.equal(true);
    }
  });
});

describe('formatAddress', () => {
  it('writes one line as on an envelope', () => {
    expect(formatAddress({ street: 'Calle del Mar', number: '7', floorDoor: 'Bajo', postalCode: '03700', municipality: 'Dénia', province: 'Alicante' }))
      .to.equal('Calle del Mar 7, Bajo, 03700 Dénia (Alicante)');
    expect(formatAddress({ street: 'Calle Mayor', number: '15', floorDoor: null, postalCode: '46001', municipality: 'València', province: 'Valencia' }))
      .to.equal('Calle Mayor 15, 46001 València (Valencia)');
  });
});
