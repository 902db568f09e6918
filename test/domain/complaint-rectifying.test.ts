import { expect } from 'chai';
import { complaintRectifyRefusal, type ComplaintForRectifying } from '../../src/domain/rectifying';

describe('rectifying an invoice from a complaint', () => {
  const answered: ComplaintForRectifying = {
    type: 'complaint', status: 'completada', outcome: 'favourable', category: 'billing', customerId: 7, contractId: 70,
  };
  const invoice = { customerId: 7, contractId: 70 };
  const cases: [string, Partial<ComplaintForRectifying>, { customerId: number; contractId: number }, string | null][] = [
    ['a favourable billing complaint of the contract', {}, invoice, null],
    ['a partly favourable one', { outcome: 'partial' }, invoice, null],
    ['a complaint about the customer, not one contract', { contractId: null }, invoice, null],
    ['unfavourable', { outcome: 'unfavourable' }, invoice, 'unfavourable'],
    ['not answered yet', { status: 'en_tramite', outcome: null }, invoice, 'not_answered'],
    ['refused without an answer', { status: 'rechazada', outcome: null }, invoice, 'not_answered'],
    ['about the supply quality', { category: 'supply_quality' }, invoice, 'not_billing'],
    ['not a complaint', { type: 'power_change' }, invoice, 'not_a_complaint'],
    ['another contract', {}, { customerId: 7, contractId: 71 }, 'other_contract'],
    ['another customer', {}, { customerId: 8, contractId: 70 }, 'other_contract'],
  ];
  for (const [name, change, inv, expected] of cases) {
    it(name, () => expect(complaintRectifyRefusal({ ...answered, ...change }, inv)).to.equal(expected));
  }
});
