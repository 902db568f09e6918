import { expect } from 'chai';
import {
  checkDecision, checkStatusChange, filterQuery, isPendingReview, nextDay, parseAdminRequestFilter, parseDay, payloadEntries, startOfDayInSpain, statusOptions, NOTE_MAX,
} from '../../src/domain/admin-requests';
import type { RequestStatus, RequestType } from '../../src/domain/requests';

describe('admin request filters', () => {
  const cases: [string, Record<string, unknown>, ReturnType<typeof parseAdminRequestFilter>][] = [
    ['empty', {}, { page: 1 }],
    ['type and status', { tipo: 'complaint', estado: 'en_tramite' }, { type: 'complaint', status: 'en_tramite', page: 1 }],
    ['unknown type and status are ignored', { tipo: 'x', estado: 'abierta' }, { page: 1 }],
    ['search normalised', { q: ' b-8123.4569 ' }, { q: 'B81234569', page: 1 }],
    ['blank search ignored', { q: '   ' }, { page: 1 }],
    ['assigned to me', { asignada: 'yo' }, { assigned: { kind: 'me' }, page: 1 }],
    ['unassigned', { asignada: 'nadie' }, { assigned: { kind: 'none' }, page: 1 }],
    ['a staff member', { asignada: '7' }, { assigned: { kind: 'staff', staffId: 7 }, page: 1 }],
    ['bad staff id', { asignada: '-1' }, { page: 1 }],
    ['date range', { desde: '2026-11-01', hasta: '2026-11-30' }, { from: '2026-11-01', to: '2026-11-30', page: 1 }],
    ['reversed range swapped', { desde: '2026-11-30', hasta: '2026-11-01' }, { from: '2026-11-01', to: '2026-11-30', page: 1 }],
    ['impossible date ignored', { desde: '2026-02-30' }, { page: 1 }],
    ['page', { pagina: '3' }, { page: 3 }],
    ['silly page', { pagina: '0' }, { page: 1 }],
    ['array parameter ignored', { tipo: ['complaint', 'x'], q: ['a'] }, { page: 1 }],
  ];
  for (const [name, query, expected] of cases) it(name, () => expect(parseAdminRequestFilter(query)).to.deep.equal(expected));

  it('round-trips through the query string', () => {
    const f = parseAdminRequestFilter({ tipo: 'complaint', estado: 'recibida', q: 'G-2026-000001', asignada: 'nadie', desde: '2026-11-01', hasta: '2026-11-02', pagina: '2' });
    expect(parseAdminRequestFilter(Object.fromEntries(new URLSearchParams(filterQuery(f))))).to.deep.equal(f);
    expect(filterQuery(f, 1)).not.to.include('pagina');
  });

  const days: [unknown, string | undefined][] = [['2026-11-20', '2026-11-20'], ['2024-02-29', '2024-02-29'], ['2026-02-29', undefined], ['20-11-2026', undefined], [5, undefined], ['1999-01-01', undefined]];
  for (const [v, out] of days) it(`day ${String(v)} → ${out}`, () => expect(parseDay(v)).to.equal(out));
});

