import { expect } from 'chai';
import {
  businessProofMatches,
  householdProofMatches,
  parseEuroAmountToCents,
  type BusinessClaim,
  type BusinessProofResult,
  type HolderRecord,
  type HouseholdClaim,
} from '../../src/domain/registration';

const household: HolderRecord = {
  customerTaxId: '12345678Z',
  customerKind: 'individual',
  representativeNif: null,
  accounts: [
    { number: '100200300', iban: 'ES91 2100 0418 4502 0005 1332', directDebit: true },
    { number: '100200301', iban: 'ES7921000813610123456789', directDebit: false },
    { number: '100200302', iban: null, directDebit: false },
  ],
  lastPaidInvoiceTotalsCents: [5432, 6120, 4875],
};

const claim = (over: Partial<HouseholdClaim> = {}): HouseholdClaim => ({
  taxId: '12345678Z',
  email: 'maria@example.com',
  contractAccountNumber: '100200300',
  ibanLast4: '1332',
  ...over,
});

describe('householdProofMatches (seed 000)', () => {
  const cases: [string, HouseholdClaim, HolderRecord | null, boolean][] = [
    ['all data right', claim(), household, true],
    ['NIF typed with dots, dash and lower case', claim({ taxId: '12.345.678-z' }), household, true],
    ['account number and last 4 typed with spaces', claim({ contractAccountNumber: ' 100 200 300 ', ibanLast4: '13 32' }), household, true],
    ['wrong last 4', claim({ ibanLast4: '1333' }), household, false],
    ['last 4 of another account of the same customer', claim({ ibanLast4: '6789' }), household, false],
    ['account not on direct debit', claim({ contractAccountNumber: '100200301', ibanLast4: '6789' }), household, false],
    ['account without IBAN', claim({ contractAccountNumber: '100200302', ibanLast4: '0000' }), household, false],
    ['account of another customer', claim({ contractAccountNumber: '999999999' }), household, false],
    ['another tax id', claim({ taxId: '87654321X' }), household, false],
    ['last 4 too short (must not match as a suffix)', claim({ ibanLast4: '332' }), household, false],
    ['last 4 empty', claim({ ibanLast4: '' }), household, false],
    ['last 4 not digits', claim({ ibanLast4: '13a2' }), household, false],
    ['empty account number', claim({ contractAccountNumber: '' }), household, false],
    ['unknown holder', claim(), null, false],
    ['a company cannot register as a household', claim({ taxId: 'B81234569' }), { ...household, customerTaxId: 'B81234569', customerKind: 'company' }, false],
  ];
  for (const [name, c, holder, expected] of cases) {
    it(`${name} → ${expected}`, () => {
      expect(householdProofMatches(c, holder)).to.equal(expected);
    });
  }
});

const company: HolderRecord = {
  customerTaxId: 'B81234569',
  customerKind: 'company',
  representativeNif: '71234567W',
  accounts: [
    { number: '200100100', iban: 'ES7921000813610123456789', directDebit: false },
    { number: '200100101', iban: 'ES9121000418450200051332', directDebit: true },
  ],
  lastPaidInvoiceTotalsCents: [12345, 23456, 34567, 45678],
};
const byTransfer: HolderRecord = {
  ...company,
  accounts: [{ number: '200100100', iban: null, directDebit: false }],
};
const community: HolderRecord = { ...company, customerTaxId: 'H28123453', customerKind: 'community', representativeNif: '45678123P' };

