import { expect } from 'chai';
import { cleanIbanInput, isValidCreditorIdentifier, mandateReference, sepaCreditorIdentifier, validateDirectDebit, type DirectDebitInput } from '../../src/domain/direct-debit';

describe('validateDirectDebit', () => {
  const base: DirectDebitInput = { iban: 'ES91 2100 0418 4502 0005 1332', holder: 'María García López', mandateAccepted: true };

  const valid: [string, string, string][] = [
    ['Spanish, with spaces', 'ES91 2100 0418 4502 0005 1332', 'ES9121000418450200051332'],
    ['Spanish, with dashes and lower case', 'es79-2100-0813-6101-2345-6789', 'ES7921000813610123456789'],
    ['Spanish, prefixed with IBAN', 'IBAN ES7921000813610123456789', 'ES7921000813610123456789'],
    ['German', 'DE89 3704 0044 0532 0130 00', 'DE89370400440532013000'],
    ['French', 'FR14 2004 1010 0505 0001 3M02 606', 'FR1420041010050500013M02606'],
    ['Italian', 'IT60X0542811101000000123456', 'IT60X0542811101000000123456'],
    ['Dutch', 'NL91ABNA0417164300', 'NL91ABNA0417164300'],
    ['British (SEPA, not EU)', 'GB29 NWBK 6016 1331 9268 19', 'GB29NWBK60161331926819'],
    ['Swiss (SEPA, not EU)', 'CH93 0076 2011 6238 5295 7', 'CH9300762011623852957'],
  ];
  for (const [name, typed, iban] of valid) {
    it(`accepts a ${name} IBAN and normalises it`, () => {
      const r = validateDirectDebit({ ...base, iban: typed });
      expect(r.ok).to.equal(true);
      if (r.ok) {
        expect(r.value.iban).to.equal(iban);
        expect(r.value.maskedIban.replace(/\s/g, '')).to.match(new RegExp(`^${iban.slice(0, 4)}\\*+${iban.slice(-4)}$`));
        expect(r.value.maskedIban).not.to.contain(iban.slice(4, -4));
      }
    });
  }

  const invalid: [string, Partial<DirectDebitInput>, Record<string, string>][] = [
    ['an empty IBAN', { iban: '  ' }, { iban: 'required' }],
    ['bad IBAN check digits', { iban: 'ES92 2100 0418 4502 0005 1332' }, { iban: 'iban_invalid' }],
    ['a wrong digit in the account', { iban: 'ES9121000418450200051333' }, { iban: 'iban_invalid' }],
    ['a bad Spanish bank control (CCC) digit', { iban: 'ES0021000418450200051332' }, { iban: 'iban_invalid' }],
    ['a German IBAN with bad check digits', { iban: 'DE88370400440532013000' }, { iban: 'iban_invalid' }],
    ['a missing digit', { iban: 'ES912100041845020005133' }, { iban: 'iban_invalid' }],
    ['an unknown country', { iban: 'XX9121000418450200051332' }, { iban: 'iban_invalid' }],
    ['a CCC without country', { iban: '21000418450200051332' }, { iban: 'iban_invalid' }],
    ['a Brazilian IBAN (not SEPA)', { iban: 'BR1800360305000010009795493C1' }, { iban: 'iban_not_sepa' }],
    ['a Turkish IBAN (not SEPA)', { iban: 'TR330006100519786457841326' }, { iban: 'iban_not_sepa' }],
    ['a Saudi IBAN (not SEPA)', { iban: 'SA0380000000608010167519' }, { iban: 'iban_not_sepa' }],
    ['an Emirati IBAN (not SEPA)', { iban: 'AE070331234567890123456' }, { iban: 'iban_not_sepa' }],
    ['an empty holder', { holder: '   ' }, { holder: 'required' }],
    ['a holder over 70 characters', { holder: 'A'.repeat(71) }, { holder: 'holder_too_long' }],
    ['a holder without letters', { holder: '12345' }, { holder: 'holder_invalid' }],
    ['a holder with markup', { holder: '<script>x</script>' }, { holder: 'holder_invalid' }],
    ['a mandate not accepted', { mandateAccepted: false }, { mandate: 'mandate_required' }],
    ['everything wrong', { iban: '', holder: '', mandateAccepted: false }, { iban: 'required', holder: 'required', mandate: 'mandate_required' }],
  ];
  for (const [name, change, errors] of invalid) {
    it(`refuses ${name}`, () => {
      const r = validateDirectDebit({ ...base, ...change });
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.errors).to.deep.equal(errors);
    });
  }

  it('tidies the holder name', () => {
    const r = validateDirectDebit({ ...base, holder: '  Panadería   Ruiz S.L. ' });
    expect(r.ok && r.value.holder).to.equal('Panadería Ruiz S.L.');
  });

  it('accepts a holder of exactly 70 characters', () => {
    expect(validateDirectDebit({ ...base, holder: 'Ñ'.repeat(70) }).ok).to.equal(true);
  });
});

