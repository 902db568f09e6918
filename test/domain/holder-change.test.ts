/**
 * Change of holder, pure rules: the form's checks, which confirmations a request waits for,
 * and the day the supply passes to the new holder.
 */
import { expect } from 'chai';
import {
  checkHolderChange, confirmationsNeeded, dayBefore, holderChangeEffectiveDay, holderChangeFacts, holderChangeNext,
  pendingConfirmations, readyToComplete, type HolderChangeInput,
} from '../../src/domain/holder-change';

const CURRENT = '12345678Z';
const OK: HolderChangeInput = {
  taxId: '87654321x', name: '  Laura   Pérez ', email: 'laura@example.com', phone: '612 34 56 78',
  iban: 'es91 2100 0418 4502 0005 1332', consent: 'email', documentType: '',
};

describe('holder change: the form', () => {
  it('accepts a NIF, NIE or CIF and normalises what was typed', () => {
    const r = checkHolderChange(OK, CURRENT);
    expect(r).to.deep.equal({
      ok: true,
      value: {
        taxId: '87654321X', kind: 'individual', name: 'Laura Pérez', email: 'laura@example.com', phone: '612345678',
        iban: 'ES9121000418450200051332', consent: 'email', documentType: null,
      },
    });
    const company = checkHolderChange({ ...OK, taxId: 'B12345674' }, CURRENT);
    expect(company.ok && company.value.kind).to.equal('company');
    expect(checkHolderChange({ ...OK, taxId: 'X1234567L' }, CURRENT).ok).to.equal(true);
  });

  const cases: [string, Partial<HolderChangeInput>, string[]][] = [
    ['nothing typed', { taxId: '', name: '', email: '', iban: '', consent: '' },
      ['taxId:required', 'name:required', 'email:required', 'iban:required', 'consent:required']],
    ['a wrong control letter', { taxId: '12345678A' }, ['taxId:invalid']],
    ['a passport', { taxId: 'AB1234567' }, ['taxId:passport']],
    ['the current holder again', { taxId: '12345678z' }, ['taxId:same_holder']],
    ['a name of symbols', { name: '<b>' }, ['name:invalid']],
    ['a long name', { name: 'a'.repeat(201) }, ['name:too_long']],
    ['an email without domain', { email: 'laura@' }, ['email:invalid']],
    ['a short phone', { phone: '1234' }, ['phone:invalid']],
    ['a bad IBAN check', { iban: 'ES9121000418450200051333' }, ['iban:iban_invalid']],
    ['an IBAN outside SEPA', { iban: 'BR1800360305000010009795493C1' }, ['iban:iban_not_sepa']],
    ['documents without their type', { consent: 'documents', documentType: '' }, ['documentType:required']],
    ['an unknown document type', { consent: 'documents', documentType: 'selfie' }, ['documentType:required']],
  ];
  for (const [name, patch, expected] of cases) {
    it(`refuses ${name}`, () => {
      const r = checkHolderChange({ ...OK, ...patch }, CURRENT);
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.errors.map((e) => `${e.field}:${e.code}`)).to.deep.equal(expected);
    });
  }

  it('keeps the document type only when documents stand in for the consent', () => {
    const docs = checkHolderChange({ ...OK, consent: 'documents', documentType: 'death_certificate' }, CURRENT);
    expect(docs.ok && docs.value.documentType).to.equal('death_certificate');
    const mail = checkHolderChange({ ...OK, consent: 'email', documentType: 'deed' }, CURRENT);
    expect(mail.ok && mail.value.documentType).to.equal(null);
  });
});

describe('holder change: confirmations', () => {
  const table: [string, 'email' | 'documents', string | null, string | null, string[], boolean][] = [
    ['by email, nobody yet', 'email', null, null, ['current', 'new'], false],
    ['by email, the current holder only', 'email', '2026-11-20', null, ['new'], false],
    ['by email, the new holder only', 'email', null, '2026-11-21', ['current'], false],
    ['by email, both', 'email', '2026-11-20', '2026-11-21', [], true],
    ['documents, nobody yet', 'documents', null, null, ['new'], false],
    ['documents, the new holder', 'documents', null, '2026-11-21', [], true],
  ];
  for (const [name, consent, current, next, pending, ready] of table) {
    it(name, () => {
      const s = { consent, currentConfirmedAt: current, newConfirmedAt: next };
      expect(pendingConfirmations(s)).to.deep.equal(pending);
      expect(readyToComplete(s)).to.equal(ready);
    });
  }

  it('the new holder always confirms; the current one unless documents stand in', () => {
    expect(confirmationsNeeded('email')).to.deep.equal(['current', 'new']);
    expect(confirmationsNeeded('documents')).to.deep.equal(['new']);
  });

  it('the letter says who is still missing, then the review, then the day', () => {
    const p = { consent: 'email', currentConfirmedAt: '2026-11-20' };
    expect(holderChangeNext('recibida', {}, null).key).to.equal('holderChange.next.waitingBoth');
    expect(holderChangeNext('recibida', p, null).key).to.equal('holderChange.next.waiting_new');
    expect(holderChangeNext('recibida', { ...p, newConfirmedAt: '2026-11-21' }, null).key)
      .to.equal('holderChange.next.review');
    expect(holderChangeNext('completada', p, '2026-12-01'))
      .to.deep.equal({ key: 'holderChange.next.applied', params: { date: '01/12/2026' } });
  });

  it('the letter masks the IBAN and dates each confirmation', () => {
    const facts = holderChangeFacts({
      newHolderName: 'Laura Pérez', newHolderTaxId: '87654321X', newIban: 'ES9121000418450200051332', consent: 'email',
      currentConfirmedAt: '2026-11-20',
    });
    expect(facts.map((f) => [f.label.split('.').pop(), f.value])).to.deep.equal([
      ['newHolder', 'Laura Pérez (87654321X)'], ['newIban', 'ES91 **** **** **** **** 1332'], ['consent', 'email'],
      ['currentConfirmed', '20/11/2026'], ['newConfirmed', 'pending'],
    ]);
  });
});

describe('holder change: the effective day', () => {
  const table: [string, string, string | null, string][] = [
    ['the 1st of next month', '2026-11-20', '2026-10-31', '2026-12-01'],
    ['on the last day of a month', '2026-11-30', '2026-10-31', '2026-12-01'],
    ['on the 1st', '2026-12-01', null, '2027-01-01'],
    ['across the year', '2026-12-15', '2026-11-30', '2027-01-01'],
    ['after a period already invoiced ahead', '2026-11-20', '2026-12-31', '2027-01-01'],
    ['an invoice ending on the 1st of next month', '2026-11-20', '2026-12-01', '2027-01-01'],
  ];
  for (const [name, today, last, expected] of table) {
    it(name, () => expect(holderChangeEffectiveDay(today, last)).to.equal(expected));
  }

  it('the current contract ends the day before', () => {
    expect(dayBefore('2026-12-01')).to.equal('2026-11-30');
    expect(dayBefore('2027-03-01')).to.equal('2027-02-28');
  });
});
