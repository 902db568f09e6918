import { expect } from 'chai';
import { planCifMigration, validateCifMigration, type MigrationCustomer, type MigrationLink, type MigrationPlan } from '../../src/domain/cif-migration';

describe('CIF migration: the form', () => {
  const cases: [string, { cif: string; documentType: string }, ReturnType<typeof validateCifMigration>][] = [
    ['a valid CIF and document', { cif: ' b-81234569 ', documentType: 'poder_notarial' }, { ok: true, value: { cif: 'B81234569', documentType: 'poder_notarial' } }],
    ['nothing', { cif: '', documentType: '' }, { ok: false, errors: [{ field: 'cif', code: 'required' }, { field: 'documentType', code: 'required' }] }],
    ['a personal NIF instead of a CIF', { cif: '12345678Z', documentType: 'poder_notarial' }, { ok: false, errors: [{ field: 'cif', code: 'cif' }] }],
    ['a CIF with a wrong control digit', { cif: 'B81234560', documentType: 'escritura_constitucion' }, { ok: false, errors: [{ field: 'cif', code: 'cif' }] }],
  ];
  for (const [label, form, expected] of cases) it(label, () => expect(validateCifMigration(form)).to.deep.equal(expected));
});

describe('CIF migration: what approval moves', () => {
  const CIF = 'B81234569';
  const company: MigrationCustomer = { id: 1, taxId: CIF, kind: 'company' };
  const client: MigrationCustomer = { id: 2, taxId: 'H28123453', kind: 'community' };
  const other: MigrationCustomer = { id: 3, taxId: 'B65432106', kind: 'company' };
  const customers = [company, client, other];
  const cases: [string, MigrationLink[], MigrationLink[], MigrationPlan][] = [
    ['the company moves to the NIF as representative', [{ linkId: 10, customerId: 1, role: 'representative' }], [], {
      steps: [{ kind: 'insert', customerId: 1, role: 'representative' }, { kind: 'revoke_old', linkId: 10, customerId: 1 }], representativeOf: [1] }],
    ['a holder link of the CIF account on its company also becomes representative', [{ linkId: 10, customerId: 1, role: 'holder' }], [], {
      steps: [{ kind: 'insert', customerId: 1, role: 'representative' }, { kind: 'revoke_old', linkId: 10, customerId: 1 }], representativeOf: [1] }],
    ['other links keep their role (no one gains more than the CIF account had)', [{ linkId: 10, customerId: 1, role: 'representative' }, { linkId: 11, customerId: 2, role: 'authorized_read' }], [], {
      steps: [{ kind: 'insert', customerId: 1, role: 'representative' }, { kind: 'revoke_old', linkId: 10, customerId: 1 },
        { kind: 'insert', customerId: 2, role: 'authorized_read' }, { kind: 'revoke_old', linkId: 11, customerId: 2 }], representativeOf: [1] }],
    ['an existing contact link of the NIF account is upgraded', [{ linkId: 10, customerId: 1, role: 'representative' }], [{ linkId: 20, customerId: 1, role: 'authorized_read' }], {
      steps: [{ kind: 'set_role', linkId: 20, customerId: 1, role: 'representative' }, { kind: 'revoke_old', linkId: 10, customerId: 1 }], representativeOf: [1] }],
    ['a stronger link of the NIF account is never downgraded', [{ linkId: 11, customerId: 3, role: 'authorized_read' }], [{ linkId: 21, customerId: 3, role: 'authorized_full' }], {
      steps: [{ kind: 'revoke_old', linkId: 11, customerId: 3 }, { kind: 'insert', customerId: 1, role: 'representative' }], representativeOf: [1] }],
    ['the company joins even if the CIF account had lost its link', [], [], {
      steps: [{ kind: 'insert', customerId: 1, role: 'representative' }], representativeOf: [1] }],
  ];
  for (const [label, cifLinks, nifLinks, expected] of cases) {
    it(label, () => expect(planCifMigration({ cif: CIF, cifLinks, nifLinks, customers })).to.deep.equal(expected));
  }
  it('nothing to move when there is neither a CIF account nor a customer with that CIF', () => {
    expect(planCifMigration({ cif: 'B46234563', cifLinks: [], nifLinks: [], customers: [client] })).to.deep.equal({ steps: [], representativeOf: [] });
  });
});