describe('cleanIbanInput', () => {
  const cases: [string, string][] = [['es91 2100-0418 4502 0005 1332', 'ES9121000418450200051332'], ['IBAN: ES91', 'ES91'], ['iban ES91', 'ES91'], ['', '']];
  for (const [raw, out] of cases) it(`${JSON.stringify(raw)} → ${out}`, () => expect(cleanIbanInput(raw)).to.equal(out));
});

describe('mandateReference', () => {
  const now = new Date('2026-11-20T10:00:00.123Z');

  const cases: [string, Date, string | null | undefined, string][] = [
    ['100000000002', now, undefined, 'ENL-100000000002-20261120100000-01'],
    ['100000000002', now, null, 'ENL-100000000002-20261120100000-01'],
    ['100000000002', now, 'MND100000000002', 'ENL-100000000002-20261120100000-01'],
    ['100000000002', now, 'ENL-100000000002-20261120100000-01', 'ENL-100000000002-20261120100000-02'],
    ['100000000002', now, 'ENL-100000000002-20261120100000-09', 'ENL-100000000002-20261120100000-10'],
    ['100000000002', new Date('2026-11-20T10:00:01Z'), 'ENL-100000000002-20261120100000-05', 'ENL-100000000002-20261120100001-01'],
    ['100000000003', now, 'ENL-100000000002-20261120100000-01', 'ENL-100000000003-20261120100000-01'],
  ];
  for (const [account, at, previous, expected] of cases) {
    it(`${account} at ${at.toISOString()} after ${previous} → ${expected}`, () => expect(mandateReference(account, at, previous)).to.equal(expected));
  }

  it('stays within the 35 SEPA characters and the allowed alphabet', () => {
    for (const account of ['1', '100000000002', '9'.repeat(30), 'abc-123 456']) {
      const ref = mandateReference(account, now);
      expect(ref.length).to.be.at.most(35);
      expect(ref).to.match(/^[A-Z0-9-]+$/);
    }
  });

  it('never repeats over many changes in the same second', () => {
    const seen = new Set<string>();
    let previous: string | null = null;
    for (let i = 0; i < 50; i++) {
      previous = mandateReference('100000000002', now, previous);
      seen.add(previous);
    }
    expect(seen.size).to.equal(50);
  });
});

describe('sepaCreditorIdentifier', () => {
  const cases: [string, string][] = [
    ['B12345674', 'ES11ZZZB12345674'],
    ['b-12345674', 'ES11ZZZB12345674'],
    ['B81234569', 'ES66ZZZB81234569'],
  ];
  for (const [taxId, ci] of cases) {
    it(`${taxId} → ${ci}`, () => {
      expect(sepaCreditorIdentifier(taxId)).to.equal(ci);
      expect(isValidCreditorIdentifier(sepaCreditorIdentifier(taxId))).to.equal(true);
    });
  }

  const checks: [string, boolean][] = [
    ['ES11ZZZB12345674', true],
    ['ES11000B12345674', true], // the business code is not part of the check
    ['ES12ZZZB12345674', false],
    ['ES11ZZZB12345675', false],
    // the example identifier of the European Payments Council's guidance
    ['DE98ZZZ09999999999', true],
  ];
  for (const [ci, ok] of checks) it(`${ci} is ${ok ? 'valid' : 'invalid'}`, () => expect(isValidCreditorIdentifier(ci)).to.equal(ok));
});
