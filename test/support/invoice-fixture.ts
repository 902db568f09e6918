import type { InvoicePdfData } from '../../src/adapters/pdf/invoice-pdf';

/**
 * A household 2.0TD electricity bill for October 2026 whose lines add up to the cent:
 * 42,92 € of power and energy + 2,19 € electricity tax + 0,83 € meter rental = 45,94 € base,
 * 9,65 € IVA (21 %), 55,59 € total.
 */
export const FIXTURE_TOTAL_TEXT = '55,59 €';
export const FIXTURE_GENERATED_AT = new Date('2026-11-03T09:30:00Z');

export function invoiceFixture(): InvoicePdfData {
  return {
    number: 'FE26-0001234',
    issueDate: '2026-11-03',
    dueDate: '2026-11-18',
    periodStart: '2026-10-01',
    periodEnd: '2026-10-31',
    holder: {
      name: 'María López García',
      taxId: '12345678Z',
      address: ['Calle de la Paz 14, 3º B', '46003 Valencia', 'Valencia'],
    },
    contractAccountNumber: 'CC-400012345',
    contractNumber: 'CT-2024-000781',
    supply: {
      cups: 'ES0021000012345678AB',
      address: 'Calle de la Paz 14, 3º B, 46003 Valencia',
      energy: 'electricity',
      tariff: '2.0TD',
      productName: 'Tarifa Enerlia Hogar 3 Periodos',
      powerKw: { P1: 4.6, P2: 4.6 },
      distributor: 'i-DE Redes Eléctricas Inteligentes, S.A.U.',
    },
    readings: {
      previous: { date: '2026-09-30', P1: 10234, P2: 15872, P3: 22410 },
      current: { date: '2026-10-31', P1: 10296, P2: 15940, P3: 22530 },
    },
    consumptionKwh: { P1: 62, P2: 68, P3: 120 },
    history: [
      { month: '2025-09', kwh: 231 },
      { month: '2025-10', kwh: 244 },
      { month: '2025-11', kwh: 289 },
      { month: '2025-12', kwh: 342 },
      { month: '2026-01', kwh: 365 },
      { month: '2026-02', kwh: 318 },
      { month: '2026-03', kwh: 276 },
      { month: '2026-04', kwh: 238 },
      { month: '2026-05', kwh: 219 },
      { month: '2026-06', kwh: 262 },
      { month: '2026-07', kwh: 331 },
      { month: '2026-08', kwh: 307 },
      { month: '2026-09', kwh: 254 },
      { month: '2026-10', kwh: 250 },
    ],
    lines: [
      { kind: 'power_term', period: 'P1', detail: '4,600 kW × 31 días × 0,075903 €/kW día', quantity: 142.6, unit: 'kW·día', unitPrice: 0.075903, amountCents: 1082 },
      { kind: 'power_term', period: 'P2', detail: '4,600 kW × 31 días × 0,001988 €/kW día', quantity: 142.6, unit: 'kW·día', unitPrice: 0.001988, amountCents: 28 },
      { kind: 'energy_term', period: 'P1', detail: '62 kWh × 0,189000 €/kWh', quantity: 62, unit: 'kWh', unitPrice: 0.189, amountCents: 1172 },
      { kind: 'energy_term', period: 'P2', detail: '68 kWh × 0,128000 €/kWh', quantity: 68, unit: 'kWh', unitPrice: 0.128, amountCents: 870 },
      { kind: 'energy_term', period: 'P3', detail: '120 kWh × 0,095000 €/kWh', quantity: 120, unit: 'kWh', unitPrice: 0.095, amountCents: 1140 },
      { kind: 'electricity_tax', detail: '5,11269632 % s/ 42,92 €', quantity: 42.92, unit: '%', unitPrice: 5.11269632, amountCents: 219 },
      { kind: 'meter_rental', detail: '31 días × 0,026630 €/día', quantity: 31, unit: 'día', unitPrice: 0.02663, amountCents: 83 },
      { kind: 'vat', detail: '21 % s/ 45,94 €', quantity: 45.94, unit: '%', unitPrice: 21, amountCents: 965 },
    ],
    totals: { taxableBaseCents: 4594, vatCents: 965, totalCents: 5559 },
    paymentMethod: { kind: 'direct_debit', maskedIban: 'ES91 **** **** **** **** 1332' },
    delivery: 'electronic',
  };
}
