import { expect } from 'chai';
import {
  DEFAULT_SESSION_POLICY,
  evaluateSession,
  sessionPolicyFrom,
  type SessionState,
} from '../../src/domain/sessions';

const MIN = 60_000;
const HOUR = 60 * MIN;
const CREATED = Date.parse('2026-03-02T08:00:00.000Z');

describe('sessions (DESIGN.md rule 5)', () => {
  it('defaults to 15 minutes idle and 8 hours absolute', () => {
    expect(DEFAULT_SESSION_POLICY).to.deep.equal({ idleMs: 15 * MIN, absoluteMs: 8 * HOUR });
  });

  // name, last seen and now as ms after creation, expected
  const cases: [string, number, number, SessionState][] = [
    ['just created', 0, 0, 'valid'],
    ['idle exactly 15 min', 0, 15 * MIN, 'valid'],
    ['idle 15 min + 1 ms', 0, 15 * MIN + 1, 'idle_expired'],
    ['active, 8 h exactly after creation', 8 * HOUR - 1 * MIN, 8 * HOUR, 'valid'],
    ['active, 8 h + 1 ms after creation', 8 * HOUR - 1 * MIN, 8 * HOUR + 1, 'absolute_expired'],
    ['both exceeded: absolute wins', 1 * HOUR, 9 * HOUR, 'absolute_expired'],
    ['last seen in the future (clock skew) is not expired', 5 * MIN, 4 * MIN, 'valid'],
  ];
  for (const [name, lastSeen, now, expected] of cases) {
    it(`${name} → ${expected}`, () => {
      expect(evaluateSession({ createdAt: CREATED, lastSeenAt: CREATED + lastSeen }, new Date(CREATED + now))).to.equal(expected);
    });
  }

  describe('configured policy', () => {
    const policy = sessionPolicyFrom(5, 1);
    it('converts minutes and hours to ms', () => {
      expect(policy).to.deep.equal({ idleMs: 5 * MIN, absoluteMs: 1 * HOUR });
    });
    const cases: [number, number, SessionState][] = [
      [0, 5 * MIN, 'valid'],
      [0, 5 * MIN + 1, 'idle_expired'],
      [HOUR - MIN, HOUR, 'valid'],
      [HOUR - MIN, HOUR + 1, 'absolute_expired'],
    ];
    for (const [lastSeen, now, expected] of cases) {
      it(`last seen +${lastSeen} ms, now +${now} ms → ${expected}`, () => {
        expect(evaluateSession({ createdAt: CREATED, lastSeenAt: CREATED + lastSeen }, new Date(CREATED + now), policy)).to.equal(expected);
      });
    }

    const invalid: [number, number][] = [
      [0, 8],
      [15, 0],
      [-1, 8],
      [Number.NaN, 8],
      [15, Number.POSITIVE_INFINITY],
    ];
    for (const [idle, absolute] of invalid) {
      it(`refuses idle ${idle} min / absolute ${absolute} h`, () => {
        expect(() => sessionPolicyFrom(idle, absolute)).to.throw(RangeError);
      });
    }
  });
});
