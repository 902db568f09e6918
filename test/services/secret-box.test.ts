import crypto from 'node:crypto';
import { expect } from 'chai';
import { isSealed, open, seal } from '../../src/adapters/secret-box';

describe('secret box (secrets at rest)', () => {
  const key = crypto.randomBytes(32);
  const cases = ['JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', '', 'ñ€ — ünïcode'];
  for (const plain of cases) {
    it(`round-trips ${JSON.stringify(plain)} with a fresh IV each time`, () => {
      const a = seal(plain, key);
      const b = seal(plain, key);
      expect(isSealed(a)).to.equal(true);
      expect(a).not.to.equal(b);
      if (plain) expect(a).not.to.contain(plain);
      expect(open(a, key)).to.equal(plain);
      expect(open(b, key)).to.equal(plain);
    });
  }

  it('refuses another key and a tampered value', () => {
    const sealed = seal('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', key);
    expect(() => open(sealed, crypto.randomBytes(32))).to.throw();
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
    expect(() => open(`v1:${raw.toString('base64')}`, key)).to.throw();
  });

  it('reads a legacy plaintext value as is', () => {
    expect(isSealed('JBSWY3DPEHPK3PXP')).to.equal(false);
    expect(open('JBSWY3DPEHPK3PXP', key)).to.equal('JBSWY3DPEHPK3PXP');
  });
});
