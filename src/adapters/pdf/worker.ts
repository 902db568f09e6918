import { workerData } from 'node:worker_threads';
import { renderInvoicePdf } from './invoice-pdf';
import { signerFromMaterial, type PdfSigner, type SignerMaterial } from './signing';
import type { SignedPdfTask } from './pool';

// One signer per thread, from the P12 the pool was given: the key is decrypted once per thread.
let signer: Promise<PdfSigner> | null = null;

/** Renders an invoice PDF and signs it, off the main thread (a piscina task). */
export default async function renderAndSign(task: SignedPdfTask): Promise<Uint8Array> {
  // structured cloning turns the Buffer into a plain Uint8Array
  const m = workerData as SignerMaterial;
  signer ??= signerFromMaterial({ ...m, p12: Buffer.from(m.p12) });
  const pdf = await renderInvoicePdf(task.data, { duplicate: task.duplicate, generatedAt: task.generatedAt });
  return (await signer).sign(pdf, { reason: task.reason, signedAt: task.signedAt });
}
