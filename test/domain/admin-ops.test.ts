import { expect } from 'chai';
import { isStaleRun, parseBillingPeriod, previousMonth, runProgress, type PeriodResult, type RunCounters } from '../../src/domain/billing-runs';
import { auditQueryString, auditTimeRange, parseAuditFilter, startOfDayInSpain, type AuditFilter } from '../../src/domain/audit-filter';
import { parseOutboxFilter, redactTokens } from '../../src/domain/outbox-view';
import { csvLine } from '../../src/domain/csv';

describe('parseBillingPeriod', () => {
  const ctx = { currentMonth: '2026-11', earliestMonth: '2024-01' };
  const cases: [string, unknown, typeof ctx | { currentMonth: string; earliestMonth: null }, PeriodResult][] = [
    ['last month', '2026-10', ctx, { ok: true, period: '2026-10' }],
    ['spaces around', ' 2026-10 ', ctx, { ok: true, period: '2026-10' }],
    ['the first month with data', '2024-01', ctx, { ok: true, period: '2024-01' }],
    ['empty', '', ctx, { ok: false, error: 'required' }],
    ['not a string', ['2026-10'], ctx, { ok: false, error: 'required' }],
    ['month 13', '2026-13', ctx, { ok: false, error: 'invalid' }],
    ['day included', '2026-10-01', ctx, { ok: false, error: 'invalid' }],
    ['Spanish order', '10/2026', ctx, { ok: false, error: 'invalid' }],
    ['the current month has not ended', '2026-11', ctx, { ok: false, error: 'not_closed' }],
    ['a future month', '2027-01', ctx, { ok: false, error: 'not_closed' }],
    ['before the data', '2023-12', ctx, { ok: false, error: 'before_data' }],
    ['no data at all', '2026-10', { currentMonth: '2026-11', earliestMonth: null }, { ok: false, error: 'no_data' }],
  ];
  for (const [name, raw, c, expected] of cases) it(name, () => expect(parseBillingPeriod(raw, c)).to.deep.equal(expected));
});

describe('previousMonth', () => {
  for (const [m, p] of [['2026-11', '2026-10'], ['2026-01', '2025-12'], ['2026-10', '2026-09']]) {
    it(`${m} → ${p}`, () => expect(previousMonth(m!)).to.equal(p));
  }
});

describe('runProgress', () => {
  const cases: [string, RunCounters, ReturnType<typeof runProgress>][] = [
    ['queued: total unknown', { status: 'queued', total: null, issued: 0, skipped: 0 }, { done: 0, of: null, finished: false }],
    ['running', { status: 'running', total: 10, issued: 4, skipped: 0 }, { done: 4, of: 10, finished: false }],
    ['some invoiced by another run first', { status: 'running', total: 10, issued: 2, skipped: 3 }, { done: 2, of: 7, finished: false }],
    ['done', { status: 'done', total: 10, issued: 10, skipped: 0 }, { done: 10, of: 10, finished: true }],
    ['a re-run finds nothing', { status: 'done', total: 0, issued: 0, skipped: 0 }, { done: 0, of: 0, finished: true }],
    ['failed', { status: 'failed', total: 10, issued: 0, skipped: 0 }, { done: 0, of: 10, finished: true }],
  ];
  for (const [name, r, expected] of cases) it(name, () => expect(runProgress(r)).to.deep.equal(expected));
});

describe('isStaleRun', () => {
  const now = new Date('2026-11-20T10:00:00Z');
  const ago = (min: number) => new Date(now.getTime() - min * 60_000);
  const cases: [string, Parameters<typeof isStaleRun>[0], Parameters<typeof isStaleRun>[1], boolean][] = [
    ['run of this process', { status: 'running', updatedAt: ago(60) }, { ownedHere: true, now, graceMs: 0 }, false],
    ['embedded database, not ours: dead', { status: 'running', updatedAt: now }, { ownedHere: false, now, graceMs: 0 }, true],
    ['shared database, recently alive', { status: 'running', updatedAt: ago(5) }, { ownedHere: false, now, graceMs: 600_000 }, false],
    ['shared database, silent too long', { status: 'queued', updatedAt: ago(11) }, { ownedHere: false, now, graceMs: 600_000 }, true],
    ['finished runs never', { status: 'done', updatedAt: ago(600) }, { ownedHere: false, now, graceMs: 0 }, false],
  ];
  for (const [name, r, ctx, expected] of cases) it(name, () => expect(isStaleRun(r, ctx)).to.equal(expected));
});

