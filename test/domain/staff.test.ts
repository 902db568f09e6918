import { expect } from 'chai';
import {
  checkReason, evaluateStaffCode, evaluateStaffPassword, formatRecoveryCode, groupSecret, normalizeStaffId, parseCode, roleAllows, staffActionChange,
  type StaffAccount, type StaffAction, type StaffStatus,
} from '../../src/domain/staff';

const NOW = new Date('2026-11-20T10:00:00Z');
const acc = (status: StaffStatus, failedLogins = 0, enrolled = true): StaffAccount => ({ status, failedLogins, enrolled });

describe('domain: staff', () => {
  describe('roleAllows', () => {
    const cases: [Parameters<typeof roleAllows>[0], Parameters<typeof roleAllows>[1], boolean][] = [
      ['agente', undefined, true], ['agente', 'agente', true], ['agente', 'supervisor', false],
      ['supervisor', undefined, true], ['supervisor', 'agente', true], ['supervisor', 'supervisor', true],
    ];
    for (const [role, required, expected] of cases) {
      it(`${role} needing ${required ?? 'any role'} → ${expected}`, () => expect(roleAllows(role, required)).to.equal(expected));
    }
  });

  describe('evaluateStaffPassword', () => {
    const cases: { name: string; account: StaffAccount | null; ok: boolean; expect: Partial<ReturnType<typeof evaluateStaffPassword>> }[] = [
      { name: 'unknown id', account: null, ok: true, expect: { ok: false, outcome: 'unknown', changes: null } },
      { name: 'right password, enrolled: asks the code and resets nothing yet', account: acc('active', 3), ok: true, expect: { ok: true, next: 'code', changes: null } },
      { name: 'right password, not enrolled: enrolment, counter reset', account: acc('active', 2, false), ok: true, expect: { ok: true, next: 'enrol', changes: { failedLogins: 0, lastLoginAt: NOW } } },
      { name: 'wrong password counts', account: acc('active', 1), ok: false, expect: { ok: false, changes: { failedLogins: 2 }, justLocked: false } },
      { name: 'fifth failure locks', account: acc('active', 4), ok: false, expect: { ok: false, justLocked: true, changes: { failedLogins: 5, status: 'locked', lockedAt: NOW } } },
      { name: 'locked with the right password stays a failure', account: acc('locked', 5), ok: true, expect: { ok: false, outcome: 'locked', changes: null } },
      { name: 'disabled with the right password stays a failure', account: acc('disabled'), ok: true, expect: { ok: false, outcome: 'disabled', changes: null } },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const d = evaluateStaffPassword(c.account, c.ok, NOW);
        for (const [k, v] of Object.entries(c.expect)) expect(d[k as keyof typeof d], k).to.deep.equal(v);
      });
    }
  });

  describe('evaluateStaffCode', () => {
    const cases: { name: string; account: StaffAccount; ok: boolean; expect: Partial<ReturnType<typeof evaluateStaffCode>> }[] = [
      { name: 'right code resets the counter', account: acc('active', 3), ok: true, expect: { ok: true, next: 'done', changes: { failedLogins: 0, lastLoginAt: NOW } } },
      { name: 'wrong code counts like a wrong password', account: acc('active', 3), ok: false, expect: { ok: false, changes: { failedLogins: 4 } } },
      { name: 'fifth wrong code locks', account: acc('active', 4), ok: false, expect: { ok: false, justLocked: true } },
      { name: 'locked: even a right code fails', account: acc('locked', 5), ok: true, expect: { ok: false, outcome: 'locked' } },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const d = evaluateStaffCode(c.account, c.ok, NOW);
        for (const [k, v] of Object.entries(c.expect)) expect(d[k as keyof typeof d], k).to.deep.equal(v);
      });
    }
  });

  describe('parseCode', () => {
    const cases: [string, ReturnType<typeof parseCode>][] = [
      ['123456', { kind: 'totp', code: '123456' }],
      [' 123 456 ', { kind: 'totp', code: '123456' }],
      ['12345', { kind: 'invalid' }],
      ['1234567', { kind: 'invalid' }],
      ['ABCD-EFGH-JKLM', { kind: 'recovery', code: 'ABCDEFGHJKLM' }],
      ['abcd efgh jkmn', { kind: 'recovery', code: 'ABCDEFGHJKMN' }],
      ['ABCD-EFGH-JKL0', { kind: 'invalid' }], // 0 is not in the alphabet
      ['', { kind: 'invalid' }],
    ];
    for (const [input, expected] of cases) it(`"${input}"`, () => expect(parseCode(input)).to.deep.equal(expected));
  });

  describe('recovery codes and secrets', () => {
    it('formats 12 bytes as three groups that parse back', () => {
      const code = formatRecoveryCode(new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 31]));
      expect(code).to.match(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      expect(parseCode(code).kind).to.equal('recovery');
    });
    it('refuses fewer than 12 bytes', () => expect(() => formatRecoveryCode(new Uint8Array(4))).to.throw(RangeError));
    const groups: [string, string][] = [['ABCDEFGH', 'ABCD EFGH'], ['ABCDEFGHIJ', 'ABCD EFGH IJ'], ['', '']];
    for (const [s, g] of groups) it(`groups "${s}"`, () => expect(groupSecret(s)).to.equal(g));
  });

  describe('staffActionChange', () => {
    const cases: [StaffAction, StaffStatus, number, ReturnType<typeof staffActionChange>][] = [
      ['disable', 'active', 2, { status: 'disabled', endSessions: true }],
      ['disable', 'locked', 2, { status: 'disabled', endSessions: true }],
      ['disable', 'disabled', 2, 'already_disabled'],
      ['enable', 'disabled', 2, { status: 'active', failedLogins: 0, lockedAt: null, endSessions: false }],
      ['enable', 'active', 2, 'not_disabled'],
      ['unlock', 'locked', 2, { status: 'active', failedLogins: 0, lockedAt: null, endSessions: false }],
      ['unlock', 'active', 2, 'not_locked'],
      ['unlock', 'disabled', 2, 'not_locked'],
      ['reset_2fa', 'active', 2, { resetSecondFactor: true, resetPassword: true, endSessions: true }],
      ['reset_password', 'locked', 2, { resetPassword: true, endSessions: true }],
      ['disable', 'active', 1, 'self'],
      ['reset_2fa', 'active', 1, 'self'],
    ];
    for (const [action, status, targetId, expected] of cases) {
      it(`${action} on ${status}${targetId === 1 ? ' (self)' : ''}`, () => expect(staffActionChange(action, { id: targetId, status }, 1)).to.deep.equal(expected));
    }
  });

  describe('normalizeStaffId and checkReason', () => {
    const ids: [string, string | null][] = [['admin', 'admin'], [' M.Garcia ', 'm.garcia'], ['ab', null], ['1abc', null], ['a b c', null], ['agente_2', 'agente_2']];
    for (const [input, out] of ids) {
      it(`staff id "${input}"`, () => {
        const r = normalizeStaffId(input);
        expect(r.ok ? r.value : null).to.equal(out);
      });
    }
    const reasons: [string, string][] = [['', 'required'], ['   ', 'required'], ['ok', 'too_short'], ['x'.repeat(501), 'too_long'], ['Llamada del cliente', 'ok']];
    for (const [input, out] of reasons) {
      it(`reason "${input.slice(0, 20)}" → ${out}`, () => {
        const r = checkReason(input);
        expect(r.ok ? 'ok' : r.problem).to.equal(out);
      });
    }
  });
});
