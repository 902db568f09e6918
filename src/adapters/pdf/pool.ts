import os from 'node:os';
import { Piscina } from 'piscina';
import type { InvoicePdfData } from './invoice-pdf';
import type { PdfSigner } from './signing';

/**
 * Rendering and signing an invoice PDF takes a few milliseconds of CPU each; a month's ZIP for a
 * gestoría is hundreds of them. They run in a bounded pool of worker threads (piscina) so the
 * event loop keeps serving everybody else's pages; at most `PDF_WORKERS` PDFs are made at once,
 * whatever the number of downloads, and the rest wait in the queue.
 */

export interface SignedPdfTask {
  data: InvoicePdfData;
  duplicate: boolean;
  generatedAt: Date;
  reason: string;
  signedAt: Date;
}

export interface PdfWorkers {
  renderAndSign(task: SignedPdfTask): Promise<Buffer>;
}

/** Threads by default: one core stays for the event loop (and PostgreSQL), at least one thread. */
export function defaultPdfWorkers(): number {
  const fromEnv = Number(process.env.PDF_WORKERS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return Math.max(1, Math.min(4, os.availableParallelism() - 1));
}

const pools = new Map<PdfSigner, Piscina>();

function poolFor(signer: PdfSigner): Piscina {
  let pool = pools.get(signer);
  if (!pool) {
    pool = new Piscina({
      // under tsx a .ts file (the threads inherit the parent's execArgv, which loads tsx in the app
      // and the tests); the compiled worker.js beside this file when running from dist/
      filename: new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url).href,
      workerData: signer.material,
      minThreads: 0,
      maxThreads: defaultPdfWorkers(),
      // threads end after a minute without work, so an idle portal holds no extra memory
      idleTimeout: 60_000,
    });
    pools.set(signer, pool);
  }
  return pool;
}

/** The pool that signs with this signer's certificate (created on first use). */
export function pdfWorkers(signer: PdfSigner): PdfWorkers {
  return {
    async renderAndSign(task) {
      const out = (await poolFor(signer).run(task)) as Uint8Array;
      return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    },
  };
}

/** Ends every PDF thread (at shutdown, after the last request). */
export async function closePdfWorkers(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.destroy()));
}

/** How many PDFs the pools have made, and their threads now (for tests and the benchmark). */
export function pdfWorkerStats(): { completed: number; threads: number } {
  let completed = 0;
  let threads = 0;
  for (const p of pools.values()) {
    completed += p.completed;
    threads += p.threads.length;
  }
  return { completed, threads };
}