describe('parseAuditFilter', () => {
  const cases: [string, Record<string, unknown>, AuditFilter, Record<string, string>][] = [
    ['nothing', {}, {}, {}],
    ['staff by login (lower-cased)', { tipo: 'staff', actor: 'Admin' }, { actorType: 'staff', actor: { kind: 'name', value: 'admin' } }, {}],
    ['staff by id', { tipo: 'staff', actor: '7' }, { actorType: 'staff', actor: { kind: 'id', id: 7 } }, {}],
    ['user by login (normalised NIF)', { tipo: 'user', actor: '12345678-z' }, { actorType: 'user', actor: { kind: 'name', value: '12345678Z' } }, {}],
    ['type alone', { tipo: 'system' }, { actorType: 'system' }, {}],
    ['actor without type', { actor: 'admin' }, {}, { actor: 'actor_type_required' }],
    ['system has no actor id', { tipo: 'system', actor: '3' }, { actorType: 'system' }, { actor: 'no_actor_id' }],
    ['unknown type', { tipo: 'robot', actor: 'x' }, {}, { actorType: 'invalid' }],
    ['actor with spaces', { tipo: 'user', actor: 'a b' }, { actorType: 'user' }, { actor: 'invalid' }],
    ['customer by id', { cliente: '42' }, { customer: { kind: 'id', id: 42 } }, {}],
    ['customer by tax id', { cliente: 'b-8123456 9' }, { customer: { kind: 'name', value: 'B81234569' } }, {}],
    ['customer nonsense', { cliente: '¿?' }, {}, { customer: 'invalid' }],
    ['action prefix lower-cased', { accion: 'Billing.' }, { actionPrefix: 'billing.' }, {}],
    ['action with a wildcard', { accion: 'billing%' }, {}, { action: 'invalid' }],
    ['date range', { desde: '2026-11-01', hasta: '2026-11-20' }, { from: '2026-11-01', to: '2026-11-20' }, {}],
    ['same day', { desde: '2026-11-20', hasta: '2026-11-20' }, { from: '2026-11-20', to: '2026-11-20' }, {}],
    ['reversed range', { desde: '2026-11-20', hasta: '2026-11-01' }, { from: '2026-11-20', to: '2026-11-01' }, { to: 'range' }],
    ['impossible date', { desde: '2026-02-30' }, {}, { from: 'invalid' }],
    ['Spanish date order', { hasta: '20/11/2026' }, {}, { to: 'invalid' }],
    ['cursor', { antes: '2026-11-20T10:00:00.123456Z~15' }, { before: { at: '2026-11-20T10:00:00.123456Z', id: 15 } }, {}],
    ['bad cursor ignored', { antes: '2026-11-20~x' }, {}, {}],
    ['repeated parameter: the first', { accion: ['login', 'billing'] }, { actionPrefix: 'login' }, {}],
    ['inherited names ignored', { constructor: 'x' }, {}, {}],
  ];
  for (const [name, q, filter, errors] of cases) {
    it(name, () => {
      const r = parseAuditFilter(q);
      expect(r.filter).to.deep.equal(filter);
      expect(r.errors).to.deep.equal(errors);
    });
  }
  it('keeps what was typed for the form', () => {
    expect(parseAuditFilter({ tipo: 'staff', actor: ' Admin ', desde: 'ayer' }).form).to.deep.equal({ actorType: 'staff', actor: 'Admin', customer: '', action: '', from: 'ayer', to: '' });
  });
});

describe('auditQueryString', () => {
  const cases: [string, Parameters<typeof auditQueryString>, string][] = [
    ['empty', [{}], ''],
    ['fields in order, empty ones left out', [{ action: 'billing.', actorType: 'staff', actor: '', from: '2026-11-01' }], '?tipo=staff&accion=billing.&desde=2026-11-01'],
    ['with the next page', [{ customer: '42' }, { at: '2026-11-20T10:00:00.000000Z', id: 9 }], '?cliente=42&antes=2026-11-20T10%3A00%3A00.000000Z%7E9'],
    ['escaped', [{ actor: 'a&b' }], '?actor=a%26b'],
  ];
  for (const [name, args, expected] of cases) it(name, () => expect(auditQueryString(...args)).to.equal(expected));
  it('round-trips through the parser', () => {
    const before = { at: '2026-11-20T10:00:00.123456Z', id: 9 };
    const qs = auditQueryString({ actorType: 'user', actor: '12345678Z', from: '2026-11-01' }, before);
    const r = parseAuditFilter(Object.fromEntries(new URLSearchParams(qs)));
    expect(r.filter).to.deep.equal({ actorType: 'user', actor: { kind: 'name', value: '12345678Z' }, from: '2026-11-01', before });
  });
});

