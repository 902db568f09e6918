import type { Request, Response } from 'express';
import type { UploadPolicy } from '../domain/documents';
import { inspectUpload, uploadErrorMessage, type AcceptedFile } from '../adapters/uploads';
import type { FieldErrors } from './validation';

/**
 * The documents of a form that requires them: each checked by its magic bytes and size, within
 * the policy's count. Problems go next to the file input (`field`); the caller keeps what was typed.
 */
export async function requiredDocuments(
  req: Request, res: Response, e: FieldErrors, policy: UploadPolicy, field = 'documents',
  requiredKey = 'representative.errors.documentsRequired',
): Promise<AcceptedFile[]> {
  const upload = await inspectUpload(req, policy);
  if (!upload.ok) {
    e.addText(field, uploadErrorMessage(res.locals.t, res.locals.lang, upload.error, policy));
    return [];
  }
  if (upload.files.length === 0) e.add(field, requiredKey);
  return upload.files;
}
