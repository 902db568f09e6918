import { expect } from 'chai';
import type { AccessPath } from '../../src/domain/access';
import {
  actingForBanner, compactId, csvEuros, escapeLike, matchesRole, mergedPage, mergedRun, overviewQuery, pageWindow, parseInvoiceMonth,
  parseOverviewFilter, recentMonths, zipSegment, type OverviewFilter, type RoleFilter,
} from '../../src/domain/overview';
import { csvCell, csvLine } from '../../src/domain/csv';

describe('parseOverviewFilter', () => {
  const none = { q: '', terms: [], role: null, energy: null, page: 1 };
  const cases: [string, Record<string, unknown>, OverviewFilter][] = [
    ['nothing', {}, none],
    ['a CUPS', { q: 'ES0031123456789012BF' }, { ...none, q: 'ES0031123456789012BF', terms: ['ES0031123456789012BF'] }],
    ['whitespace collapsed, words split', { q: '  Calle   Colón\t12 ' }, { ...none, q: 'Calle Colón 12', terms: ['Calle', 'Colón', '12'] }],
    ['a CUPS typed in groups is one term', { q: 'es00 3112 3456 7890 12bf' }, { ...none, q: 'es00 3112 3456 7890 12bf', terms: ['ES0031123456789012BF'] }],
    ['a tax id with spaces is one term', { q: 'B 81234569' }, { ...none, q: 'B 81234569', terms: ['B81234569'] }],
    ['an address with a number stays words', { q: 'Calle 12' }, { ...none, q: 'Calle 12', terms: ['Calle', '12'] }],
    ['repeated words once', { q: 'gas gas' }, { ...none, q: 'gas gas', terms: ['gas'] }],
    ['at most five words', { q: 'a b c d e f g' }, { ...none, q: 'a b c d e f g', terms: ['a', 'b', 'c', 'd', 'e'] }],
    ['cut at 100 characters', { q: 'x'.repeat(150) }, { ...none, q: 'x'.repeat(100), terms: ['x'.repeat(100)] }],
    ['wildcards kept as typed', { q: '50%_' }, { ...none, q: '50%_', terms: ['50%_'] }],
    ['role and energy', { rol: 'gestoria', energia: 'gas' }, { ...none, role: 'gestoria', energy: 'gas' }],
    ['unknown role and energy ignored', { rol: 'admin', energia: 'electricity' }, none],
    ['inherited property names ignored', { rol: 'constructor', energia: 'toString' }, none],
    ['repeated parameters: the first', { q: ['uno', 'dos'], rol: ['titular', 'gestoria'] }, { ...none, q: 'uno', terms: ['uno'], role: 'titular' }],
    ['page', { pagina: '3' }, { ...none, page: 3 }],
    ['page zero is the first', { pagina: '0' }, none],
    ['negative page', { pagina: '-2' }, none],
    ['page not a number', { pagina: '2abc' }, none],
    ['huge page clamped', { pagina: '999999' }, { ...none, page: 100_000 }],
    ['page with seven digits ignored', { pagina: '1000000' }, none],
    ['non-string values', { q: { a: 1 }, pagina: 4 }, none],
  ];
  for (const [label, query, expected] of cases) {
    it(label, () => expect(parseOverviewFilter(query)).to.deep.equal(expected));
  }
});

describe('overviewQuery', () => {
  const cases: [Parameters<typeof overviewQuery>[0], number | undefined, string][] = [
    [{ q: '', role: null, energy: null }, undefined, ''],
    [{ q: '', role: null, energy: null }, 1, ''],
    [{ q: '', role: null, energy: null }, 2, '?pagina=2'],
    [{ q: 'Calle Colón & 12', role: 'gestoria', energy: 'luz' }, 3, '?q=Calle+Col%C3%B3n+%26+12&rol=gestoria&energia=luz&pagina=3'],
  ];
  for (const [f, page, expected] of cases) it(`${JSON.stringify(f)} p${page} → ${expected}`, () => expect(overviewQuery(f, page)).to.equal(expected));
});

