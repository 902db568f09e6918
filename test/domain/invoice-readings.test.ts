import { expect } from 'chai';
import { billedConsumption, type MeterReadingFact } from '../../src/domain/invoice-readings';

const NOV = { start: '2026-11-01', end: '2026-11-30' };
const oct31: MeterReadingFact = { date: '2026-10-31', source: 'distributor', P1: 1000, P2: 500, P3: 800 };
const nov20: MeterReadingFact = { date: '2026-11-20', source: 'customer', P1: 1060, P2: 550, P3: 890 };

describe('which readings an invoice bills', () => {
  const cases: [string, { P1: number; P2: number; P3: number } | null, MeterReadingFact[], ReturnType<typeof billedConsumption>][] = [
    ['the distributor metering wins', { P1: 70, P2: 60, P3: 85 }, [oct31, nov20], { consumption: { P1: 70, P2: 60, P3: 85 }, source: 'real', from: null, to: null }],
    // 1060 − 1000 = 60, 550 − 500 = 50, 890 − 800 = 90
    ['no metering: the customer reading against the one before the period', null, [nov20, oct31],
      { consumption: { P1: 60, P2: 50, P3: 90 }, source: 'customer', from: '2026-10-31', to: '2026-11-20' }],
    ['the latest customer reading of the period', null, [oct31, { ...nov20, date: '2026-11-05', P1: 1010 }, nov20],
      { consumption: { P1: 60, P2: 50, P3: 90 }, source: 'customer', from: '2026-10-31', to: '2026-11-20' }],
    // totals: (1060 + 550 + 890) − (1000 + 500 + 800) = 2500 − 2300 = 200, all in one register
    ['a single-register reading bills the total', null, [oct31, { ...nov20, P1: 2500, P2: null, P3: null }],
      { consumption: { P1: 200, P2: 0, P3: 0 }, source: 'customer', from: '2026-10-31', to: '2026-11-20' }],
    ['from an estimated reading, the invoice says estimated', null, [{ ...oct31, source: 'estimated' }, nov20],
      { consumption: { P1: 60, P2: 50, P3: 90 }, source: 'estimated', from: '2026-10-31', to: '2026-11-20' }],
    ['no reading before the period: not billed yet', null, [nov20], null],
    ['no customer reading in the period: not billed yet', null, [oct31, { ...nov20, date: '2026-12-01' }], null],
    ['a distributor reading inside the period is no customer reading', null, [oct31, { ...nov20, source: 'distributor' }], null],
    ['a meter that went backwards is not billed', null, [oct31, { ...nov20, P2: 400 }], null],
    ['nothing at all', null, [], null],
  ];
  for (const [name, metered, readings, expected] of cases) it(name, () => expect(billedConsumption(NOV, metered, readings)).to.deep.equal(expected));
});
