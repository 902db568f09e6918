import { expect } from 'chai';
import { TOKEN_LIFETIME_MS, checkToken, tokenExpiry, type TokenCheck, type TokenPurpose } from '../../src/domain/tokens';

const MIN = 60_000;
const HOUR = 60 * MIN;
const ISSUED = new Date('2026-03-02T10:00:00.000Z');
const at = (ms: number) => new Date(ISSUED.getTime() + ms);

describe('single-use tokens', () => {
  const lifetimes: [TokenPurpose, number, string][] = [
    ['activation', 48 * HOUR, '2026-03-04T10:00:00.000Z'],
    ['password_reset', 30 * MIN, '2026-03-02T10:30:00.000Z'],
    ['email_change', 24 * HOUR, '2026-03-03T10:00:00.000Z'],
    ['invitation', 7 * 24 * HOUR, '2026-03-09T10:00:00.000Z'],
  ];

  for (const [purpose, lifetime, expiry] of lifetimes) {
    describe(purpose, () => {
      const token = { purpose, expiresAt: tokenExpiry(purpose, ISSUED), usedAt: null };
      it(`lives ${lifetime} ms and expires at ${expiry}`, () => {
        expect(TOKEN_LIFETIME_MS[purpose]).to.equal(lifetime);
        expect(token.expiresAt.toISOString()).to.equal(expiry);
      });
      const checks: [string, number, TokenCheck][] = [
        ['just issued', 0, 'valid'],
        ['exactly at expiry', lifetime, 'valid'],
        ['1 ms past expiry', lifetime + 1, 'expired'],
      ];
      for (const [name, offset, expected] of checks) {
        it(`${name} → ${expected}`, () => {
          expect(checkToken(token, purpose, at(offset))).to.equal(expected);
        });
      }
    });
  }

  describe('state and purpose', () => {
    const reset = (usedAt: Date | null, expiresAt = at(30 * MIN)) => ({ purpose: 'password_reset' as const, expiresAt, usedAt });
    const cases: [string, Parameters<typeof checkToken>[0], TokenPurpose, Date, TokenCheck][] = [
      ['unknown token', null, 'password_reset', ISSUED, 'unknown'],
      ['already used', reset(at(MIN)), 'password_reset', at(2 * MIN), 'used'],
      ['used and since expired says used', reset(at(MIN)), 'password_reset', at(HOUR), 'used'],
      ['reset token on the activation page', reset(null), 'activation', at(MIN), 'wrong_purpose'],
      ['wrong purpose wins over used and expired', reset(at(MIN)), 'invitation', at(HOUR), 'wrong_purpose'],
      ['unused and in time', reset(null), 'password_reset', at(MIN), 'valid'],
    ];
    for (const [name, token, expected, now, result] of cases) {
      it(`${name} → ${result}`, () => {
        expect(checkToken(token, expected, now)).to.equal(result);
      });
    }
  });
});
