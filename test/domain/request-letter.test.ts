import { expect } from 'chai';
import { requestLetter, type LetterRequest } from '../../src/domain/request-letter';

const power: LetterRequest = {
  type: 'power_change', status: 'recibida', createdOn: '2026-11-20', sentToDistributorOn: null, effectiveDate: null, distributor: 'i-DE',
  payload: { fromP1: 4.6, fromP2: 4.6, toP1: 5.75, toP2: 5.75, monthlyDifferenceCents: 852 },
};

describe('a request read like a letter', () => {
  it('writes powers in kW and the monthly difference in euros, in each language', () => {
    expect(requestLetter(power, 'es').facts).to.deep.equal([
      { label: 'requestLetter.facts.currentPower', value: 'P1 4,6 kW · P2 4,6 kW' },
      { label: 'requestLetter.facts.requestedPower', value: 'P1 5,75 kW · P2 5,75 kW' },
      { label: 'requestLetter.facts.monthlyDifference', value: '+8,52 €' },
    ]);
    expect(requestLetter({ ...power, payload: { ...power.payload, monthlyDifferenceCents: -1234 } }, 'ca').facts[2]).to.deep.equal({ label: 'requestLetter.facts.monthlyDifference', value: '−12,34 €' });
  });

  const steps: [string, Partial<LetterRequest>, ReturnType<typeof requestLetter>['next']][] = [
    // received on 20 November: sent to the distributor within 2 days
    ['power received', {}, { key: 'requestLetter.next.powerReceived', params: { date: '22/11/2026', distributor: 'i-DE' } }],
    // sent on 21 November: the distributor answers within 15 days (6 December)
    ['power sent', { status: 'en_tramite', sentToDistributorOn: '2026-11-21' }, { key: 'requestLetter.next.powerSent', params: { sent: '21/11/2026', date: '06/12/2026', distributor: 'i-DE' } }],
    ['power applied', { status: 'completada', effectiveDate: '2026-11-24' }, { key: 'requestLetter.next.powerApplied', params: { date: '24/11/2026' } }],
    ['power refused', { status: 'rechazada' }, { key: 'requestLetter.next.rejected', params: {} }],
    ['complaint open: its deadline has its own notice', { type: 'complaint', payload: { deadline: '2027-01-04' } }, null],
    ['complaint answered', { type: 'complaint', status: 'completada', payload: { deadline: '2027-01-04' } }, null],
    ['reading', { type: 'meter_reading', status: 'completada', payload: {} }, { key: 'requestLetter.next.reading', params: {} }],
    ['direct debit', { type: 'direct_debit', status: 'completada', effectiveDate: '2026-11-20', payload: {} }, { key: 'requestLetter.next.directDebit', params: { date: '20/11/2026' } }],
    ['payment day', { type: 'payment_day', status: 'completada', effectiveDate: '2026-11-20', payload: { paymentDay: 15 } }, { key: 'requestLetter.next.paymentDay', params: { day: '15' } }],
    ['address', { type: 'correspondence_address', status: 'completada', effectiveDate: '2026-11-20', payload: {} }, { key: 'requestLetter.next.address', params: { date: '20/11/2026' } }],
    ['a review waiting', { type: 'representative_change', payload: {} }, { key: 'requestLetter.next.review', params: {} }],
    ['a review approved', { type: 'representative_change', status: 'completada', effectiveDate: '2026-11-23', payload: {} }, { key: 'requestLetter.next.applied', params: { date: '23/11/2026' } }],
  ];
  for (const [name, change, expected] of steps) it(`next step: ${name}`, () => expect(requestLetter({ ...power, ...change }, 'es').next).to.deep.equal(expected));

  it('writes other payloads with dates as dd/mm/yyyy and numbers grouped, and leaves long texts out', () => {
    const reading = requestLetter({ ...power, type: 'meter_reading', status: 'completada', payload: { readingDate: '2026-11-05', readingP1: 10100, consumptionKwh: 100, description: 'x' } }, 'es');
    expect(reading.facts).to.deep.equal([
      { label: 'requests.fields.readingDate', value: '05/11/2026', valueKey: 'requests.values.readingDate.2026-11-05' },
      { label: 'requests.fields.readingP1', value: '10.100', valueKey: 'requests.values.readingP1.10100' },
      { label: 'requests.fields.consumptionKwh', value: '100', valueKey: 'requests.values.consumptionKwh.100' },
    ]);
  });
});
