import { expect } from 'chai';
import { kept } from '../../src/domain/kept';

describe('kept (bounded memo)', () => {
  it('makes a value once per key, starts over at the limit, and never keeps undefined', () => {
    const map = new Map<string, string | undefined>();
    let made = 0;
    const make = (v: string | undefined) => () => { made++; return v; };
    const cases: [string, string | undefined, string | undefined, number][] = [
      // key, value make() would give, expected answer, made so far
      ['a', 'A', 'A', 1],
      ['a', 'other', 'A', 1],
      ['b', 'B', 'B', 2],
      ['c', 'C', 'C', 3], // the map held 2 (the limit): emptied, then c kept
      ['a', 'A2', 'A2', 4],
      ['u', undefined, undefined, 5],
      ['u', undefined, undefined, 6],
    ];
    for (const [key, value, expected, count] of cases) {
      expect(kept(map, key, 2, make(value)), key).to.equal(expected);
      expect(made, `${key}: made`).to.equal(count);
    }
  });
});
