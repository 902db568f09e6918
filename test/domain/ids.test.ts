import { expect } from 'chai';
import {
  cccToIban,
  cifControl,
  classifyLoginId,
  classifyTaxId,
  cupsControlLetters,
  formatIban,
  ibanLast4,
  isSepaIban,
  isSpanishIban,
  isValidCcc,
  isValidCif,
  isValidCups,
  isValidIban,
  isValidNie,
  isValidNif,
  isValidPassport,
  maskIban,
  nifControlLetter,
  normalizeIban,
  normalizeId,
  type LoginIdResult,
  type TaxIdKind,
} from '../../src/domain/ids';

describe('normalizeId', () => {
  const cases: [string, string][] = [
    ['12345678z', '12345678Z'],
    ['  12.345.678-Z ', '12345678Z'],
    ['x-1234567-l', 'X1234567L'],
    ['B 81 234 569', 'B81234569'],
    ['b/81_234.56-9', 'B81234569'],
    ['es 0031 1234 5678 9012 bf', 'ES0031123456789012BF'],
    ['', ''],
  ];
  for (const [raw, expected] of cases) {
    it(`${JSON.stringify(raw)} → ${expected}`, () => expect(normalizeId(raw)).to.equal(expected));
  }
});

describe('NIF', () => {
  const letters: [string, string][] = [
    ['12345678', 'Z'],
    ['71234567', 'W'],
    ['00000000', 'T'],
    ['1234567', 'L'],
  ];
  for (const [digits, letter] of letters) {
    it(`control letter of ${digits} is ${letter}`, () => expect(nifControlLetter(digits)).to.equal(letter));
  }
  it('rejects a non-numeric body', () => expect(() => nifControlLetter('1234567A')).to.throw(RangeError));

  const cases: [string, boolean][] = [
    ['12345678Z', true],
    ['71234567W', true],
    ['00000000T', true],
    ['12.345.678-z', true],
    ['K1234567L', true],
    ['L1234567L', true],
    ['M1234567L', true],
    ['12345678A', false],
    ['71234567X', false],
    ['00000000R', false],
    ['K1234567T', false],
    ['1234567L', false],
    ['123456789Z', false],
    ['12345678', false],
    ['X1234567L', false],
    ['B81234569', false],
  ];
  for (const [v, expected] of cases) {
    it(`isValidNif(${v}) → ${expected}`, () => expect(isValidNif(v)).to.equal(expected));
  }
});

describe('NIE', () => {
  const cases: [string, boolean][] = [
    ['X1234567L', true],
    ['Y1234567X', true],
    ['Z1234567R', true],
    ['x-1234567-l', true],
    ['X1234567T', false],
    ['Y1234567L', false],
    ['Z1234567X', false],
    ['X123456L', false],
    ['W1234567L', false],
    ['12345678Z', false],
  ];
  for (const [v, expected] of cases) {
    it(`isValidNie(${v}) → ${expected}`, () => expect(isValidNie(v)).to.equal(expected));
  }
});

describe('CIF', () => {
  const controls: [string, { digit: string; letter: string }][] = [
    ['B8123456', { digit: '9', letter: 'I' }],
    ['B6543210', { digit: '6', letter: 'F' }],
    ['H2812345', { digit: '3', letter: 'C' }],
    ['Q2826000', { digit: '8', letter: 'H' }],
    ['G1234567', { digit: '4', letter: 'D' }],
  ];
  for (const [body, expected] of controls) {
    it(`controls of ${body} are ${expected.digit}/${expected.letter}`, () => expect(cifControl(body)).to.deep.equal(expected));
  }
  it('rejects a malformed body', () => expect(() => cifControl('B123')).to.throw(RangeError));

  const cases: [string, boolean][] = [
    ['B81234569', true],
    ['B65432106', true],
    ['H28123453', true],
    ['A28015865', true],
    ['b-81.234.569', true],
    ['Q2826000H', true],
    ['P2807900B', true],
    ['N0032484H', true],
    ['G12345674', true],
    ['G1234567D', true],
    ['B81234560', false],
    ['B65432107', false],
    ['H28123454', false],
    ['B8123456I', false],
    ['Q28260008', false],
    ['Q2826000G', false],
    ['P28079002', false],
    ['G1234567E', false],
    ['I12345674', false],
    ['B8123456', false],
    ['12345678Z', false],
  ];
  for (const [v, expected] of cases) {
    it(`isValidCif(${v}) → ${expected}`, () => expect(isValidCif(v)).to.equal(expected));
  }
});

