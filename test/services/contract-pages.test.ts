import { expect } from 'chai';
import { lastClosedMonth } from '../../src/services/contracts';
import { todayInSpain } from '../../src/domain/time';

describe('contract pages: the calendar is Madrid’s', () => {
  for (const [instant, month] of [
    ['2026-11-30T22:59:00Z', '2026-10'],
    // 23:30 UTC on 30 November is already 1 December in Spain: November has closed
    ['2026-11-30T23:30:00Z', '2026-11'],
    ['2026-01-01T00:30:00Z', '2025-12'],
    ['2026-03-05T10:00:00Z', '2026-02'],
  ] as const) {
    it(`${instant} → last closed month ${month}`, () => {
      expect(lastClosedMonth(todayInSpain(new Date(instant)))).to.equal(month);
    });
  }
});