describe('admin status change', () => {
  const cases: [string, RequestType, RequestStatus, string, string, boolean | string][] = [
    ['complaint in progress', 'complaint', 'recibida', 'en_tramite', '', true],
    ['a reading completed with a note', 'meter_reading', 'en_tramite', 'completada', 'Registrada', true],
    ['a complaint is completed by its resolution, not here', 'complaint', 'en_tramite', 'completada', 'Resuelta', 'status:use_effect'],
    ['a power change is completed by the distributor answer', 'power_change', 'en_tramite', 'completada', '', 'status:use_effect'],
    ['nor sent to the distributor from here', 'power_change', 'recibida', 'en_tramite', '', 'status:use_effect'],
    ['rejection needs a note', 'complaint', 'recibida', 'rechazada', '  ', 'note:required_for_rejection'],
    ['rejection with a note', 'power_change', 'recibida', 'rechazada', 'Potencia no normalizada', true],
    ['finished requests do not move', 'complaint', 'completada', 'en_tramite', '', 'status:not_allowed'],
    ['no going back', 'complaint', 'en_tramite', 'recibida', '', 'status:not_allowed'],
    ['unknown status', 'complaint', 'recibida', 'cerrada', '', 'status:not_allowed'],
    ['no status', 'complaint', 'recibida', '', '', 'status:required'],
    ['review types may be taken in hand', 'representative_change', 'recibida', 'en_tramite', '', true],
    ['review types are not completed here', 'representative_change', 'recibida', 'completada', 'ok', 'status:use_review'],
    ['nor rejected here', 'external_manager', 'en_tramite', 'rechazada', 'no', 'status:use_review'],
    ['cif migration too', 'cif_migration', 'recibida', 'completada', '', 'status:use_review'],
    ['note too long', 'complaint', 'recibida', 'en_tramite', 'x'.repeat(NOTE_MAX + 1), 'note:too_long'],
  ];
  for (const [name, type, from, to, note, expected] of cases) {
    it(name, () => {
      const r = checkStatusChange({ type, from, to, note });
      if (expected === true) expect(r).to.deep.equal({ ok: true, to, note: note.trim() || null });
      else {
        expect(r.ok).to.equal(false);
        if (!r.ok) expect(r.errors.map((e) => `${e.field}:${e.code}`)).to.include(expected);
      }
    });
  }

  it('offers only the moves the form may make', () => {
    expect(statusOptions('complaint', 'recibida')).to.deep.equal(['en_tramite', 'rechazada']);
    expect(statusOptions('meter_reading', 'recibida')).to.deep.equal(['en_tramite', 'completada', 'rechazada']);
    expect(statusOptions('power_change', 'recibida')).to.deep.equal(['rechazada']);
    expect(statusOptions('power_change', 'en_tramite')).to.deep.equal(['rechazada']);
    expect(statusOptions('complaint', 'completada')).to.deep.equal([]);
    expect(statusOptions('cif_migration', 'recibida')).to.deep.equal(['en_tramite']);
    expect(statusOptions('cif_migration', 'en_tramite')).to.deep.equal([]);
    // a card payment follows its gateway order
    expect(statusOptions('card_payment', 'recibida')).to.deep.equal([]);
    expect(checkStatusChange({ type: 'card_payment', from: 'recibida', to: 'completada', note: '' }).ok).to.equal(false);
  });
});

describe('admin decisions', () => {
  it('a rejection needs a reason', () => {
    expect(checkDecision('reject', ' ')).to.deep.equal({ ok: false, error: { field: 'note', code: 'reason_required' } });
    expect(checkDecision('reject', ' Falta el poder ')).to.deep.equal({ ok: true, note: 'Falta el poder' });
  });
  it('an approval note is optional', () => {
    expect(checkDecision('approve', '')).to.deep.equal({ ok: true, note: null });
    expect(checkDecision('approve', 'Correcto')).to.deep.equal({ ok: true, note: 'Correcto' });
  });
  it('notes have a limit', () => expect(checkDecision('approve', 'x'.repeat(NOTE_MAX + 1)).ok).to.equal(false));
  const pending: [RequestType, RequestStatus, boolean][] = [
    ['representative_change', 'recibida', true], ['external_manager', 'en_tramite', true], ['cif_migration', 'completada', false], ['complaint', 'recibida', false],
  ];
  for (const [type, status, p] of pending) it(`${type}/${status} pending review: ${p}`, () => expect(isPendingReview({ type, status })).to.equal(p));
});

describe('payload for reviewers', () => {
  it('flattens one level and skips empty values', () => {
    expect(payloadEntries({ a: 'x', b: '', c: null, d: 3, e: ['p', 'q'], f: { g: 1, h: '' }, i: true })).to.deep.equal([
      { key: 'a', value: 'x' }, { key: 'd', value: '3' }, { key: 'e', value: 'p, q' }, { key: 'f.g', value: '1' }, { key: 'i', value: 'true' },
    ]);
    expect(payloadEntries(null)).to.deep.equal([]);
  });
});

describe('days in Spain', () => {
  const cases: [string, string][] = [['2026-11-20', '2026-11-19T23:00:00.000Z'], ['2026-07-01', '2026-06-30T22:00:00.000Z'], ['2026-03-29', '2026-03-28T23:00:00.000Z'], ['2026-10-25', '2026-10-24T22:00:00.000Z']];
  for (const [day, iso] of cases) it(`${day} starts at ${iso}`, () => expect(startOfDayInSpain(day).toISOString()).to.equal(iso));
  it('next day across months', () => expect(nextDay('2026-12-31')).to.equal('2027-01-01'));
});