describe('passport', () => {
  const cases: [string, boolean][] = [
    ['PAA123456', true],
    ['123456789', true],
    ['C01X00T47', true],
    ['ab12-34', true],
    ['AB1234567890', true],
    // CIF-shaped but with a bad control: the shape of some foreign passports.
    ['E12345678', true],
    ['ABCDEFGH', false],
    ['A1234', false],
    ['AB12345678901', false],
    ['12345678A', false],
    ['12345678Z', false],
    ['X1234567A', false],
    ['K1234567A', false],
    ['B81234569', false],
    ['AB12@34', false],
  ];
  for (const [v, expected] of cases) {
    it(`isValidPassport(${v}) → ${expected}`, () => expect(isValidPassport(v)).to.equal(expected));
  }
});

describe('classifyTaxId', () => {
  const cases: [string, { kind: TaxIdKind; value: string } | null][] = [
    ['12.345.678-z', { kind: 'nif', value: '12345678Z' }],
    ['K1234567L', { kind: 'nif', value: 'K1234567L' }],
    ['x1234567l', { kind: 'nie', value: 'X1234567L' }],
    ['B-81234569', { kind: 'cif', value: 'B81234569' }],
    ['Q2826000H', { kind: 'cif', value: 'Q2826000H' }],
    ['paa 123456', { kind: 'passport', value: 'PAA123456' }],
    ['12345678A', null],
    ['X1234567A', null],
    ['', null],
    ['hello', null],
  ];
  for (const [raw, expected] of cases) {
    it(`${JSON.stringify(raw)} → ${expected ? expected.kind : 'null'}`, () => expect(classifyTaxId(raw)).to.deep.equal(expected));
  }
});

describe('classifyLoginId', () => {
  const cases: [string, LoginIdResult][] = [
    ['', { ok: false, reason: 'required' }],
    ['   ', { ok: false, reason: 'required' }],
    [' .- ', { ok: false, reason: 'required' }],
    ['ana@example.com', { ok: false, reason: 'email' }],
    ['12345678Z@', { ok: false, reason: 'email' }],
    ['B81234569', { ok: false, reason: 'cif' }],
    ['b-65.432.106', { ok: false, reason: 'cif' }],
    ['Q2826000H', { ok: false, reason: 'cif' }],
    ['12345678A', { ok: false, reason: 'format' }],
    ['X1234567A', { ok: false, reason: 'format' }],
    ['K1234567A', { ok: false, reason: 'format' }],
    ['ABC', { ok: false, reason: 'format' }],
    ['ABCDEFGH', { ok: false, reason: 'format' }],
    ['12345678Z', { ok: true, kind: 'nif', value: '12345678Z' }],
    [' 12.345.678-z ', { ok: true, kind: 'nif', value: '12345678Z' }],
    ['M1234567L', { ok: true, kind: 'nif', value: 'M1234567L' }],
    ['X1234567L', { ok: true, kind: 'nie', value: 'X1234567L' }],
    ['y-1234567-x', { ok: true, kind: 'nie', value: 'Y1234567X' }],
    ['Z1234567R', { ok: true, kind: 'nie', value: 'Z1234567R' }],
    ['paa123456', { ok: true, kind: 'passport', value: 'PAA123456' }],
  ];
  for (const [raw, expected] of cases) {
    const label = expected.ok ? `ok ${expected.kind}` : expected.reason;
    it(`${JSON.stringify(raw)} → ${label}`, () => expect(classifyLoginId(raw)).to.deep.equal(expected));
  }
});

