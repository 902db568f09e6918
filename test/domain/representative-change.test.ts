import { expect } from 'chai';
import {
  hasRepresentative, planRepresentativeApproval, representativeNif, validateRepresentativeChange,
  type Candidate, type CustomerLink, type LinkChange, type PreviousOutcome, type RepresentativeChangeForm,
} from '../../src/domain/representative-change';

const contacts: Candidate[] = [
  { linkId: 11, userId: 101, loginId: '12345678Z', name: 'Ana Gil', email: 'ana@example.com' },
  { linkId: 12, userId: 102, loginId: '87654321X', name: 'Luis Mas', email: 'luis@example.com' },
];
const base: RepresentativeChangeForm = { choice: '', nif: '', name: '', email: '', documentType: 'poder_notarial', previous: 'authorized_full' };

describe('representative change: who has one', () => {
  const cases: [Parameters<typeof hasRepresentative>[0], boolean][] = [['company', true], ['community', true], ['individual', false]];
  for (const [kind, expected] of cases) it(`${kind} → ${expected}`, () => expect(hasRepresentative(kind)).to.equal(expected));
});

describe('representative change: the NIF of a representative', () => {
  const cases: [string, string | null][] = [
    ['12345678Z', '12345678Z'], [' 12.345.678-z ', '12345678Z'], ['X1234567L', 'X1234567L'],
    ['B81234569', null], ['12345678A', null], ['AB123456', null], ['', null],
  ];
  for (const [raw, expected] of cases) it(`${JSON.stringify(raw)} → ${expected}`, () => expect(representativeNif(raw)).to.equal(expected));
});

describe('representative change: the form', () => {
  const cases: [string, Partial<RepresentativeChangeForm>, string | null, ReturnType<typeof validateRepresentativeChange>][] = [
    ['an active contact', { choice: 'contact:11' }, null,
      { ok: true, value: { nif: '12345678Z', name: 'Ana Gil', email: 'ana@example.com', userId: 101, documentType: 'poder_notarial', previous: 'authorized_full' } }],
    ['a new person by NIF', { choice: 'new', nif: '71234567w', name: '  Marta   Ruiz ', email: 'marta@example.com', documentType: 'escritura_constitucion', previous: 'revoke' }, null,
      { ok: true, value: { nif: '71234567W', name: 'Marta Ruiz', email: 'marta@example.com', userId: null, documentType: 'escritura_constitucion', previous: 'revoke' } }],
    ['nothing chosen', {}, null, { ok: false, errors: [{ field: 'choice', code: 'required' }] }],
    ['a contact of another customer (or deactivated)', { choice: 'contact:99' }, null, { ok: false, errors: [{ field: 'choice', code: 'unknown_contact' }] }],
    ['a new person without data', { choice: 'new' }, null,
      { ok: false, errors: [{ field: 'nif', code: 'required' }, { field: 'name', code: 'required' }, { field: 'email', code: 'required' }] }],
    ['a CIF as the new representative', { choice: 'new', nif: 'B81234569', name: 'Empresa', email: 'a@b.es' }, null, { ok: false, errors: [{ field: 'nif', code: 'nif' }] }],
    ['a bad email', { choice: 'new', nif: '71234567W', name: 'Marta Ruiz', email: 'marta@' }, null, { ok: false, errors: [{ field: 'email', code: 'email' }] }],
    ['the representative already on file (new person)', { choice: 'new', nif: '71234567W', name: 'Marta Ruiz', email: 'marta@example.com' }, '71234567W',
      { ok: false, errors: [{ field: 'nif', code: 'same_as_current' }] }],
    ['the representative already on file (contact)', { choice: 'contact:12' }, '87654321X', { ok: false, errors: [{ field: 'choice', code: 'same_as_current' }] }],
    ['no document type', { choice: 'contact:11', documentType: 'dni' }, null, { ok: false, errors: [{ field: 'documentType', code: 'required' }] }],
    ['no decision on the previous representative', { choice: 'contact:11', previous: 'keep' }, null, { ok: false, errors: [{ field: 'previous', code: 'required' }] }],
  ];
  for (const [label, form, currentNif, expected] of cases) {
    it(label, () => expect(validateRepresentativeChange({ ...base, ...form }, { contacts, currentNif })).to.deep.equal(expected));
  }
});

describe('representative change: approval', () => {
  const rep: CustomerLink = { linkId: 1, userId: 100, role: 'representative', status: 'active' };
  const full: CustomerLink = { linkId: 2, userId: 101, role: 'authorized_full', status: 'active' };
  const read: CustomerLink = { linkId: 3, userId: 102, role: 'authorized_read', status: 'active' };
  const invited: CustomerLink = { linkId: 4, userId: 103, role: 'authorized_read', status: 'invited' };
  const cases: [string, CustomerLink[], number | null, PreviousOutcome, LinkChange[]][] = [
    ['a total contact becomes representative, roles swap', [rep, full, read], 101, 'authorized_full', [
      { kind: 'set_role', linkId: 1, userId: 100, role: 'authorized_full' }, { kind: 'set_role', linkId: 2, userId: 101, role: 'representative' }]],
    ['a read-only contact becomes representative, the old one leaves', [rep, full, read], 102, 'revoke', [
      { kind: 'revoke', linkId: 1, userId: 100 }, { kind: 'set_role', linkId: 3, userId: 102, role: 'representative' }]],
    ['an invited contact is activated as representative', [rep, invited], 103, 'authorized_full', [
      { kind: 'set_role', linkId: 1, userId: 100, role: 'authorized_full' }, { kind: 'set_role', linkId: 4, userId: 103, role: 'representative' }]],
    ['a registered user without a link gets one', [rep, full], 200, 'authorized_full', [
      { kind: 'set_role', linkId: 1, userId: 100, role: 'authorized_full' }, { kind: 'insert', userId: 200, role: 'representative' }]],
    ['a person not registered yet: only the old representative changes', [rep, full], null, 'authorized_full', [
      { kind: 'set_role', linkId: 1, userId: 100, role: 'authorized_full' }]],
    ['no representative link before (never registered)', [full], 101, 'authorized_full', [
      { kind: 'set_role', linkId: 2, userId: 101, role: 'representative' }]],
    ['the new person already is the representative user: nothing to do', [rep], 100, 'authorized_full', []],
    ['revoked links are history and stay as they are', [{ ...rep, status: 'revoked' }], 200, 'revoke', [{ kind: 'insert', userId: 200, role: 'representative' }]],
  ];
  for (const [label, links, newUserId, previous, expected] of cases) {
    it(label, () => expect(planRepresentativeApproval({ links, newUserId, previous })).to.deep.equal(expected));
  }
});
