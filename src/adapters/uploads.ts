import crypto from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { fileTypeFromBuffer } from 'file-type';
import type { TFunction } from 'i18next';
import { acceptUpload, displayName, type DocumentMime, type UploadPolicy, type UploadRejection } from '../domain/documents';

/**
 * Multipart uploads (DESIGN.md §5, OWASP file upload): multer in memory with every limit set,
 * then the real type from the magic bytes (file-type) against an allowlist. Problems become
 * field errors for the form (never the generic error page), and nothing is stored here: the
 * route saves the accepted files in its own transaction.
 *
 * Usage, in this order (CSRF is checked only once the body is parsed):
 *   router.post(path, guard, parseUpload({ field, policy }), verifyCsrf, handler)
 * and in the handler `await inspectUpload(req, policy)`.
 */

export type UploadErrorCode = UploadRejection | 'too_many' | 'field_too_long' | 'malformed';

export interface UploadError {
  code: UploadErrorCode;
  /** The form field the message belongs next to. */
  field: string;
  /** The file concerned, as the user named it (cleaned for display). */
  fileName?: string;
}

export interface AcceptedFile {
  /** Safe display and storage name, with the extension of the real type. */
  name: string;
  mime: DocumentMime;
  size: number;
  sha256: string;
  content: Buffer;
}

export interface UploadOptions {
  /** The name of the file input (`<input type="file" name=… multiple>`). */
  field: string;
  policy: UploadPolicy;
  /** Text fields the form has (including `_csrf`); default 10. */
  maxFields?: number;
  /** Bytes of the longest text field; default 20 000 (a 4 000-character text in any script). */
  maxFieldBytes?: number;
}

interface ParsedUpload {
  field: string;
  error: UploadError | null;
  files: Express.Multer.File[];
}

declare module 'express-serve-static-core' {
  interface Request {
    upload?: ParsedUpload;
  }
}

function fromMulterError(err: unknown, field: string): UploadError {
  const e = err as { code?: string; field?: string; filename?: string } | null;
  const fileName = typeof e?.filename === 'string' ? displayName(e.filename) : undefined;
  switch (e?.code) {
    case 'LIMIT_FILE_SIZE':
      return { code: 'too_large', field, fileName };
    case 'LIMIT_FILE_COUNT':
      return { code: 'too_many', field };
    case 'LIMIT_UNEXPECTED_FILE':
      // more files than allowed under the input, or a file under another name
      return e.field === field ? { code: 'too_many', field } : { code: 'malformed', field };
    case 'LIMIT_FIELD_VALUE':
      return e.field ? { code: 'field_too_long', field: e.field } : { code: 'malformed', field };
    default:
      // too many parts or fields, odd field names, a broken multipart body, an aborted request
      return { code: 'malformed', field };
  }
}

/**
 * Parses a multipart form into `req.body` (text fields) and `req.upload` (files or the error).
 * Limit errors do not abort the request: the fields read before the problem are kept, so the
 * form comes back with what the user typed (text fields go before the file input in the form).
 */
export function parseUpload(opts: UploadOptions): RequestHandler {
  const maxFields = opts.maxFields ?? 10;
  const upload = multer({
    storage: multer.memoryStorage(),
    // browsers send UTF-8 file names ("reclamación.pdf") without saying so
    defParamCharset: 'utf8',
    limits: {
      fileSize: opts.policy.maxBytes,
      files: opts.policy.maxFiles,
      fields: maxFields,
      fieldSize: opts.maxFieldBytes ?? 20_000,
      fieldNameSize: 100,
      parts: maxFields + opts.policy.maxFiles,
      headerPairs: 20,
      fieldNestingDepth: 0,
      fieldArrayIndexLimit: 0,
    },
  }).array(opts.field, opts.policy.maxFiles);
  return (req: Request, res: Response, next: NextFunction) => {
    upload(req, res, (err?: unknown) => {
      const files = Array.isArray(req.files) ? req.files : [];
      req.upload = err ? { field: opts.field, error: fromMulterError(err, opts.field), files: [] } : { field: opts.field, error: null, files };
      req.body ??= Object.create(null);
      next();
    });
  };
}

/**
 * The files of the request, each checked by its magic bytes, size and name; or the first
 * problem (limits found while parsing come first).
 */
export async function inspectUpload(req: Request, policy: UploadPolicy): Promise<{ ok: true; files: AcceptedFile[] } | { ok: false; error: UploadError }> {
  const parsed = req.upload;
  if (!parsed) return { ok: true, files: [] };
  if (parsed.error) return { ok: false, error: parsed.error };
  if (parsed.files.length > policy.maxFiles) return { ok: false, error: { code: 'too_many', field: parsed.field } };
  const accepted: AcceptedFile[] = [];
  for (const f of parsed.files) {
    const content = f.buffer;
    const detected = content.length > 0 ? await fileTypeFromBuffer(content) : undefined;
    const decision = acceptUpload({ detectedMime: detected?.mime, size: content.length, declaredName: f.originalname ?? '' }, policy);
    if (!decision.ok) return { ok: false, error: { code: decision.code, field: parsed.field, fileName: displayName(f.originalname ?? '') } };
    accepted.push({ name: decision.safeName, mime: decision.mime, size: content.length, sha256: crypto.createHash('sha256').update(content).digest('hex'), content });
  }
  return { ok: true, files: accepted };
}

function megabytes(bytes: number, lang: string): string {
  return `${new Intl.NumberFormat(lang === 'ca' ? 'ca-ES' : 'es-ES', { maximumFractionDigits: 1 }).format(bytes / (1024 * 1024))} MB`;
}

/** The translated message for the field next to the file input (keys under `uploads.errors`). */
export function uploadErrorMessage(t: TFunction, lang: string, error: UploadError, policy: UploadPolicy): string {
  const params = { name: error.fileName ?? '', max: megabytes(policy.maxBytes, lang), maxFiles: policy.maxFiles };
  if (error.code === 'too_large' && !error.fileName) return t('uploads.errors.too_large_unnamed', params);
  return t(`uploads.errors.${error.code}`, params);
}
