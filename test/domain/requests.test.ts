import { expect } from 'chai';
import { todayInSpain } from '../../src/domain/time';
import { allowedTransitions, complaintDeadline, complaintDeadlineDay, formatReference, isFinal, transition, type RequestStatus } from '../../src/domain/requests';
import { DomainError } from '../../src/domain/errors';

describe('request state machine', () => {
  const all: RequestStatus[] = ['recibida', 'en_tramite', 'completada', 'rechazada'];
  const allowed: Record<RequestStatus, RequestStatus[]> = {
    recibida: ['en_tramite', 'completada', 'rechazada'],
    en_tramite: ['completada', 'rechazada'],
    completada: [],
    rechazada: [],
  };
  for (const from of all) {
    for (const to of all) {
      const ok = allowed[from].includes(to);
      it(`${from} → ${to}: ${ok ? 'allowed' : 'refused'}`, () => {
        if (ok) expect(transition(from, to, 'motivo')).to.equal(to);
        else expect(() => transition(from, to, 'motivo')).to.throw(DomainError).with.property('code', 'conflict');
      });
    }
  }
  it('lists the allowed moves and knows final states', () => {
    expect(allowedTransitions('recibida')).to.deep.equal(['en_tramite', 'completada', 'rechazada']);
    expect(isFinal('completada')).to.equal(true);
    expect(isFinal('rechazada')).to.equal(true);
    expect(isFinal('en_tramite')).to.equal(false);
  });
  it('needs a reason to reject', () => {
    expect(() => transition('recibida', 'rechazada')).to.throw(DomainError).with.property('code', 'invalid_input');
    expect(() => transition('recibida', 'rechazada', '   ')).to.throw(DomainError);
    expect(transition('recibida', 'rechazada', 'Falta la escritura')).to.equal('rechazada');
  });
});

describe('request references and deadlines', () => {
  const refs: [number, number, string][] = [[2026, 123, 'G-2026-000123'], [2026, 1, 'G-2026-000001'], [2027, 999999, 'G-2027-999999']];
  for (const [y, n, ref] of refs) it(`${y}/${n} → ${ref}`, () => expect(formatReference(y, n)).to.equal(ref));
  const deadlines: [string, string][] = [
    ['2026-11-20T10:00:00.000Z', '2026-12-20T10:00:00.000Z'],
    ['2026-01-31T09:00:00.000Z', '2026-02-28T09:00:00.000Z'],
    ['2028-01-31T09:00:00.000Z', '2028-02-29T09:00:00.000Z'],
    ['2026-12-15T00:00:00.000Z', '2027-01-15T00:00:00.000Z'],
  ];
  for (const [from, to] of deadlines) it(`complaint filed ${from} is answered by ${to}`, () => expect(complaintDeadline(new Date(from)).toISOString()).to.equal(to));
  // counted on Madrid's calendar, whatever the UTC date
  const days: [string, string][] = [
    ['2026-11-30T23:30:00.000Z', '2027-01-01'],
    ['2026-11-30T22:30:00.000Z', '2026-12-30'],
    ['2026-01-31T23:30:00.000Z', '2026-03-01'],
    ['2026-03-31T21:30:00.000Z', '2026-04-30'],
    ['2026-09-30T22:30:00.000Z', '2026-11-01'],
    ['2027-01-03T09:00:00.000Z', '2027-02-03'],
  ];
  for (const [from, day] of days) {
    it(`complaint filed ${from} is due on ${day} in Madrid`, () => {
      expect(complaintDeadlineDay(new Date(from))).to.equal(day);
      expect(todayInSpain(complaintDeadline(new Date(from)))).to.equal(day);
    });
  }
});
