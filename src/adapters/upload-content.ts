import zlib from 'node:zlib';
import type { DocumentMime } from '../domain/documents';

/**
 * What an accepted upload may contain (ASVS 5.2): PDFs without scripts or actions that run
 * or open something, images without metadata, and nothing that another program reads as a
 * different kind of file (a polyglot). Works on the bytes only; no external tool.
 */

export type ContentRejection = 'active_content' | 'polyglot' | 'unreadable';

export type ContentDecision = { ok: true; content: Buffer } | { ok: false; code: ContentRejection };

// PDF names that run code, open or launch something, submit data, or carry other files.
const ACTIVE_PDF_NAMES = new Set([
  'JavaScript', 'JS', 'OpenAction', 'AA', 'Launch', 'EmbeddedFile', 'EmbeddedFiles', 'RichMedia', 'XFA',
  'SubmitForm', 'ImportData', 'GoToE', 'GoToR', 'Sound', 'Movie', 'Rendition',
]);

// Markup a browser would run if it ever took the file for a page.
const HTML_MARKUP = /<(?:script|html|iframe|svg|body|object|embed)[\s>/]|<!doctype/i;

// Limits for looking inside compressed object streams: enough for real documents, not a zip bomb.
const MAX_INFLATED_STREAM = 8 * 1024 * 1024;
const MAX_INFLATED_TOTAL = 64 * 1024 * 1024;