describe('Spanish days as instants', () => {
  const cases: [string, string, string][] = [
    ['winter (UTC+1)', '2026-11-20', '2026-11-19T23:00:00.000Z'],
    ['summer (UTC+2)', '2026-07-01', '2026-06-30T22:00:00.000Z'],
    ['the day clocks go forward', '2026-03-29', '2026-03-28T23:00:00.000Z'],
    ['the day after', '2026-03-30', '2026-03-29T22:00:00.000Z'],
    ['the day clocks go back', '2026-10-25', '2026-10-24T22:00:00.000Z'],
    ['the day after that', '2026-10-26', '2026-10-25T23:00:00.000Z'],
  ];
  for (const [name, day, iso] of cases) it(name, () => expect(startOfDayInSpain(day).toISOString()).to.equal(iso));
  it('a range covers whole days', () => {
    const r = auditTimeRange({ from: '2026-11-01', to: '2026-11-20' });
    expect(r.from?.toISOString()).to.equal('2026-10-31T23:00:00.000Z');
    expect(r.until?.toISOString()).to.equal('2026-11-20T23:00:00.000Z');
  });
  it('the range crosses a month end', () => {
    expect(auditTimeRange({ to: '2026-12-31' }).until?.toISOString()).to.equal('2026-12-31T23:00:00.000Z');
  });
});

describe('audit CSV cells (the shared csvLine)', () => {
  const cases: [string, (string | number | null)[], string][] = [
    ['plain', ['login.succeeded', 'user', 3], 'login.succeeded;user;3\r\n'],
    ['formula prefixes neutralised', ['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)'], `"'=HYPERLINK(""x"")";'+1;'-2;'@SUM(A1)\r\n`],
    ['separator and JSON quoted', ['{"a":"b;c"}'], '"{""a"":""b;c""}"\r\n'],
    ['empty and null', ['', null], ';\r\n'],
    ['line breaks quoted', ['a\nb'], '"a\nb"\r\n'],
  ];
  for (const [name, cells, expected] of cases) it(name, () => expect(csvLine(cells)).to.equal(expected));
});

describe('parseOutboxFilter', () => {
  const cases: [string, Record<string, unknown>, ReturnType<typeof parseOutboxFilter>][] = [
    ['nothing', {}, { filter: { page: 1 }, form: { estado: '', para: '' } }],
    ['failed to an address', { estado: 'failed', para: ' ana@example.com ' }, { filter: { status: 'failed', to: 'ana@example.com', page: 1 }, form: { estado: 'failed', para: 'ana@example.com' } }],
    ['unknown status ignored', { estado: 'dead' }, { filter: { page: 1 }, form: { estado: '', para: '' } }],
    ['page', { pagina: '3' }, { filter: { page: 3 }, form: { estado: '', para: '' } }],
    ['page zero', { pagina: '0' }, { filter: { page: 1 }, form: { estado: '', para: '' } }],
    ['page not a number', { pagina: '2x' }, { filter: { page: 1 }, form: { estado: '', para: '' } }],
  ];
  for (const [name, q, expected] of cases) it(name, () => expect(parseOutboxFilter(q)).to.deep.equal(expected));
});

describe('redactTokens', () => {
  const cases: [string, string, string][] = [
    ['activation link', 'Activa: https://x.es/activar?token=AbC-123_xyz.', 'Activa: https://x.es/activar?token=[…].'],
    ['a second parameter kept', 'https://x.es/r?token=abc&lang=ca', 'https://x.es/r?token=[…]&lang=ca'],
    ['invitation', 'https://x.es/registro/invitacion?token=zzz', 'https://x.es/registro/invitacion?token=[…]'],
    ['no token', 'https://x.es/facturas/12', 'https://x.es/facturas/12'],
  ];
  for (const [name, text, expected] of cases) it(name, () => expect(redactTokens(text)).to.equal(expected));
});
