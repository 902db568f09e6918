import type { AccessPath } from './access';

/** Invoice availability and which copy a download gets (seed 000; DESIGN.md §4 rules 9–10). */

export const RETENTION_YEARS = 5;

let last: { today: string; years: number; cutoff: string } | null = null;

/** The oldest issue date still listed and served on `today` ('YYYY-MM-DD'). */
export function retentionCutoff(today: string, years = RETENTION_YEARS): string {
  // every invoice page and download asks, nearly always for the same day (a profiled 9 µs each)
  if (last && today === last.today && years === last.years) return last.cutoff;
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y - years, m - 1, d));
  // 29 February minus five years rolls to 1 March, which keeps exactly five years.
  const cutoff = date.toISOString().slice(0, 10);
  last = { today, years, cutoff };
  return cutoff;
}

export function isAvailable(issueDate: string, today: string, years = RETENTION_YEARS): boolean {
  return issueDate >= retentionCutoff(today, years);
}

export type CopyKind = 'original' | 'duplicate' | 'unavailable';

export interface CopyInput {
  issueDate: string;
  delivery: 'paper' | 'electronic';
  originalDownloadedAt: Date | null;
}

/**
 * Electronic invoices give their signed original once; every later download, and every
 * download of a paper invoice, is a duplicate. The caller claims the original atomically, so
 * this only says what to try.
 */
export function invoiceCopyKind(invoice: CopyInput, today: string): CopyKind {
  if (!isAvailable(invoice.issueDate, today)) return 'unavailable';
  if (invoice.delivery === 'electronic' && invoice.originalDownloadedAt === null) return 'original';
  return 'duplicate';
}

/**
 * Who may receive the one-time e-billing original (issue 12 item 11): the holder, the
 * representative and total contacts of the customer itself — never a read-only contact nor
 * someone acting through a gestoría, who get signed duplicates like every GET.
 */
export function mayReceiveOriginal(via: AccessPath | null): boolean {
  return via?.kind === 'direct' && (
    via.role === 'holder' || via.role === 'representative' || via.role === 'authorized_full'
  );
}

export function invoiceFileName(number: string, kind: 'original' | 'duplicate'): string {
  const safe = number.replace(/[^A-Za-z0-9-]/g, '');
  return kind === 'original' ? `factura-${safe}.pdf` : `factura-${safe}-duplicado.pdf`;
}