describe('businessProofMatches (seed 001)', () => {
  const cases: [string, BusinessClaim, HolderRecord | null, BusinessProofResult][] = [
    ['last 4 of a direct-debit account, representative', { companyTaxId: 'B81234569', ibanLast4: '1332', personNif: '71234567W' }, company, 'ok'],
    ['ids typed loosely', { companyTaxId: 'b-81.234.569', ibanLast4: '1332', personNif: '71.234.567-w' }, company, 'ok'],
    ['last 4 of an account paid by transfer', { companyTaxId: 'B81234569', ibanLast4: '6789', personNif: '71234567W' }, company, 'no_match'],
    ['wrong last 4', { companyTaxId: 'B81234569', ibanLast4: '0000', personNif: '71234567W' }, company, 'no_match'],
    ['paying by transfer, newest paid invoice total', { companyTaxId: 'B81234569', invoiceTotalCents: 12345, personNif: '71234567W' }, byTransfer, 'ok'],
    ['paying by transfer, third newest', { companyTaxId: 'B81234569', invoiceTotalCents: 34567, personNif: '71234567W' }, byTransfer, 'ok'],
    ['invoice total not among the last three', { companyTaxId: 'B81234569', invoiceTotalCents: 45678, personNif: '71234567W' }, byTransfer, 'no_match'],
    ['invoice total off by a cent', { companyTaxId: 'B81234569', invoiceTotalCents: 12346, personNif: '71234567W' }, byTransfer, 'no_match'],
    ['zero total is never a proof', { companyTaxId: 'B81234569', invoiceTotalCents: 0, personNif: '71234567W' }, { ...byTransfer, lastPaidInvoiceTotalsCents: [0] }, 'no_match'],
    ['both proofs right', { companyTaxId: 'B81234569', ibanLast4: '1332', invoiceTotalCents: 23456, personNif: '71234567W' }, company, 'ok'],
    ['both given, one wrong', { companyTaxId: 'B81234569', ibanLast4: '1332', invoiceTotalCents: 99999, personNif: '71234567W' }, company, 'no_match'],
    ['no proof at all', { companyTaxId: 'B81234569', ibanLast4: ' ', personNif: '71234567W' }, company, 'no_match'],
    ['right proof, not the representative', { companyTaxId: 'B81234569', ibanLast4: '1332', personNif: '12345678Z' }, company, 'not_representative'],
    // the answer to a non-representative must not confirm the IBAN digits (issue 12, item 16)
    ['wrong proof, not the representative: the same answer as with the right proof', { companyTaxId: 'B81234569', ibanLast4: '0000', personNif: '12345678Z' }, company, 'not_representative'],
    ['right proof, no representative on file', { companyTaxId: 'B81234569', ibanLast4: '1332', personNif: '71234567W' }, { ...company, representativeNif: null }, 'not_representative'],
    ['community of owners by invoice', { companyTaxId: 'H28123453', invoiceTotalCents: 23456, personNif: '45678123P' }, community, 'ok'],
    ['another CIF', { companyTaxId: 'B65432106', ibanLast4: '1332', personNif: '71234567W' }, company, 'no_match'],
    ['an individual is not a business', { companyTaxId: '12345678Z', ibanLast4: '1332', personNif: '12345678Z' }, household, 'no_match'],
    ['unknown company', { companyTaxId: 'B81234569', ibanLast4: '1332', personNif: '71234567W' }, null, 'no_match'],
  ];
  for (const [name, c, holder, expected] of cases) {
    it(`${name} → ${expected}`, () => {
      expect(businessProofMatches(c, holder)).to.equal(expected);
    });
  }
});

describe('parseEuroAmountToCents', () => {
  const cases: [string, number | null][] = [
    ['123,45', 12345],
    ['123.45', 12345],
    ['1.234,56', 123456],
    ['1,234.56', 123456],
    ['€ 12', 1200],
    ['12 €', 1200],
    ['12,5', 1250],
    ['0,07', 7],
    ['1.234', 123400],
    ['1.234.567,89', 123456789],
    ['1 234,56', 123456],
    ['45 EUR', 4500],
    ['', null],
    ['€', null],
    ['abc', null],
    ['12,345', null],
    ['12.345,678', null],
    ['1,234', null],
    ['-12,00', null],
    ['12,', null],
    [',50', null],
    ['12.34.56', null],
    ['1.23,45', null],
    ['99999999999999999999', null],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected}`, () => {
      expect(parseEuroAmountToCents(input)).to.equal(expected);
    });
  }
});
