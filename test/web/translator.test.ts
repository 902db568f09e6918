import { expect } from 'chai';
import { i18nextTranslator, LANGUAGES, textKeys, translator } from '../../src/i18n';

describe('translator (memoised i18next)', () => {
  for (const lang of LANGUAGES) {
    it(`gives what i18next gives for every ${lang} text, with and without values`, () => {
      const t = translator(lang) as unknown as (key: string, o?: object) => unknown;
      const raw = i18nextTranslator(lang) as unknown as (key: string, o?: object) => unknown;
      const keys = textKeys(lang);
      expect(keys.length).to.be.greaterThan(500);
      for (const key of keys) {
        const base = key.replace(/_(zero|one|two|few|many|other)$/, '');
        expect(t(base), key).to.deep.equal(raw(base));
        expect(t(base), `${key} (kept)`).to.deep.equal(raw(base));
        const names = [...String(raw(key)).matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!);
        const values = Object.fromEntries(names.map((n, i) => [n, i % 2 ? 7 * i : `v<${n}>`]));
        expect(t(base, values), `${key} with ${JSON.stringify(values)}`).to.equal(raw(base, values));
        expect(t(base, { ...values, count: 2 }), `${key} with count`).to.equal(raw(base, { ...values, count: 2 }));
        for (const count of [1, 2, 1]) {
          expect(t(base, { count }), `${key} with count ${count} (kept)`).to.equal(raw(base, { count }));
        }
        if (names.length) expect(t(base, {}), `${key} without its values`).to.equal(raw(base, {}));
      }
    });
  }

  it('builds a list asked for whole once, frozen, equal to i18next\'s', () => {
    for (const lang of LANGUAGES) {
      const t = translator(lang) as unknown as (key: string, o?: object) => unknown;
      const raw = i18nextTranslator(lang) as unknown as (key: string, o?: object) => unknown;
      const first = t('home.features.items', { returnObjects: true });
      expect(first).to.deep.equal(raw('home.features.items', { returnObjects: true }));
      expect(t('home.features.items', { returnObjects: true })).to.equal(first);
      expect(Object.isFrozen(first)).to.equal(true);
    }
  });

  it('is the same function for each request of a language', () => {
    expect(translator('es')).to.equal(translator('es'));
    expect(translator('ca')).to.not.equal(translator('es'));
  });
});