describe('pageWindow', () => {
  const cases: [number, number, number, ReturnType<typeof pageWindow>][] = [
    [0, 1, 25, { page: 1, pages: 1, offset: 0, limit: 25, first: 0, last: 0 }],
    [0, 7, 25, { page: 1, pages: 1, offset: 0, limit: 25, first: 0, last: 0 }],
    [1, 1, 25, { page: 1, pages: 1, offset: 0, limit: 25, first: 1, last: 1 }],
    [25, 1, 25, { page: 1, pages: 1, offset: 0, limit: 25, first: 1, last: 25 }],
    [26, 2, 25, { page: 2, pages: 2, offset: 25, limit: 25, first: 26, last: 26 }],
    [60, 2, 25, { page: 2, pages: 3, offset: 25, limit: 25, first: 26, last: 50 }],
    [60, 9, 25, { page: 3, pages: 3, offset: 50, limit: 25, first: 51, last: 60 }],
    [60, 0, 25, { page: 1, pages: 3, offset: 0, limit: 25, first: 1, last: 25 }],
    [2000, 80, 25, { page: 80, pages: 80, offset: 1975, limit: 25, first: 1976, last: 2000 }],
    [10, 2, 3, { page: 2, pages: 4, offset: 3, limit: 3, first: 4, last: 6 }],
  ];
  for (const [total, page, size, expected] of cases) {
    it(`${total} rows, page ${page} of ${size}`, () => expect(pageWindow(total, page, size)).to.deep.equal(expected));
  }
});

describe('mergedRun and mergedPage', () => {
  const runs: [number, number, number, ReturnType<typeof mergedRun>][] = [
    [0, 0, 25, { offset: 0, limit: 25 }],
    [0, 50, 25, { offset: 50, limit: 25 }],
    [3, 0, 25, { offset: 0, limit: 25 }],
    [3, 2, 25, { offset: 0, limit: 27 }],
    [3, 50, 25, { offset: 47, limit: 28 }],
  ];
  for (const [short, offset, limit, expected] of runs) {
    it(`run for ${short} short rows at ${offset}+${limit}`, () => expect(mergedRun(short, offset, limit)).to.deep.equal(expected));
  }

  // short count, long total, run (offset, before), offset, limit → slots
  const L = (long: number) => ({ long });
  const S = (short: number) => ({ short });
  const cases: [string, number, number, { offset: number; before: number[] }, number, number, ReturnType<typeof mergedPage>][] = [
    ['no short rows', 0, 60, { offset: 25, before: Array(25).fill(0) }, 25, 25, Array.from({ length: 25 }, (_, k) => L(k))],
    ['short rows first', 2, 3, { offset: 0, before: [2, 2, 2] }, 0, 3, [S(0), S(1), L(0)]],
    ['short rows first, next page', 2, 3, { offset: 1, before: [2, 2] }, 3, 3, [L(0), L(1)]],
    ['short rows last', 2, 4, { offset: 1, before: [0, 0, 0] }, 3, 3, [L(2), S(0), S(1)]],
    ['interleaved', 2, 4, { offset: 0, before: [0, 1, 1, 2] }, 0, 6, [L(0), S(0), L(1), L(2), S(1), L(3)]],
    ['a short row before the run', 1, 60, { offset: 24, before: Array(26).fill(1) }, 25, 25, Array.from({ length: 25 }, (_, k) => L(k))],
    ['a short row after the run', 1, 60, { offset: 24, before: Array(26).fill(0) }, 25, 25, Array.from({ length: 25 }, (_, k) => L(k + 1))],
    ['only short rows', 3, 0, { offset: 0, before: [] }, 0, 25, [S(0), S(1), S(2)]],
    ['nothing', 0, 0, { offset: 0, before: [] }, 0, 25, []],
  ];
  for (const [label, short, longTotal, run, offset, limit, expected] of cases) {
    it(label, () => expect(mergedPage(short, longTotal, run, offset, limit)).to.deep.equal(expected));
  }

  it('every row once, in order, over all pages of many merges', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let round = 0; round < 200; round++) {
      const all = Array.from({ length: Math.floor(random() * 40) }, (_, i) => i);
      const short = all.filter(() => random() < 0.2);
      const long = all.filter((x) => !short.includes(x));
      const size = 1 + Math.floor(random() * 6);
      const got: number[] = [];
      for (let offset = 0; offset < all.length; offset += size) {
        const run = mergedRun(short.length, offset, size);
        const rows = long.slice(run.offset, run.offset + run.limit);
        const before = rows.map((x) => short.filter((y) => y < x).length);
        got.push(...mergedPage(short.length, long.length, { offset: run.offset, before }, offset, size)
          .map((x) => ('long' in x ? rows[x.long]! : short[x.short]!)));
      }
      expect(got, `round ${round}`).to.deep.equal(all);
    }
  });
});

