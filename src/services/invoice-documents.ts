import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { findDuplicate, loadInvoicePdfData } from '../data/invoice-pdf-repo';
import type { PdfSigner } from '../adapters/pdf/signing';
import { defaultPdfWorkers, pdfWorkers } from '../adapters/pdf/pool';

const CHUNK = 100;

/** Renders, signs and stores the original of each invoice; called by the billing run. */
export async function storeSignedOriginals(
  trx: Knex, invoiceIds: number[], signer: PdfSigner, now: Date, onSigned?: (done: number) => void,
): Promise<void> {
  let done = 0;
  for (let i = 0; i < invoiceIds.length; i += CHUNK) {
    const ids = invoiceIds.slice(i, i + CHUNK);
    const data = await loadInvoicePdfData(trx, ids);
    const rows: Record<string, unknown>[] = new Array(ids.length);
    // in the worker pool, one more PDF asked for than there are threads: every thread always has
    // its next one while this thread reads and stores, and a customer's download waits behind at
    // most that one (a billing run must not hold the event loop, issue 12 item 5)
    let next = 0;
    let failed = false;
    const sign = async () => {
      while (next < ids.length && !failed) {
        const k = next++;
        const id = ids[k]!;
        const d = data.get(id);
        if (!d) {
          failed = true;
          throw new Error(`Invoice ${id} vanished while issuing`);
        }
        const pdf = await pdfWorkers(signer).renderAndSign(
          { data: d, duplicate: false, generatedAt: now, reason: `Factura ${d.number}`, signedAt: now },
        ).catch((err: unknown) => {
          failed = true;
          throw err;
        });
        rows[k] = {
          invoice_id: id, original_pdf: pdf, sha256: crypto.createHash('sha256').update(pdf).digest('hex'),
          size_bytes: pdf.length, generated_at: now,
        };
        onSigned?.(++done);
      }
    };
    await Promise.all(Array.from({ length: Math.min(ids.length, defaultPdfWorkers() + 1) }, sign));
    await trx('invoice_documents').insert(rows);
  }
}

export async function readOriginal(db: Knex, invoiceId: number): Promise<Buffer | null> {
  const row = await db('invoice_documents').where({ invoice_id: invoiceId }).first('original_pdf');
  return row ? (row.original_pdf as Buffer) : null;
}

export interface StoredPdf { pdf: Buffer; sha256: string; generatedAt: Date }

/**
 * The invoice's signed copy marked "DUPLICADO": rendered and signed (in the worker pool) on its
 * first download, stored, and the same bytes served to every later download. Two first
 * downloads at once may both render one; the first stored wins and both get that one.
 */
export async function signedDuplicate(db: Knex, invoiceId: number, signer: PdfSigner, now: Date): Promise<StoredPdf> {
  const read = async () => {
    const row = await findDuplicate(db, invoiceId);
    if (!row) return null;
    return { pdf: row.pdf, sha256: row.sha256, generatedAt: new Date(row.generated_at) };
  };
  const stored = await read();
  if (stored) return stored;
  const pdf = await makeSignedDuplicate(db, invoiceId, signer, now);
  const sha256 = crypto.createHash('sha256').update(pdf).digest('hex');
  await db('invoice_duplicates')
    .insert({ invoice_id: invoiceId, pdf, sha256, size_bytes: pdf.length, generated_at: now })
    .onConflict('invoice_id').ignore();
  return (await read()) ?? { pdf, sha256, generatedAt: now };
}

/** A new, signed copy marked "DUPLICADO", from the same stored data as the original. */
export async function makeSignedDuplicate(db: Knex, invoiceId: number, signer: PdfSigner, now: Date): Promise<Buffer> {
  const d = (await loadInvoicePdfData(db, [invoiceId])).get(invoiceId);
  if (!d) throw new Error(`Invoice ${invoiceId} not found`);
  return pdfWorkers(signer).renderAndSign(
    { data: d, duplicate: true, generatedAt: now, reason: `Duplicado de la factura ${d.number}`, signedAt: now },
  );
}
