import { expect } from 'chai';
import { canChoosePaymentDay, dueDateForIssue, PAYMENT_DAYS, validatePaymentDay, type PaymentDayResult } from '../../src/domain/payment-day';
import { invoiceDates } from '../../src/domain/invoicing';

describe('validatePaymentDay', () => {
  const cases: [string | number, number | null, PaymentDayResult][] = [
    ['1', null, { ok: true, day: 1 }],
    ['28', null, { ok: true, day: 28 }],
    ['15', 5, { ok: true, day: 15 }],
    [' 5 ', null, { ok: true, day: 5 }],
    ['05', null, { ok: true, day: 5 }],
    [10, null, { ok: true, day: 10 }],
    ['', null, { ok: false, error: 'required' }],
    ['   ', 5, { ok: false, error: 'required' }],
    ['0', null, { ok: false, error: 'out_of_range' }],
    ['00', null, { ok: false, error: 'out_of_range' }],
    ['29', null, { ok: false, error: 'out_of_range' }],
    ['31', null, { ok: false, error: 'out_of_range' }],
    ['99', null, { ok: false, error: 'out_of_range' }],
    ['100', null, { ok: false, error: 'not_a_day' }],
    ['-1', null, { ok: false, error: 'not_a_day' }],
    ['1.5', null, { ok: false, error: 'not_a_day' }],
    ['abc', null, { ok: false, error: 'not_a_day' }],
    ['5', 5, { ok: false, error: 'unchanged' }],
    ['28', 28, { ok: false, error: 'unchanged' }],
  ];
  for (const [raw, current, expected] of cases) {
    it(`${JSON.stringify(raw)} (now ${current}) → ${JSON.stringify(expected)}`, () => expect(validatePaymentDay(raw, current)).to.deep.equal(expected));
  }

  it('offers exactly the days 1 to 28', () => {
    expect(PAYMENT_DAYS).to.deep.equal(Array.from({ length: 28 }, (_, i) => i + 1));
  });
});

describe('canChoosePaymentDay', () => {
  const cases: [string, boolean][] = [['company', true], ['community', true], ['individual', false], ['', false]];
  for (const [kind, expected] of cases) it(`${kind || '(none)'} → ${expected}`, () => expect(canChoosePaymentDay(kind)).to.equal(expected));
});

describe('dueDateForIssue', () => {
  // an invoice issued on D leaves at least 15 days to pay; with a payment day, the first such day after that
  const cases: [string, number | null, string][] = [
    ['2026-11-20', null, '2026-12-05'],
    ['2026-11-20', 5, '2026-12-05'],
    ['2026-11-20', 15, '2026-12-15'],
    ['2026-11-20', 4, '2027-01-04'],
    ['2026-11-20', 28, '2026-12-28'],
    ['2026-11-20', 1, '2027-01-01'],
    ['2027-01-20', 28, '2027-02-28'],
    ['2027-02-10', 25, '2027-02-25'],
    ['2027-02-14', 28, '2027-03-28'],
  ];
  for (const [issue, day, due] of cases) {
    it(`issued ${issue}, day ${day} → due ${due}`, () => expect(dueDateForIssue(issue, day)).to.equal(due));
  }

  it('agrees with the billing run for every day of the list', () => {
    for (const day of PAYMENT_DAYS) {
      const { issueDate, dueDate } = invoiceDates('2026-11-17', day);
      expect(issueDate).to.equal('2026-11-20');
      expect(dueDateForIssue('2026-11-20', day)).to.equal(dueDate);
    }
  });
});
