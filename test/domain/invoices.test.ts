import { expect } from 'chai';
import { invoiceCopyKind, invoiceFileName, isAvailable, mayReceiveOriginal, retentionCutoff, type CopyKind, type CopyInput } from '../../src/domain/invoices';
import type { AccessPath } from '../../src/domain/access';
import { eBillingEligibility } from '../../src/domain/e-billing';

const TODAY = '2026-11-22';

describe('invoice copy kind (original once, then duplicates, five years)', () => {
  const downloaded = new Date('2026-10-05T10:00:00Z');
  const cases: [string, CopyInput, CopyKind][] = [
    ['electronic, never downloaded', { issueDate: '2026-11-03', delivery: 'electronic', originalDownloadedAt: null }, 'original'],
    ['electronic, original already downloaded', { issueDate: '2026-11-03', delivery: 'electronic', originalDownloadedAt: downloaded }, 'duplicate'],
    ['paper, never downloaded', { issueDate: '2026-11-03', delivery: 'paper', originalDownloadedAt: null }, 'duplicate'],
    ['paper, downloaded before', { issueDate: '2026-11-03', delivery: 'paper', originalDownloadedAt: downloaded }, 'duplicate'],
    ['electronic, exactly five years old', { issueDate: '2021-11-22', delivery: 'electronic', originalDownloadedAt: null }, 'original'],
    ['electronic, five years and one day old', { issueDate: '2021-11-21', delivery: 'electronic', originalDownloadedAt: null }, 'unavailable'],
    ['paper, five years and one day old', { issueDate: '2021-11-21', delivery: 'paper', originalDownloadedAt: downloaded }, 'unavailable'],
  ];
  for (const [name, input, expected] of cases) {
    it(`${name} → ${expected}`, () => expect(invoiceCopyKind(input, TODAY)).to.equal(expected));
  }
});

describe('retention', () => {
  const cases: [string, string][] = [
    ['2026-11-22', '2021-11-22'],
    ['2028-02-29', '2023-03-01'],
    ['2026-01-01', '2021-01-01'],
  ];
  for (const [today, cutoff] of cases) it(`cutoff on ${today} is ${cutoff}`, () => expect(retentionCutoff(today)).to.equal(cutoff));
  it('keeps the boundary day and drops the day before', () => {
    expect(isAvailable('2021-11-22', TODAY)).to.equal(true);
    expect(isAvailable('2021-11-21', TODAY)).to.equal(false);
  });
});

describe('file names', () => {
  it('names originals and duplicates clearly and safely', () => {
    expect(invoiceFileName('FE2601000123', 'original')).to.equal('factura-FE2601000123.pdf');
    expect(invoiceFileName('FE2601000123', 'duplicate')).to.equal('factura-FE2601000123-duplicado.pdf');
    expect(invoiceFileName('FE26/01"x', 'original')).to.equal('factura-FE2601x.pdf');
  });
});

describe('e-billing eligibility', () => {
  const cases: [string, Parameters<typeof eBillingEligibility>[0], ReturnType<typeof eBillingEligibility>][] = [
    ['plain active contract', { status: 'active', altPayerName: null, altRecipientName: null }, { eligible: true }],
    ['alternative payer', { status: 'active', altPayerName: 'Ana Pérez', altRecipientName: null }, { eligible: false, reason: 'alt_payer' }],
    ['alternative recipient', { status: 'active', altPayerName: null, altRecipientName: 'Jorge García' }, { eligible: false, reason: 'alt_recipient' }],
    ['both: payer reported first', { status: 'active', altPayerName: 'A', altRecipientName: 'B' }, { eligible: false, reason: 'alt_payer' }],
    ['ended contract', { status: 'ended', altPayerName: null, altRecipientName: null }, { eligible: false, reason: 'ended' }],
  ];
  for (const [name, input, expected] of cases) it(name, () => expect(eBillingEligibility(input)).to.deep.equal(expected));
});

describe('who may receive the one-time original (issue 12 item 11)', () => {
  const cases: [string, AccessPath | null, boolean][] = [
    ['holder', { kind: 'direct', role: 'holder' }, true],
    ['representative', { kind: 'direct', role: 'representative' }, true],
    ['total contact', { kind: 'direct', role: 'authorized_full' }, true],
    ['read-only contact', { kind: 'direct', role: 'authorized_read' }, false],
    ["gestoría's representative", { kind: 'manager', role: 'representative', managerCustomerId: 9 }, false],
    ["gestoría's total contact", { kind: 'manager', role: 'authorized_full', managerCustomerId: 9 }, false],
    ['nobody', null, false],
  ];
  for (const [who, via, expected] of cases) {
    it(`${who}: ${expected ? 'the original' : 'duplicates only'}`, () => {
      expect(mayReceiveOriginal(via)).to.equal(expected);
    });
  }
});
