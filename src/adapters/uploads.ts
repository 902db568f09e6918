import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { fileTypeFromFile } from 'file-type';
import type { TFunction } from 'i18next';
import {
  acceptUpload, displayName, type DocumentMime, type UploadPolicy, type UploadRejection,
} from '../domain/documents';
import { inspectContent, type ContentRejection } from './upload-content';

/**
 * Multipart uploads (DESIGN.md §5, OWASP file upload): multer with every limit set, each file
 * streamed to a private temporary folder (never held in memory while it arrives), then the real
 * type from the magic bytes (file-type) against an allowlist, and the content checked (no
 * scripts or actions in PDFs, no metadata in images, no polyglots: ./upload-content.ts).
 * Problems become field errors for the form (never the generic error page), and nothing is
 * stored here: the route saves the accepted files in its own transaction. The temporary files
 * are removed when the response ends.
 *
 * Before the body is read, the route's guard has checked the session; the CSRF token is checked
 * from the `x-csrf-token` header by the CSRF middleware, or here from the `_csrf` field, which
 * forms put before their file inputs: a file part met without a valid token ends the request
 * (403) before any of its bytes is accepted.
 *
 *   router.post(path, guard, parseUpload({ field, policy }), handler)
 * and in the handler `await inspectUpload(req, policy)`.
 */

export type UploadErrorCode = UploadRejection | ContentRejection | 'too_many' | 'field_too_long' | 'malformed';

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
  /** What is stored: the upload as sent (PDF), or without its metadata (images). */
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
    /**
     * Set by the CSRF middleware on a multipart request whose token travels in the body: tells
     * whether the fields read so far carry the session's token.
     */
    csrfInBody?: () => boolean;
  }
}

/** Marks the upload parser, so the CSRF middleware knows which routes may receive multipart. */
export const ACCEPTS_UPLOAD = Symbol.for('area-clientes.acceptsUpload');

class UploadCsrfError extends Error {
  readonly status = 403;
  readonly code = 'EBADCSRFTOKEN';
  constructor() {
    super('invalid csrf token');
  }
}

// The early answer of a request whose token is missing, for the file filter to give.
const refusals = new WeakMap<Request, () => void>();

let tmpRoot: string | null = null;

/** A folder only this process's user can read, created on first use. */
function uploadTmpDir(): string {
  tmpRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), 'area-clientes-uploads-'));
  return tmpRoot;
}

const diskStorage = multer.diskStorage({
  destination: (_req, _file, cb) => cb(null, uploadTmpDir()),
  // random names: the user's file name never reaches the file system
  filename: (_req, _file, cb) => cb(null, crypto.randomBytes(16).toString('hex')),
});

function removeFiles(files: Express.Multer.File[]): void {
  for (const f of files) if (f.path) fs.rm(f.path, { force: true }, () => undefined);
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
    storage: diskStorage,
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
    fileFilter: (req, _file, cb) => {
      if (!req.csrfInBody || req.csrfInBody()) return cb(null, true);
      // answered now, not once multer has drained the rest of the body
      refusals.get(req)?.();
      cb(new UploadCsrfError());
    },
  }).array(opts.field, opts.policy.maxFiles);
  const handler = (req: Request, res: Response, next: NextFunction) => {
    req.body ??= Object.create(null);
    let settled = false;
    const stored: Express.Multer.File[] = [];
    res.once('close', () => removeFiles(stored));
    const refuse = () => {
      if (settled) return;
      settled = true;
      // the rest of the body is not wanted: answer now and close the connection
      res.set('Connection', 'close');
      next(new UploadCsrfError());
    };
    refusals.set(req, refuse);
    upload(req, res, (err?: unknown) => {
      const files = Array.isArray(req.files) ? req.files : [];
      stored.push(...files);
      if (res.writableEnded) removeFiles(files);
      if (err instanceof UploadCsrfError || (req.csrfInBody && !req.csrfInBody())) return refuse();
      if (settled) return;
      settled = true;
      req.upload = err ? { field: opts.field, error: fromMulterError(err, opts.field), files: [] } : {
        field: opts.field, error: null, files,
      };
      next();
    });
  };
  (handler as unknown as Record<symbol, boolean>)[ACCEPTS_UPLOAD] = true;
  return handler;
}

/**
 * The files of the request, each checked by its magic bytes, size, name and content; or the
 * first problem (limits found while parsing come first). Only files that passed the size and
 * type checks are read into memory, to be stored.
 */
export async function inspectUpload(
  req: Request, policy: UploadPolicy,
): Promise<{ ok: true; files: AcceptedFile[] } | { ok: false; error: UploadError }> {
  const parsed = req.upload;
  if (!parsed) return { ok: true, files: [] };
  if (parsed.error) return { ok: false, error: parsed.error };
  if (parsed.files.length > policy.maxFiles) return { ok: false, error: { code: 'too_many', field: parsed.field } };
  const accepted: AcceptedFile[] = [];
  for (const f of parsed.files) {
    const fileName = displayName(f.originalname ?? '');
    const detected = f.size > 0 ? await fileTypeFromFile(f.path) : undefined;
    const decision = acceptUpload(
      { detectedMime: detected?.mime, size: f.size, declaredName: f.originalname ?? '' }, policy,
    );
    if (!decision.ok) return { ok: false, error: { code: decision.code, field: parsed.field, fileName } };
    const checked = inspectContent(decision.mime, await fs.promises.readFile(f.path));
    if (!checked.ok) return { ok: false, error: { code: checked.code, field: parsed.field, fileName } };
    const content = checked.content;
    accepted.push(
      {
        name: decision.safeName, mime: decision.mime, size: content.length,
        sha256: crypto.createHash('sha256').update(content).digest('hex'), content,
      },
    );
  }
  return { ok: true, files: accepted };
}

function megabytes(bytes: number, lang: string): string {
  const format = new Intl.NumberFormat(lang === 'ca' ? 'ca-ES' : 'es-ES', { maximumFractionDigits: 1 });
  return `${format.format(bytes / (1024 * 1024))} MB`;
}

/** The translated message for the field next to the file input (keys under `uploads.errors`). */
export function uploadErrorMessage(t: TFunction, lang: string, error: UploadError, policy: UploadPolicy): string {
  const params = { name: error.fileName ?? '', max: megabytes(policy.maxBytes, lang), maxFiles: policy.maxFiles };
  if (error.code === 'too_large' && !error.fileName) return t('uploads.errors.too_large_unnamed', params);
  return t(`uploads.errors.${error.code}`, params);
}