describe('escapeLike and compactId', () => {
  const like: [string, string][] = [['abc', 'abc'], ['50%', '50\\%'], ['a_b', 'a\\_b'], ['c:\\x', 'c:\\\\x'], ['%_\\', '\\%\\_\\\\']];
  for (const [raw, expected] of like) it(`escapeLike ${raw}`, () => expect(escapeLike(raw)).to.equal(expected));
  const ids: [string, string | null][] = [
    ['es0031123456789012bf', 'ES0031123456789012BF'], ['B-81.234.569', 'B81234569'], ['12345678/z', '12345678Z'],
    ['Colón', null], ['50%', null], ['--', null], ['', null],
  ];
  for (const [raw, expected] of ids) it(`compactId ${JSON.stringify(raw)} → ${expected}`, () => expect(compactId(raw)).to.equal(expected));
});

describe('matchesRole', () => {
  const direct = (role: 'holder' | 'representative' | 'authorized_full' | 'authorized_read'): AccessPath => ({ kind: 'direct', role });
  const manager: AccessPath = { kind: 'manager', role: 'representative', managerCustomerId: 9 };
  const cases: [AccessPath | null, RoleFilter | null, boolean][] = [
    [direct('holder'), null, true],
    [manager, null, true],
    [null, null, false],
    [null, 'titular', false],
    [direct('holder'), 'titular', true],
    [direct('holder'), 'representante', false],
    [direct('representative'), 'representante', true],
    [direct('authorized_full'), 'autorizado', true],
    [direct('authorized_read'), 'autorizado', false],
    [direct('authorized_read'), 'solo-lectura', true],
    [direct('representative'), 'gestoria', false],
    [manager, 'gestoria', true],
    [manager, 'representante', false],
    [{ kind: 'manager', role: 'authorized_read', managerCustomerId: 9 }, 'solo-lectura', false],
  ];
  for (const [via, role, expected] of cases) it(`${JSON.stringify(via)} with ${role} → ${expected}`, () => expect(matchesRole(via, role)).to.equal(expected));
});

describe('actingForBanner', () => {
  const cases: [AccessPath | null, ReturnType<typeof actingForBanner>][] = [
    [null, null],
    [{ kind: 'direct', role: 'holder' }, null],
    [{ kind: 'direct', role: 'representative' }, { role: 'representative', managerCustomerId: null }],
    [{ kind: 'direct', role: 'authorized_full' }, { role: 'authorized_full', managerCustomerId: null }],
    [{ kind: 'direct', role: 'authorized_read' }, { role: 'authorized_read', managerCustomerId: null }],
    [{ kind: 'manager', role: 'holder', managerCustomerId: 4 }, { role: 'holder', managerCustomerId: 4 }],
    [{ kind: 'manager', role: 'authorized_read', managerCustomerId: 4 }, { role: 'authorized_read', managerCustomerId: 4 }],
  ];
  for (const [via, expected] of cases) it(`${JSON.stringify(via)}`, () => expect(actingForBanner(via)).to.deep.equal(expected));
});

