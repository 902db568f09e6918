/**
 * Renders and signs the fixture invoice 50 times and prints per-step timings.
 * Run with: npx tsx bench/invoice-pdf.ts
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { renderInvoicePdf } from '../src/adapters/pdf/invoice-pdf';
import { loadSigner } from '../src/adapters/pdf/signing';
import { FIXTURE_GENERATED_AT, invoiceFixture } from '../test/support/invoice-fixture';

const RUNS = 50;
// The first calls pay for module loading and JIT; they say nothing about steady state.
const WARMUP = 3;

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function summary(label: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${label.padEnd(7)} median ${percentile(sorted, 50).toFixed(1).padStart(6)} ms   p95 ${percentile(sorted, 95).toFixed(1).padStart(6)} ms`;
}

const signer = await loadSigner({ dataDir: os.tmpdir(), inMemory: true });
const data = invoiceFixture();
const render: number[] = [];
const sign: number[] = [];
const total: number[] = [];
let unsignedBytes = 0;
let signedBytes = 0;

for (let i = 0; i < WARMUP + RUNS; i++) {
  const t0 = performance.now();
  const pdf = await renderInvoicePdf(data, { duplicate: i % 2 === 1, generatedAt: FIXTURE_GENERATED_AT });
  const t1 = performance.now();
  const signed = await signer.sign(
    pdf, { reason: 'Factura emitida por Enerlia Comercializadora', signedAt: FIXTURE_GENERATED_AT },
  );
  const t2 = performance.now();
  if (i < WARMUP) continue;
  render.push(t1 - t0);
  sign.push(t2 - t1);
  total.push(t2 - t0);
  unsignedBytes = pdf.length;
  signedBytes = signed.length;
}

console.log(
  `invoice PDF, ${RUNS} runs (after ${WARMUP} warm-up), originals and duplicates alternating, Node ${process.version}`,
);
console.log(summary('render', render));
console.log(summary('sign', sign));
console.log(summary('total', total));
console.log(`size    ${(unsignedBytes / 1024).toFixed(1)} KB unsigned, ${(signedBytes / 1024).toFixed(1)} KB signed`);
