import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Response } from 'supertest';

/** The text of a PDF as pdftotext (poppler-utils) reads it, layout kept. */
export async function pdfText(pdf: Buffer): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pdf-text-'));
  const file = path.join(dir, 'doc.pdf');
  await fs.writeFile(file, pdf);
  try {
    return await new Promise((resolve, reject) => {
      const opts = { encoding: 'utf8' as const, maxBuffer: 16 * 1024 * 1024 };
      execFile('pdftotext', ['-layout', file, '-'], opts, (err, stdout, stderr) => {
        if (err) reject(new Error(`pdftotext failed (apt-get install poppler-utils): ${stderr || err.message}`));
        else resolve(stdout);
      });
    });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** supertest: keep a binary body as a Buffer (`.buffer(true).parse(binary)`). */
export function binary(res: Response, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}
