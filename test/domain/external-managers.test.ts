import { expect } from 'chai';
import {
  canRevoke, canTransition, isLive, MANAGER_STATUSES, MAX_PENDING_APPOINTMENTS, transitionManager, validateAppointment,
  type AppointmentInput, type ManagerStatus,
} from '../../src/domain/external-managers';
import { DomainError } from '../../src/domain/errors';
import { cif, nif } from '../../src/demo/plan';

describe('external manager life cycle', () => {
  const allowed: Record<ManagerStatus, ManagerStatus[]> = {
    pending_review: ['active', 'rejected', 'revoked'],
    active: ['revoked'],
    rejected: [],
    revoked: [],
  };
  for (const from of MANAGER_STATUSES) {
    for (const to of MANAGER_STATUSES) {
      const ok = allowed[from].includes(to);
      it(`${from} → ${to}: ${ok ? 'allowed' : 'refused'}`, () => {
        expect(canTransition(from, to)).to.equal(ok);
        if (ok) expect(transitionManager(from, to)).to.equal(to);
        else expect(() => transitionManager(from, to)).to.throw(DomainError).with.property('code', 'conflict');
      });
    }
  }
  const table: [ManagerStatus, boolean, boolean][] = [
    // status, revocable by the client, live (unique per client and gestoría)
    ['pending_review', true, true],
    ['active', true, true],
    ['rejected', false, false],
    ['revoked', false, false],
  ];
  for (const [status, revocable, live] of table) {
    it(`${status}: revocable ${revocable}, live ${live}`, () => {
      expect(canRevoke(status)).to.equal(revocable);
      expect(isLive(status)).to.equal(live);
    });
  }
});

describe('appointing an external manager', () => {
  const gestoria = cif('B', 6_543_210);
  const client = cif('B', 6_543_211);
  const rep = nif(44_556_677);
  const good: AppointmentInput = { managerTaxId: gestoria, managerName: 'Gestoría López S.L.', representativeNif: rep, representativeEmail: 'Ana@Gestoria.example' };
  const ctx = { clientTaxId: client, pendingAppointments: 0 };

  it('normalises what was typed', () => {
    const r = validateAppointment({ ...good, managerTaxId: ` ${gestoria.toLowerCase().slice(0, 1)}-${gestoria.slice(1)} `, managerName: '  Gestoría   López S.L. ', representativeNif: rep.toLowerCase() }, ctx);
    expect(r).to.deep.equal({ ok: true, value: { managerTaxId: gestoria, managerName: 'Gestoría López S.L.', representativeNif: rep, representativeEmail: 'ana@gestoria.example' } });
  });

  const cases: [string, Partial<AppointmentInput>, Partial<typeof ctx>, string, string][] = [
    ['CIF missing', { managerTaxId: ' ' }, {}, 'managerTaxId', 'required'],
    ['CIF with a wrong control', { managerTaxId: gestoria.slice(0, 8) + (gestoria.endsWith('1') ? '2' : '1') }, {}, 'managerTaxId', 'invalid'],
    ['a personal NIF instead of a CIF', { managerTaxId: rep }, {}, 'managerTaxId', 'invalid'],
    ['the client itself', { managerTaxId: client }, {}, 'managerTaxId', 'self'],
    ['too many pending', {}, { pendingAppointments: MAX_PENDING_APPOINTMENTS }, 'managerTaxId', 'too_many_pending'],
    ['name missing', { managerName: '' }, {}, 'managerName', 'required'],
    ['name too long', { managerName: 'x'.repeat(201) }, {}, 'managerName', 'too_long'],
    ['representative NIF missing', { representativeNif: '' }, {}, 'representativeNif', 'required'],
    ['representative with a CIF', { representativeNif: gestoria }, {}, 'representativeNif', 'invalid'],
    ['representative NIF with a wrong letter', { representativeNif: rep.slice(0, 8) + (rep.endsWith('A') ? 'B' : 'A') }, {}, 'representativeNif', 'invalid'],
    ['email missing', { representativeEmail: '' }, {}, 'representativeEmail', 'required'],
    ['email without domain', { representativeEmail: 'ana@' }, {}, 'representativeEmail', 'invalid'],
  ];
  for (const [name, change, ctxChange, field, code] of cases) {
    it(`refuses: ${name}`, () => {
      const r = validateAppointment({ ...good, ...change }, { ...ctx, ...ctxChange });
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.errors).to.deep.include({ field, code });
    });
  }

  it('accepts fewer pending appointments than the limit', () => {
    expect(validateAppointment(good, { ...ctx, pendingAppointments: MAX_PENDING_APPOINTMENTS - 1 }).ok).to.equal(true);
  });
});
