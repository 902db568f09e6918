import crypto from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Knex } from 'knex';
import { ZipArchive } from 'archiver';
import { loadInvoicePdfData } from '../data/invoice-pdf-repo';
import type { BulkInvoiceRow } from '../data/supplies-repo';
import { invoiceFileName } from '../domain/invoices';
import { zipSegment } from '../domain/overview';
import type { PdfSigner } from '../adapters/pdf/signing';
import { pdfWorkers } from '../adapters/pdf/pool';
import { releaseLease, takeLease } from '../data/bulk-download-leases-repo';

// Invoices rendered per round trip: five queries per batch (see loadInvoicePdfData), and at
// most this many PDFs (~16 KB each) held in memory at once.
export const ZIP_BATCH = 50;
// PDFs of one ZIP handed to the worker pool at once: enough to keep two threads busy, while
// other users' downloads still get their turn in the pool's queue.
const IN_FLIGHT = 2;
// Longest a ZIP may hold its user's lease when the instance making it dies mid-way.
const LEASE_MINUTES = 30;

/**
 * Runs `make` while holding the user's bulk-download lease: one ZIP per user at a time, on any
 * instance. `busy` when another of the user's downloads is still running.
 */
export async function withBulkDownloadLease<T>(db: Knex, userId: number, now: Date, make: () => Promise<T>): Promise<{
  busy: true,
} | { busy: false; result: T }> {
  const token = crypto.randomBytes(16).toString('hex');
  if (!(await takeLease(db, userId, token, now, new Date(now.getTime() + LEASE_MINUTES * 60_000)))) {
    return { busy: true };
  }
  try {
    return { busy: false, result: await make() };
  } finally {
    await releaseLease(db, userId, token);
  }
}

/** Where each invoice goes in the ZIP: one folder per client tax id. */
export function zipEntryName(r: Pick<BulkInvoiceRow, 'customer_tax_id' | 'number'>): string {
  return `${zipSegment(r.customer_tax_id)}/${invoiceFileName(r.number, 'duplicate')}`;
}

export interface ZipResult { invoices: number; bytes: number; aborted: boolean }

/**
 * Streams a ZIP of signed duplicates ("DUPLICADO") of the given invoices, after the summary.
 * Duplicates, not the stored originals: an e-billing original is handed out once, to whoever
 * downloads it first from the invoice itself (DESIGN.md rule 9), and a bulk download by a
 * gestoría must neither use it up nor bypass that rule. Rendered in batches with back-pressure,
 * so memory stays flat whatever the month's size; stops when the client goes away.
 */
export async function writeInvoiceZip(
  db: Knex, signer: PdfSigner, rows: BulkInvoiceRow[], summaryCsv: string, out: Writable, now: Date,
): Promise<ZipResult> {
  const archive = new ZipArchive({ store: true }); // PDFs are compressed already
  const workers = pdfWorkers(signer);
  let aborted = false;
  let failure: Error | null = null;
  let pending = 0;
  let idle: (() => void) | null = null;
  // Whatever stops the stream also releases a wait for pending entries.
  const onClose = () => { if (!out.writableFinished) aborted = true; idle?.(); };
  out.on('close', onClose);
  archive.on('error', (err) => { failure = err; idle?.(); });
  archive.on('warning', (err) => { failure = err; idle?.(); });
  archive.on('entry', () => {
    pending--;
    if (pending === 0 && idle) idle();
  });
  const add = (data: Buffer | string, name: string) => {
    pending++;
    archive.append(data, { name, date: now });
  };
  const settle = async () => {
    if (pending > 0 && !aborted && !failure) await new Promise<void>((resolve) => { idle = resolve; });
    idle = null;
    if (out.writableNeedDrain && !aborted) await Promise.race([once(out, 'drain'), once(out, 'close')]);
  };
  archive.pipe(out);
  try {
    add(summaryCsv, 'resumen.csv');
    let written = 0;
    for (let i = 0; i < rows.length && !aborted && !failure; i += ZIP_BATCH) {
      const batch = rows.slice(i, i + ZIP_BATCH);
      const data = await loadInvoicePdfData(db, batch.map((r) => r.id));
      const present = batch.filter((r) => data.has(r.id)); // some may be deleted since the list was read
      for (let j = 0; j < present.length && !aborted; j += IN_FLIGHT) {
        const group = present.slice(j, j + IN_FLIGHT);
        const pdfs = await Promise.all(group.map((r) => {
          const d = data.get(r.id)!;
          return workers.renderAndSign(
            {
              data: d, duplicate: true, generatedAt: now, reason: `Duplicado de la factura ${d.number}`, signedAt: now,
            },
          );
        }));
        group.forEach((r, k) => add(pdfs[k]!, zipEntryName(r)));
        written += group.length;
      }
      await settle();
    }
    if (failure) throw failure;
    if (aborted) {
      archive.abort();
      return { invoices: written, bytes: archive.pointer(), aborted: true };
    }
    await archive.finalize();
    return { invoices: written, bytes: archive.pointer(), aborted: false };
  } finally {
    out.off('close', onClose);
  }
}
