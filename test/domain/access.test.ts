import { expect } from 'chai';
import { accessTo, can, type Action, type LinkRole, type ManagerRelation, type UserLink } from '../../src/domain/access';

const C = 10; // the customer acted on
const G = 20; // a gestoría
const OTHER = 30;

const activeManager: ManagerRelation[] = [{ customerId: C, managerCustomerId: G, status: 'active' }];

describe('access table (DESIGN.md rule 18)', () => {
  const cases: [string, UserLink[], ManagerRelation[], Record<Action, boolean>][] = [
    ['holder', [{ customerId: C, role: 'holder', status: 'active' }], [], { read: true, act: true, manage_contacts: true }],
    ['representative', [{ customerId: C, role: 'representative', status: 'active' }], [], { read: true, act: true, manage_contacts: true }],
    ['authorized_full', [{ customerId: C, role: 'authorized_full', status: 'active' }], [], { read: true, act: true, manage_contacts: false }],
    ['authorized_read', [{ customerId: C, role: 'authorized_read', status: 'active' }], [], { read: true, act: false, manage_contacts: false }],
    ['gestoría representative', [{ customerId: G, role: 'representative', status: 'active' }], activeManager, { read: true, act: true, manage_contacts: false }],
    ['gestoría authorized_full', [{ customerId: G, role: 'authorized_full', status: 'active' }], activeManager, { read: true, act: true, manage_contacts: false }],
    ['gestoría authorized_read', [{ customerId: G, role: 'authorized_read', status: 'active' }], activeManager, { read: true, act: false, manage_contacts: false }],
    ['gestoría whose appointment is pending', [{ customerId: G, role: 'representative', status: 'active' }], [{ customerId: C, managerCustomerId: G, status: 'pending_review' }], { read: false, act: false, manage_contacts: false }],
    ['gestoría revoked by the client', [{ customerId: G, role: 'representative', status: 'active' }], [{ customerId: C, managerCustomerId: G, status: 'revoked' }], { read: false, act: false, manage_contacts: false }],
    ['revoked contact', [{ customerId: C, role: 'authorized_full', status: 'revoked' }], [], { read: false, act: false, manage_contacts: false }],
    ['invited, not yet accepted', [{ customerId: C, role: 'authorized_full', status: 'invited' }], [], { read: false, act: false, manage_contacts: false }],
    ['unrelated customer', [{ customerId: OTHER, role: 'holder', status: 'active' }], activeManager, { read: false, act: false, manage_contacts: false }],
    ['no links', [], [], { read: false, act: false, manage_contacts: false }],
    ['read-only directly but full through the gestoría', [{ customerId: C, role: 'authorized_read', status: 'active' }, { customerId: G, role: 'authorized_full', status: 'active' }], activeManager, { read: true, act: true, manage_contacts: false }],
  ];
  for (const [name, links, managers, expected] of cases) {
    for (const action of ['read', 'act', 'manage_contacts'] as Action[]) {
      it(`${name}: ${action} → ${expected[action]}`, () => {
        expect(can(action, C, links, managers)).to.equal(expected[action]);
      });
    }
  }

  it('reports the path that grants access', () => {
    const a = accessTo(C, [{ customerId: G, role: 'authorized_read', status: 'active' }], activeManager);
    expect(a.via).to.deep.equal({ kind: 'manager', role: 'authorized_read', managerCustomerId: G });
    const d = accessTo(C, [{ customerId: C, role: 'holder' as LinkRole, status: 'active' }], []);
    expect(d.via).to.deep.equal({ kind: 'direct', role: 'holder' });
  });
});