/** Whether a PDF name (`/JavaScript`, or disguised as `/J#61vaScript`) that acts is written in the text. */
function hasActiveName(text: string): boolean {
  for (const m of text.matchAll(/\/([^\s/<>[\](){}%]+)/g)) {
    const name = (m[1] ?? '').replace(/#([0-9a-fA-F]{2})/g, (_x, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (ACTIVE_PDF_NAMES.has(name)) return true;
  }
  return false;
}

interface PdfParts {
  /** Everything but the streams' data: the objects, dictionaries and trailers. */
  structure: string;
  /** The decompressed object streams, where PDF 1.5+ keeps dictionaries. */
  objectStreams: string[];
}

/**
 * Splits a PDF into its readable structure and its object streams. Streams with page content
 * or images are left out: their bytes are not PDF syntax, and scanning them would find names
 * by chance.
 */
function pdfParts(pdf: Buffer): PdfParts {
  const structure: string[] = [];
  const objectStreams: string[] = [];
  let total = 0;
  let from = 0;
  for (;;) {
    let start = pdf.indexOf('stream', from, 'latin1');
    while (start >= 3 && pdf.toString('latin1', start - 3, start) === 'end') start = pdf.indexOf(
      'stream', start + 6, 'latin1',
    );
    if (start < 0) break;
    let dataStart = start + 6;
    if (pdf[dataStart] === 0x0d) dataStart++;
    if (pdf[dataStart] === 0x0a) dataStart++;
    const end = pdf.indexOf('endstream', dataStart, 'latin1');
    if (end < 0) break;
    const head = pdf.toString('latin1', from, start);
    structure.push(head);
    const dictionary = head.slice(Math.max(0, head.lastIndexOf(' obj') + 1));
    if (/\/Type\s*\/ObjStm/.test(dictionary) && total < MAX_INFLATED_TOTAL) {
      try {
        const out = zlib.inflateSync(
          pdf.subarray(dataStart, end),
          { maxOutputLength: MAX_INFLATED_STREAM, finishFlush: zlib.constants.Z_SYNC_FLUSH },
        );
        total += out.length;
        objectStreams.push(out.toString('latin1'));
      } catch {
        objectStreams.push(''); // not Flate: counted as unreadable below
      }
    }
    from = end + 9;
  }
  structure.push(pdf.toString('latin1', from));
  return { structure: structure.join(' '), objectStreams };
}

/** Readable as a ZIP (a local file header and an end-of-central-directory record). */
function looksLikeZip(buf: Buffer): boolean {
  return buf.includes(Buffer.from('PK\x03\x04', 'latin1')) && buf.includes(Buffer.from('PK\x05\x06', 'latin1'));
}

export function inspectPdf(pdf: Buffer): ContentDecision {
  const { structure, objectStreams } = pdfParts(pdf);
  if (looksLikeZip(pdf) || HTML_MARKUP.test(structure)) return { ok: false, code: 'polyglot' };
  if (hasActiveName(structure)) return { ok: false, code: 'active_content' };
  // encrypted object streams, or ones we cannot inflate, cannot be checked
  if (/\/Encrypt\b/.test(structure) || objectStreams.some((s) => s === '')) return { ok: false, code: 'unreadable' };
  if (objectStreams.some(hasActiveName)) return { ok: false, code: 'active_content' };
  return { ok: true, content: pdf };
}

/** Another format hidden in an image: a PDF, a ZIP or markup. */
function imagePolyglot(img: Buffer): boolean {
  return img.includes(Buffer.from('%PDF-', 'latin1')) || looksLikeZip(img) || HTML_MARKUP.test(img.toString('latin1'));
}

// JPEG segments kept: the image itself, JFIF (APP0) and Adobe's colour transform (APP14).
const JPEG_KEEP_APP = new Set([0xe0, 0xee]);

/**
 * A JPEG rebuilt from its segments without EXIF/XMP/ICC/comments, and without anything after
 * the end-of-image marker; null when the structure is broken.
 */
export function stripJpeg(img: Buffer): Buffer | null {
  if (img.length < 4 || img[0] !== 0xff || img[1] !== 0xd8) return null;
  const parts: Buffer[] = [img.subarray(0, 2)];
  let i = 2;
  while (i + 1 < img.length) {
    if (img[i] !== 0xff) return null;
    const marker = img[i + 1]!;
    if (marker === 0xff) { i++; continue; } // fill byte
    if (marker === 0xd9) {
      parts.push(img.subarray(i, i + 2));
      return Buffer.concat(parts);
    }
    if (marker >= 0xd0 && marker <= 0xd7) return null; // restart marker outside scan data
    if (i + 3 >= img.length) return null;
    const len = img.readUInt16BE(i + 2);
    if (len < 2 || i + 2 + len > img.length) return null;
    const segmentEnd = i + 2 + len;
    const isApp = marker >= 0xe0 && marker <= 0xef;
    const drop = (isApp && !JPEG_KEEP_APP.has(marker)) || marker === 0xfe;
    if (marker === 0xda) {
      // start of scan: the entropy-coded data runs to the next marker that is not a restart or a stuffed 0xFF
      let j = segmentEnd;
      while (j + 1 < img.length) {
        if (img[j] === 0xff) {
          const next = img[j + 1]!;
          if (next !== 0x00 && !(next >= 0xd0 && next <= 0xd7) && next !== 0xff) break;
        }
        j++;
      }
      if (j + 1 >= img.length) return null;
      parts.push(img.subarray(i, j));
      i = j;
      continue;
    }
    if (!drop) parts.push(img.subarray(i, segmentEnd));
    i = segmentEnd;
  }
  return null;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// Chunks that change how the picture looks; text, EXIF, time and unknown chunks go.
const PNG_KEEP = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'sBIT', 'pHYs', 'bKGD']);

/** A PNG rebuilt from its chunks without metadata and without anything after IEND; null when broken. */
export function stripPng(img: Buffer): Buffer | null {
  if (img.length < PNG_SIGNATURE.length || !img.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  const parts: Buffer[] = [PNG_SIGNATURE];
  let i = 8;
  while (i + 12 <= img.length) {
    const len = img.readUInt32BE(i);
    const type = img.toString('latin1', i + 4, i + 8);
    const end = i + 12 + len;
    if (!/^[A-Za-z]{4}$/.test(type) || end > img.length) return null;
    if (PNG_KEEP.has(type)) parts.push(img.subarray(i, end));
    i = end;
    if (type === 'IEND') return Buffer.concat(parts);
  }
  return null;
}

/** The bytes to keep for an accepted type, or why the file is refused. */
export function inspectContent(mime: DocumentMime, content: Buffer): ContentDecision {
  if (mime === 'application/pdf') return inspectPdf(content);
  if (imagePolyglot(content)) return { ok: false, code: 'polyglot' };
  const stripped = mime === 'image/jpeg' ? stripJpeg(content) : stripPng(content);
  if (!stripped) return { ok: false, code: 'unreadable' };
  return { ok: true, content: stripped };
}
