/**
 * Uploaded documents (complaints, representative changes, external managers…): what is
 * accepted, under which name it is kept, and who may download it (DESIGN.md §5: allowlist by
 * magic bytes, 10 MB, served only as attachments to those allowed to see them). Pure.
 */

export const DOCUMENT_TYPES = {
  'application/pdf': { extension: 'pdf', aliases: ['pdf'] },
  'image/jpeg': { extension: 'jpg', aliases: ['jpg', 'jpeg', 'jpe', 'jfif'] },
  'image/png': { extension: 'png', aliases: ['png'] },
} as const;

export type DocumentMime = keyof typeof DOCUMENT_TYPES;

export const MAX_FILE_NAME_LENGTH = 200;
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export interface UploadPolicy {
  /** Types allowed by their sniffed content, never by the name or the declared type. */
  allowedMimes: readonly DocumentMime[];
  maxBytes: number;
  /** How many files one form may carry (3 for a complaint, 5 for representative changes). */
  maxFiles: number;
}

export const DEFAULT_UPLOAD_POLICY: UploadPolicy = {
  allowedMimes: ['application/pdf', 'image/jpeg', 'image/png'],
  maxBytes: MAX_UPLOAD_BYTES,
  maxFiles: 3,
};

export type UploadRejection =
  /** nothing in the file */
  | 'empty'
  /** more than policy.maxBytes */
  | 'too_large'
  /** the content is of no known binary type (e.g. a text file renamed .pdf) */
  | 'unknown_type'
  /** a known type outside the allowlist (an executable, a GIF…) */
  | 'type_not_allowed';

export interface UploadCandidate {
  /** What the magic bytes say (file-type), undefined when nothing was recognised. */
  detectedMime: string | undefined;
  size: number;
  /** The name the browser sent: untrusted. */
  declaredName: string;
}

export type UploadDecision =
  | { ok: true; mime: DocumentMime; extension: string; safeName: string }
  | { ok: false; code: UploadRejection };

function isDocumentMime(v: string): v is DocumentMime {
  return Object.prototype.hasOwnProperty.call(DOCUMENT_TYPES, v);
}

/** Decides on one uploaded file from its sniffed type and size; the name never decides. */
export function acceptUpload(file: UploadCandidate, policy: UploadPolicy = DEFAULT_UPLOAD_POLICY): UploadDecision {
  if (!Number.isFinite(file.size) || file.size <= 0) return { ok: false, code: 'empty' };
  if (file.size > policy.maxBytes) return { ok: false, code: 'too_large' };
  if (!file.detectedMime) return { ok: false, code: 'unknown_type' };
  const mime = file.detectedMime;
  if (!isDocumentMime(mime) || !policy.allowedMimes.includes(mime)) return { ok: false, code: 'type_not_allowed' };
  const safeName = safeFileName(file.declaredName, mime);
  return { ok: true, mime, extension: safeName.slice(safeName.lastIndexOf('.') + 1), safeName };
}

// Control characters (C0, DEL, C1), format characters (bidi overrides such as U+202E that make
// "factura‮fdp.exe" look like a PDF, zero-width characters), line and paragraph separators.
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
// Path separators and characters that are unsafe in file systems or header quoting.
const UNSAFE = /[\\/:*?"<>|]/g;

function codePoints(s: string): string[] {
  return Array.from(s);
}

/**
 * The name a document is kept and offered under: the last path segment of what the browser
 * sent, without control or invisible characters, with the extension of its REAL type (kept as
 * typed when it is one of that type's usual spellings), at most 200 characters.
 */
export function safeFileName(declared: string, mime: DocumentMime): string {
  const type = DOCUMENT_TYPES[mime];
  const lastSegment = declared.split(/[\\/]/).pop() ?? '';
  let name = lastSegment.normalize('NFC').replace(INVISIBLE, '').replace(UNSAFE, '_').replace(/\s+/g, ' ').trim();
  const dot = name.lastIndexOf('.');
  const typedExt = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  let base = dot > 0 ? name.slice(0, dot) : name;
  const ext = (type.aliases as readonly string[]).includes(typedExt) ? typedExt : type.extension;
  // no leading dots (hidden files) and no trailing dots or spaces (Windows drops them)
  base = base.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (!base) base = 'documento';
  const room = MAX_FILE_NAME_LENGTH - ext.length - 1;
  const cut = codePoints(base);
  if (cut.length > room) base = cut.slice(0, room).join('').trimEnd();
  name = `${base}.${ext}`;
  return name;
}

/** A client-sent name as it may be shown back in a message (escaped by the template anyway). */
export function displayName(declared: string, max = 80): string {
  const lastSegment = declared.split(/[\\/]/).pop() ?? '';
  const name = lastSegment.normalize('NFC').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
  const cps = codePoints(name);
  return cps.length > max ? `${cps.slice(0, max - 1).join('')}…` : name;
}

/**
 * The Content-Disposition of a download: always an attachment, never inline; an ASCII
 * fallback name for old clients and the exact UTF-8 name (RFC 6266 / RFC 8187) when it has
 * accents or other non-ASCII characters.
 */
export function attachmentDisposition(name: string): string {
  const clean = name.replace(INVISIBLE, '').replace(UNSAFE, '_');
  const ascii = clean.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '_');
  const header = `attachment; filename="${ascii}"`;
  if (ascii === clean) return header;
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${header}; filename*=UTF-8''${encoded}`;
}

// The download rule lives with the other visibility rules; kept importable from here.
export { canDownloadDocument, type DownloadCheck } from './document-access';