describe('CSV cells', () => {
  const cases: [string | number | null | undefined, string][] = [
    ['plain', 'plain'],
    [null, ''],
    [undefined, ''],
    [42, '42'],
    [-5, '-5'],
    ['Calle Mayor; 3', '"Calle Mayor; 3"'],
    ['dice "hola"', '"dice ""hola"""'],
    ['dos\nlíneas', '"dos\nlíneas"'],
    ['=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
    ['+34 600', "'+34 600"],
    ['-1+1', "'-1+1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\r=1', '"\'\r=1"'],
    ['a=b', 'a=b'],
    ['Ñandú, S.L.', 'Ñandú, S.L.'],
  ];
  for (const [v, expected] of cases) it(`${JSON.stringify(v)} → ${expected}`, () => expect(csvCell(v)).to.equal(expected));
  it('joins a line with ; and CRLF', () => expect(csvLine(['a', 'b;c', null, 3])).to.equal('a;"b;c";;3\r\n'));
  const euros: [number, string][] = [[0, '0,00'], [5, '0,05'], [12345, '123,45'], [-250, '-2,50'], [100000, '1000,00']];
  for (const [c, s] of euros) it(`csvEuros ${c} → ${s}`, () => expect(csvEuros(c)).to.equal(s));
});

describe('parseInvoiceMonth', () => {
  const today = '2026-11-20';
  const oldest = '2021-11';
  const cases: [unknown, ReturnType<typeof parseInvoiceMonth>][] = [
    ['2026-10', { ok: true, month: '2026-10', from: '2026-10-01', to: '2026-10-31' }],
    [' 2026-11 ', { ok: true, month: '2026-11', from: '2026-11-01', to: '2026-11-30' }],
    ['2024-02', { ok: true, month: '2024-02', from: '2024-02-01', to: '2024-02-29' }],
    ['2025-02', { ok: true, month: '2025-02', from: '2025-02-01', to: '2025-02-28' }],
    ['2021-11', { ok: true, month: '2021-11', from: '2021-11-01', to: '2021-11-30' }],
    [['2026-09', '2026-08'], { ok: true, month: '2026-09', from: '2026-09-01', to: '2026-09-30' }],
    ['', { ok: false, error: 'required' }],
    [undefined, { ok: false, error: 'required' }],
    ['2026-13', { ok: false, error: 'invalid' }],
    ['2026-00', { ok: false, error: 'invalid' }],
    ['2026-1', { ok: false, error: 'invalid' }],
    ['10/2026', { ok: false, error: 'invalid' }],
    ['2026-10-01', { ok: false, error: 'invalid' }],
    ["2026-10' or 1=1", { ok: false, error: 'invalid' }],
    ['2026-12', { ok: false, error: 'future' }],
    ['2031-01', { ok: false, error: 'future' }],
    ['2021-10', { ok: false, error: 'too_old' }],
  ];
  for (const [raw, expected] of cases) it(`${JSON.stringify(raw)}`, () => expect(parseInvoiceMonth(raw, today, oldest)).to.deep.equal(expected));
});

describe('recentMonths and zipSegment', () => {
  it('counts back from the current month across years', () => {
    expect(recentMonths('2026-02-10', 4)).to.deep.equal(['2026-02', '2026-01', '2025-12', '2025-11']);
  });
  const segs: [string, string][] = [['B81234569', 'B81234569'], ['../etc', 'etc'], ['X-1234567-L', 'X-1234567-L'], ['Ñ/ä', 'Na'], ['', 'sin-nombre']];
  for (const [raw, expected] of segs) it(`zipSegment ${JSON.stringify(raw)} → ${expected}`, () => expect(zipSegment(raw)).to.equal(expected));
});
