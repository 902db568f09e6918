import { expect } from 'chai';
import { checkRectification, rectifiedBill, rectifyingDates } from '../../src/domain/rectifying';

describe('rectifying invoices: what the administrator typed', () => {
  const fresh = { energy: 'electricity' as const, rectifiedBy: null, rectifies: null };
  const good = { reason: 'Lectura estimada corregida con la real', p1: '60', p2: '50', p3: '90' };
  const cases: [string, typeof good, typeof fresh | { energy: 'gas' | 'electricity'; rectifiedBy: number | null; rectifies: number | null }, ReturnType<typeof checkRectification>][] = [
    ['a reason and the right consumption', good, fresh, { ok: true, value: { reason: good.reason, consumption: { P1: 60, P2: 50, P3: 90 } } }],
    ['thousands typed with a dot', { ...good, p1: '1.200' }, fresh, { ok: true, value: { reason: good.reason, consumption: { P1: 1200, P2: 50, P3: 90 } } }],
    ['gas needs P1 only', { ...good, p2: '', p3: 'x' }, { ...fresh, energy: 'gas' }, { ok: true, value: { reason: good.reason, consumption: { P1: 60, P2: 0, P3: 0 } } }],
    ['no reason', { ...good, reason: ' ' }, fresh, { ok: false, errors: [{ field: 'reason', code: 'required' }] }],
    ['reason too long', { ...good, reason: 'x'.repeat(501) }, fresh, { ok: false, errors: [{ field: 'reason', code: 'too_long' }] }],
    ['decimals are not whole kWh', { ...good, p2: '50,5' }, fresh, { ok: false, errors: [{ field: 'p2', code: 'invalid' }] }],
    ['negative', { ...good, p3: '-1' }, fresh, { ok: false, errors: [{ field: 'p3', code: 'invalid' }] }],
    ['missing', { ...good, p1: '' }, fresh, { ok: false, errors: [{ field: 'p1', code: 'required' }] }],
    ['already rectified', good, { ...fresh, rectifiedBy: 9 }, { ok: false, errors: [{ field: 'invoice', code: 'already_rectified' }] }],
    ['a rectifying invoice', good, { ...fresh, rectifies: 9 }, { ok: false, errors: [{ field: 'invoice', code: 'is_rectifying' }] }],
  ];
  for (const [name, input, original, expected] of cases) it(name, () => expect(checkRectification(input, original)).to.deep.equal(expected));
});

describe('rectifying invoices: the corrected bill', () => {
  it('is the billing function on the same period with the right consumption', () => {
    // 30 days at 4,6 kW on tarifa-luz-estable, 70 + 60 + 85 = 215 kWh: the hand-checked 56,02 € household bill
    const bill = rectifiedBill({ energy: 'electricity', productCode: 'tarifa-luz-estable', periodStart: '2025-04-01', periodEnd: '2025-04-30', powerKw: { P1: 4.6, P2: 4.6 }, powerSchedule: [] },
      { P1: 70, P2: 60, P3: 85 });
    expect(bill.totals).to.deep.equal({ taxableBaseCents: 4630, vatCents: 972, totalCents: 5602 });
  });
});

describe('rectifying invoices: dates', () => {
  it('is issued today and due 15 days later, or on the original due date if that is later', () => {
    expect(rectifyingDates('2026-11-20', '2026-11-18', 15)).to.deep.equal({ issueDate: '2026-11-20', dueDate: '2026-12-05' });
    expect(rectifyingDates('2026-11-20', '2026-12-10', 15)).to.deep.equal({ issueDate: '2026-11-20', dueDate: '2026-12-10' });
  });
});
