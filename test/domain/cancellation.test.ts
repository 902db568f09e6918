import { expect } from 'chai';
import { billedPeriod, checkCancellation, type CancellationFacts, type CancellationInput } from '../../src/domain/cancellation';

describe('cancellation (baja)', () => {
  const facts: CancellationFacts = {
    today: '2026-11-20', lastInvoicedDay: '2026-10-31', periods: true, lastReading: { P1: 1000, P2: 800, P3: 1500 },
  };
  const good: CancellationInput = { endDate: '2026-12-15', p1: '1100', p2: '850', p3: '1.600' };
  const cases: [string, Partial<CancellationInput>, Partial<CancellationFacts>, unknown][] = [
    ['a day ahead and a reading above the last', {}, {},
      { ok: true, value: { endDate: '2026-12-15', reading: { P1: 1100, P2: 850, P3: 1600 } } }],
    ['written dd/mm/yyyy', { endDate: '15/12/2026' }, {},
      { ok: true, value: { endDate: '2026-12-15', reading: { P1: 1100, P2: 850, P3: 1600 } } }],
    ['today', { endDate: '2026-11-20' }, {},
      { ok: true, value: { endDate: '2026-11-20', reading: { P1: 1100, P2: 850, P3: 1600 } } }],
    ['no date', { endDate: '' }, {}, [{ field: 'endDate', code: 'required' }]],
    ['not a date', { endDate: '31/02/2026' }, {}, [{ field: 'endDate', code: 'invalid' }]],
    ['yesterday', { endDate: '2026-11-19' }, {}, [{ field: 'endDate', code: 'past' }]],
    ['91 days ahead', { endDate: '2027-02-19' }, {}, [{ field: 'endDate', code: 'too_far' }]],
    ['90 days ahead', { endDate: '2027-02-18' }, {},
      { ok: true, value: { endDate: '2027-02-18', reading: { P1: 1100, P2: 850, P3: 1600 } } }],
    ['within a period already invoiced', { endDate: '2026-11-25' }, { lastInvoicedDay: '2026-11-30' },
      [{ field: 'endDate', code: 'already_billed' }]],
    ['a register missing', { p2: ' ' }, {}, [{ field: 'p2', code: 'required' }]],
    ['decimals', { p1: '1100,5' }, {}, [{ field: 'p1', code: 'invalid' }]],
    ['a meter going backwards', { p3: '1499' }, {}, [{ field: 'p3', code: 'below_last' }]],
    ['gas: one register, against the total', { p1: '3299', p2: '', p3: '' }, { periods: false, lastReading: { total: 3300 } },
      [{ field: 'p1', code: 'below_last' }]],
    ['gas without a previous reading', { p1: '42', p2: '', p3: '' }, { periods: false, lastReading: null },
      { ok: true, value: { endDate: '2026-12-15', reading: { total: 42 } } }],
  ];
  for (const [name, change, f, expected] of cases) {
    it(name, () => {
      const r = checkCancellation({ ...good, ...change }, { ...facts, ...f });
      expect(r).to.deep.equal(Array.isArray(expected) ? { ok: false, errors: expected } : expected);
    });
  }

  describe('the billed period of an ended contract', () => {
    const nov = { start: '2026-11-01', end: '2026-11-30' };
    const cases: [string, string | null, unknown][] = [
      ['not ended', null, { ...nov, final: false }],
      ['ends after the month', '2026-12-15', { ...nov, final: false }],
      ['ends on its last day', '2026-11-30', { ...nov, final: false }],
      ['ends within it: the final invoice', '2026-11-15', { start: '2026-11-01', end: '2026-11-15', final: true }],
      ['ends on its first day', '2026-11-01', { start: '2026-11-01', end: '2026-11-01', final: true }],
      ['ended before it: nothing to bill', '2026-10-31', null],
    ];
    for (const [name, end, expected] of cases) it(name, () => expect(billedPeriod(nov, end)).to.deep.equal(expected));
  });
});
