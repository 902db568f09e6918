import type { Response } from 'express';
import type { DocumentMeta } from '../data/documents-repo';
import { attachmentDisposition } from '../domain/documents';

/**
 * Sends an uploaded document the only way this site serves uploads: as a download with its
 * declared type, never cached, never sniffed, and never rendered as a page of this site even
 * if a browser ignored the disposition.
 */
export function sendDocument(res: Response, doc: Pick<DocumentMeta, 'mime_type' | 'file_name'>, content: Buffer): void {
  res.set({
    'Content-Type': doc.mime_type,
    'Content-Disposition': attachmentDisposition(doc.file_name),
    'Cache-Control': 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
  });
  res.send(content);
}
