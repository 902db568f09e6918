import { expect } from 'chai';
import { formatter, EMPTY } from '../../src/web/format';
import { letterDay, letterEuros, letterInstant, letterKw } from '../../src/domain/letter-format';

describe('format: one way to print each kind of value, per language', () => {
  const es = formatter('es');
  const ca = formatter('ca');
  const cases: [string, () => string, string][] = [
    // calendar days stay the day they are; instants are shown in Madrid
    ['a stored day with single-digit day and month', () => es.date('2027-01-04'), '04/01/2027'],
    ['a stored day in Catalan', () => ca.date('2027-01-04'), '04/01/2027'],
    ['an instant late on 30 November UTC is 1 December in Madrid', () => es.date(new Date('2026-11-30T23:30:00Z')), '01/12/2026'],
    ['an instant in summer time', () => es.date(new Date('2026-06-30T22:30:00Z')), '01/07/2026'],
    ['an ISO instant string', () => es.date('2026-11-30T23:30:00.000Z'), '01/12/2026'],
    ['a date-time in Madrid', () => es.dateTime(new Date('2026-11-30T23:30:00Z')), '01/12/2026 00:30'],
    ['a date-time in Catalan', () => ca.dateTime(new Date('2027-01-04T08:05:00Z')), '04/01/2027 09:05'],
    ['a missing date', () => es.date(null), EMPTY],
    ['an invalid date', () => es.dateTime('not a date'), EMPTY],
    ['a month in Spanish', () => es.month('2027-01'), 'enero de 2027'],
    ['a month in Catalan', () => ca.month('2027-01'), 'gener del 2027'],
    ['a month before a vowel in Catalan', () => ca.month('2026-04'), 'abril del 2026'],
    ['the month of an instant is Madrid\'s', () => es.month(new Date('2026-11-30T23:30:00Z')), 'diciembre de 2026'],
    ['money from cents, grouped from the thousands', () => es.money(123456), '1.234,56 €'],
    ['money below a thousand', () => es.money(4999), '49,99 €'],
    ['money in Catalan', () => ca.money(123456), '1.234,56 €'],
    ['zero money', () => es.money(0), '0,00 €'],
    ['negative money (a refund)', () => es.money(-1050), '-10,50 €'],
    ['millions', () => es.money(123456789), '1.234.567,89 €'],
    ['missing money', () => es.money(null), EMPTY],
    ['kWh', () => es.kwh(1234), '1.234 kWh'],
    ['kWh with a decimal', () => ca.kwh(12.34), '12,3 kWh'],
    ['kW keeps three decimals', () => es.kw(3.464), '3,464 kW'],
    ['kW whole', () => es.kw(5), '5 kW'],
    ['a percentage', () => es.percent(12.5), '12,5\u00a0%'],
    ['a whole percentage keeps its decimal', () => ca.percent(3), '3,0\u00a0%'],
    ['a number', () => es.number(1234.567), '1.234,57'],
    ['a number with no decimals', () => es.number(1234.567, 0), '1.235'],
    ['a number with fixed decimals', () => es.number(2.7, 2, 2), '2,70'],
    ['a numeric column read as a string', () => es.kw('3.450'), '3,45 kW'],
    ['a CUPS in groups', () => es.cups('ES0031123456789012BF'), 'ES 0031 1234 5678 9012 BF'],
    ['a 22-character CUPS', () => es.cups('es0031123456789012bf1p'), 'ES 0031 1234 5678 9012 BF1P'],
    ['something that is not a CUPS is left as typed', () => es.cups('X12'), 'X12'],
    ['an IBAN masked but for the country, check digits and last four', () => es.iban('ES9121000418450200051332'), 'ES91 **** **** **** **** 1332'],
    ['an IBAN typed with spaces', () => ca.iban('es91 2100 0418 4502 0005 1332'), 'ES91 **** **** **** **** 1332'],
    ['no IBAN', () => es.iban(''), EMPTY],
  ];
  for (const [label, run, expected] of cases) it(label, () => expect(run()).to.equal(expected));

  it('prints every number as Intl does, the first time and every later time (kept texts)', () => {
    const intl = (locale: string, min: number, max: number) => new Intl.NumberFormat(locale, {
      minimumFractionDigits: min, maximumFractionDigits: max, useGrouping: 'always',
    });
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const values = [
      0, -0, 1, -1, 0.005, -0.004, 1234.5, 999999.995,
      ...Array.from({ length: 12_000 }, () => (random() - 0.3) * 10 ** Math.floor(random() * 7)),
    ];
    for (const [lang, locale] of [['es', 'es-ES'], ['ca', 'ca-ES']] as const) {
      const f = formatter(lang);
      const [money, kwh, one, three] = [intl(locale, 2, 2), intl(locale, 0, 1), intl(locale, 0, 1), intl(locale, 1, 3)];
      // twice over, past the number of texts kept, so both a kept text and a cleared map are met
      for (const round of [1, 2]) {
        for (const v of values) {
          const label = `${lang} ${v} round ${round}`;
          expect(f.money(v * 100), label).to.equal(`${money.format(v)} €`);
          expect(f.kwh(v), label).to.equal(`${kwh.format(v)} kWh`);
          expect(f.number(v, 1), label).to.equal(one.format(v));
          expect(f.number(v, 3, 1), label).to.equal(three.format(v));
        }
      }
    }
  });

  it('writes amounts, powers, days and instants in letters and emails as the pages do', () => {
    const cents = [0, 5, 99, 4999, 99999, 100000, 123456, 123456789, -1050];
    const kws = [0.5, 4.6, 10.392, 1500];
    const instants = ['2026-11-30T23:30:00Z', '2026-06-30T22:05:00Z', '2027-01-04T08:05:00Z'].map((t) => new Date(t));
    for (const lang of ['es', 'ca'] as const) {
      const f = formatter(lang);
      for (const c of cents) expect(letterEuros(c, lang), `${lang} ${c}`).to.equal(f.money(c));
      for (const k of kws) expect(`${letterKw(k, lang)} kW`, `${lang} ${k}`).to.equal(f.kw(k));
      for (const at of instants) expect(letterInstant(at, lang), `${lang} ${at.toISOString()}`).to.equal(f.dateTime(at));
      expect(letterDay('2027-01-04')).to.equal(f.date('2027-01-04'));
    }
    expect(letterEuros(123456, 'es')).to.equal('1.234,56 €');
    expect(letterInstant(new Date('2026-11-30T23:30:00Z'), 'ca')).to.equal('01/12/2026 00:30');
  });

  it('falls back to Spanish for an unknown language', () => {
    expect(formatter('xx' as 'es').money(100)).to.equal('1,00 €');
  });
});
