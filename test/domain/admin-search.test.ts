import { expect } from 'chai';
import { classifySearch, parsePage, type SearchTerm } from '../../src/domain/admin-search';
import { checkReason, supportActionApplies, type SupportAction } from '../../src/domain/admin-support';
import type { AccountStatus } from '../../src/domain/accounts';

describe('classifySearch', () => {
  const cases: [string, SearchTerm][] = [
    ['', { kind: 'empty' }],
    ['   ', { kind: 'empty' }],
    ['a', { kind: 'too_short', value: 'a' }],
    ['12345678Z', { kind: 'tax_id', value: '12345678Z', valid: true }],
    ['12.345.678-z', { kind: 'tax_id', value: '12345678Z', valid: true }],
    ['12345678A', { kind: 'tax_id', value: '12345678A', valid: false }],
    ['x1234567l', { kind: 'tax_id', value: 'X1234567L', valid: true }],
    ['B81234569', { kind: 'tax_id', value: 'B81234569', valid: true }],
    ['B-81234568', { kind: 'tax_id', value: 'B81234568', valid: false }],
    ['H28123453', { kind: 'tax_id', value: 'H28123453', valid: true }],
    ['12345678', { kind: 'dni_digits', value: '12345678' }],
    ['ES0031 1234 5678 9012 BF', { kind: 'cups', value: 'ES0031123456789012BF' }],
    ['ES0031123456789012BF1F', { kind: 'cups', value: 'ES0031123456789012BF1F' }],
    ['ES91 2100 0418 4502 0005 1332', { kind: 'iban', value: 'ES9121000418450200051332' }],
    ['DE89370400440532013000', { kind: 'iban', value: 'DE89370400440532013000' }],
    ['100000000001', { kind: 'account_number', value: '100000000001' }],
    ['fe26 00000123', { kind: 'invoice_number', value: 'FE2600000123' }],
    ['Maria.Garcia@Example.com', { kind: 'email', value: 'maria.garcia@example.com' }],
    ['García López', { kind: 'name', value: 'García López' }],
    ['  Panadería   Ruiz ', { kind: 'name', value: 'Panadería Ruiz' }],
    ['50%_off', { kind: 'name', value: '50%_off' }],
    ['AB12', { kind: 'name', value: 'AB12' }],
    // a CIF shape with a wrong control may still be a (Chinese) passport: looked up, with a hint
    ['E12345678', { kind: 'tax_id', value: 'E12345678', valid: false }],
    ['AB1234567', { kind: 'tax_id', value: 'AB1234567', valid: true }],
  ];
  for (const [raw, expected] of cases) {
    it(`${JSON.stringify(raw)} → ${expected.kind}`, () => expect(classifySearch(raw)).to.deep.equal(expected));
  }
});

describe('parsePage', () => {
  const cases: [unknown, number][] = [[undefined, 1], ['', 1], ['3', 3], ['0', 1], ['-2', 1], ['abc', 1], [['4', '5'], 4], ['999999', 1]];
  for (const [raw, expected] of cases) it(`${JSON.stringify(raw)} → ${expected}`, () => expect(parsePage(raw)).to.equal(expected));
});

describe('supportActionApplies', () => {
  const statuses: AccountStatus[] = ['pending', 'active', 'locked', 'disabled'];
  const table: Record<SupportAction, AccountStatus[]> = {
    desbloquear: ['locked'],
    'reenviar-activacion': ['pending'],
    'cerrar-sesiones': statuses,
    'corregir-email': statuses,
  };
  for (const [action, allowed] of Object.entries(table) as [SupportAction, AccountStatus[]][]) {
    for (const status of statuses) {
      const expected = allowed.includes(status);
      it(`${action} on a ${status} user → ${expected}`, () => expect(supportActionApplies(action, status)).to.equal(expected));
    }
  }
});

describe('checkReason', () => {
  const cases: [string, ReturnType<typeof checkReason>][] = [
    ['', { ok: false, code: 'required' }],
    ['   \n ', { ok: false, code: 'required' }],
    ['corto', { ok: false, code: 'too_short' }],
    ['a    b    c', { ok: false, code: 'too_short' }],
    ['Llamada de la titular', { ok: true, value: 'Llamada de la titular' }],
    ['  Llamada\n de la   titular ', { ok: true, value: 'Llamada de la titular' }],
    ['x'.repeat(1001), { ok: false, code: 'too_long' }],
  ];
  for (const [raw, expected] of cases) it(`${JSON.stringify(raw.slice(0, 30))} → ${expected.ok ? 'ok' : expected.code}`, () => expect(checkReason(raw)).to.deep.equal(expected));
});