describe('CUPS', () => {
  it('control letters of 0031123456789012 are BF', () => expect(cupsControlLetters('0031123456789012')).to.equal('BF'));
  it('control letters of 0021000000000000 are computed mod 529', () => {
    // 21000000000000 mod 529 = 43 → TABLE[1] + TABLE[20]
    expect(cupsControlLetters('0021000000000000')).to.equal('RC');
  });
  it('rejects a body that is not 16 digits', () => expect(() => cupsControlLetters('003112345678901')).to.throw(RangeError));

  const cases: [string, boolean][] = [
    ['ES0031123456789012BF', true],
    ['ES0031123456789012BF0F', true],
    ['ES0031123456789012BF1P', true],
    ['es0031123456789012bf', true],
    ['ES 0031 1234 5678 9012 BF 0F', true],
    ['ES0021000000000000RC', true],
    ['ES0031123456789012AF', false],
    ['ES0031123456789012BG', false],
    ['ES0031123456789012FB', false],
    ['ES003112345678901BF', false],
    ['ES00311234567890123BF', false],
    ['ES0031123456789012BF0', false],
    ['ES0031123456789012BFF0', false],
    ['PT0031123456789012BF', false],
    ['0031123456789012BF', false],
  ];
  for (const [v, expected] of cases) {
    it(`isValidCups(${v}) → ${expected}`, () => expect(isValidCups(v)).to.equal(expected));
  }
});

describe('CCC', () => {
  const cases: [string, boolean][] = [
    ['21000418450200051332', true],
    ['2100-0418-45-0200051332', true],
    ['21000418550200051332', false], // first DC 4 → 5
    ['21000418460200051332', false], // second DC 5 → 6
    ['21000418450200051333', false], // account digit changed
    ['2100041845020005133', false],
    ['2100041845020005133A', false],
  ];
  for (const [v, expected] of cases) {
    it(`isValidCcc(${v}) → ${expected}`, () => expect(isValidCcc(v)).to.equal(expected));
  }

  it('cccToIban(21000418450200051332) → ES9121000418450200051332', () => {
    expect(cccToIban('21000418450200051332')).to.equal('ES9121000418450200051332');
  });
  it('cccToIban accepts separators', () => {
    expect(cccToIban('2100 0418 45 0200051332')).to.equal('ES9121000418450200051332');
  });
  it('cccToIban throws on an invalid CCC', () => {
    expect(() => cccToIban('21000418460200051332')).to.throw(RangeError, /invalid CCC/);
  });
});

describe('IBAN', () => {
  const ES = 'ES9121000418450200051332';
  const DE = 'DE89370400440532013000';
  const BR = 'BR1800360305000010009795493C1';

  it('normalizeIban drops spaces and dashes and upper-cases', () => {
    expect(normalizeIban(' es91 2100-0418 4502 0005 1332 ')).to.equal(ES);
  });

  // [iban, valid, spanish, sepa]
  const cases: [string, boolean, boolean, boolean][] = [
    [ES, true, true, true],
    ['es91 2100 0418 4502 0005 1332', true, true, true],
    [DE, true, false, true],
    [BR, true, false, false],
    ['ES9221000418450200051332', false, false, false],
    ['DE88370400440532013000', false, false, false],
    // IBAN checksum fixed up but the Spanish account check digits are wrong.
    ['ES2921000418460200051332', false, false, false],
    ['ES912100041845020005133', false, false, false],
    ['XX9121000418450200051332', false, false, false],
    ['', false, false, false],
  ];
  for (const [v, valid, spanish, sepa] of cases) {
    it(`${JSON.stringify(v)}: valid ${valid}, Spanish ${spanish}, SEPA ${sepa}`, () => {
      expect([isValidIban(v), isSpanishIban(v), isSepaIban(v)]).to.deep.equal([valid, spanish, sepa]);
    });
  }

  const shown: [string, string, string, string][] = [
    [ES, 'ES91 **** **** **** **** 1332', '1332', 'ES91 2100 0418 4502 0005 1332'],
    ['es91-2100-0418-4502-0005-1332', 'ES91 **** **** **** **** 1332', '1332', 'ES91 2100 0418 4502 0005 1332'],
    [DE, 'DE89 **** **** **** **30 00', '3000', 'DE89 3704 0044 0532 0130 00'],
    ['ES91', '****', 'ES91', 'ES91'],
  ];
  for (const [v, masked, last4, formatted] of shown) {
    it(`${v} masks to ${masked}, ends ${last4}, formats ${formatted}`, () => {
      expect(maskIban(v)).to.equal(masked);
      expect(ibanLast4(v)).to.equal(last4);
      expect(formatIban(v)).to.equal(formatted);
    });
  }
});
