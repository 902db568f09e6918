import type { Response } from 'express';
import { attachmentDisposition } from '../domain/documents';

/**
 * Headers of every file the portal hands out (CSV, PDF, ZIP, uploads): an attachment with a
 * safe file name, never stored by a cache (they hold personal data), never sniffed.
 */
export function downloadHeaders(res: Response, file: { fileName: string; type: string }): Response {
  return res.set({
    'Content-Type': file.type,
    'Content-Disposition': attachmentDisposition(file.fileName),
    'Cache-Control': 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
  });
}

/**
 * Sends an uploaded document the only way this site serves uploads: as a download with its
 * declared type, never cached, never sniffed, and never rendered as a page of this site even
 * if a browser ignored the disposition.
 */
export function sendDocument(res: Response, doc: { mime_type: string; file_name: string }, content: Buffer): void {
  downloadHeaders(res, { fileName: doc.file_name, type: doc.mime_type });
  res.set('Content-Security-Policy', "default-src 'none'; sandbox");
  res.send(content);
}

/**
 * Holds back the end of the response (its last bytes) until `release` is called: a download
 * whose clean-up must be done before the client can see it finished (and ask for the next one)
 * streams as usual and only the final chunk waits.
 */
export function holdResponseEnd(res: Response): () => void {
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  let released = false;
  let pending: unknown[] | null = null;
  res.end = ((...args: unknown[]) => {
    if (released) return end(...args);
    pending = args;
    return res;
  }) as Response['end'];
  return () => {
    if (released) return;
    released = true;
    res.end = end as Response['end'];
    if (pending) end(...pending);
  };
}
