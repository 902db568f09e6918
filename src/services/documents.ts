import type { Access } from '../domain/access';
import { canDownloadDocument } from '../domain/document-access';
import { DomainError } from '../domain/errors';
import { audit } from '../data/audit-repo';
import { documentContent, findDocumentMeta, type DocumentMeta } from '../data/documents-repo';
import type { StaffContext, UseCaseContext } from './context';

/** An uploaded document with its bytes, for a download that was allowed and audited. */
export interface DocumentFile { meta: DocumentMeta; content: Buffer }

/**
 * A customer user's download of an uploaded document: only to those allowed (uploader,
 * holder or representative); everybody else is told "not found". Every download is audited.
 */
export async function downloadDocument(
  ctx: UseCaseContext, input: { documentId: number; accessTo(customerId: number): Promise<Access> },
): Promise<DocumentFile> {
  const meta = await findDocumentMeta(ctx.db, input.documentId);
  if (!meta) throw new DomainError('not_found');
  const access = await input.accessTo(meta.customer_id);
  if (
    !canDownloadDocument(
      { userId: ctx.actor.userId, uploaderId: meta.uploaded_by, customerAccess: access, isStaff: false },
    )
  ) throw new DomainError('not_found');
  const content = await documentContent(ctx.db, meta.id);
  if (!content) throw new DomainError('not_found');
  await audit(ctx.db, {
    actorType: 'user', actorId: ctx.actor.userId, customerId: meta.customer_id, action: 'document.downloaded',
    targetType: 'document', targetId: meta.id,
    ip: ctx.actor.ip, at: ctx.now, ...(
      access.via?.kind === 'manager' ? { details: { viaManager: access.via.managerCustomerId } } : {}
    ),
  });
  return { meta, content };
}

/** Any staff member may read any uploaded document (reviews); audited like every download. */
export async function downloadDocumentAsStaff(ctx: StaffContext, input: { documentId: number }): Promise<DocumentFile> {
  const meta = await findDocumentMeta(ctx.db, input.documentId);
  if (
    !meta || !canDownloadDocument(
      {
        userId: null, uploaderId: meta.uploaded_by, customerAccess: { read: false, manageContacts: false },
        isStaff: true,
      },
    )
  ) {
    throw new DomainError('not_found');
  }
  const content = await documentContent(ctx.db, meta.id);
  if (!content) throw new DomainError('not_found');
  await audit(ctx.db, {
    actorType: 'staff', actorId: ctx.actor.id, ip: ctx.actor.ip, customerId: meta.customer_id,
    action: 'document.downloaded', targetType: 'document', targetId: meta.id,
    at: ctx.now, details: { requestId: meta.request_id },
  });
  return { meta, content };
}
