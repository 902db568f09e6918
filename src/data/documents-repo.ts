import type { Knex } from 'knex';
import type { DocumentMime } from '../domain/documents';

export interface NewDocument {
  customerId: number;
  requestId: number | null;
  uploadedBy: number | null;
  fileName: string;
  mimeType: DocumentMime;
  sizeBytes: number;
  sha256: string;
  content: Buffer;
  createdAt: Date;
}

/** What is needed to decide on a download, without the bytes. */
export interface DocumentMeta {
  id: number;
  customer_id: number;
  request_id: number | null;
  uploaded_by: number | null;
  file_name: string;
  mime_type: DocumentMime;
  size_bytes: number;
  sha256: string;
  created_at: Date;
}

export async function insertDocuments(db: Knex, docs: readonly NewDocument[]): Promise<number[]> {
  if (docs.length === 0) return [];
  const rows = await db('documents').insert(docs.map((d) => ({
    customer_id: d.customerId, request_id: d.requestId, uploaded_by: d.uploadedBy, file_name: d.fileName,
    mime_type: d.mimeType,
    size_bytes: d.sizeBytes, sha256: d.sha256, content: d.content, created_at: d.createdAt,
  }))).returning('id');
  return rows.map((r: { id: number }) => r.id);
}

export async function findDocumentMeta(db: Knex, id: number): Promise<DocumentMeta | undefined> {
  const row = await db('documents').where({ id })
    .first(
      'id', 'customer_id', 'request_id', 'uploaded_by', 'file_name', 'mime_type', 'size_bytes', 'sha256', 'created_at',
    );
  return row;
}

export async function documentContent(db: Knex, id: number): Promise<Buffer | undefined> {
  const row = await db('documents').where({ id }).first('content');
  return row?.content as Buffer | undefined;
}

export async function documentsOfRequest(db: Knex, requestId: number): Promise<DocumentMeta[]> {
  return db('documents').where({ request_id: requestId }).orderBy('id')
    .select(
      'id', 'customer_id', 'request_id', 'uploaded_by', 'file_name', 'mime_type', 'size_bytes', 'sha256', 'created_at',
    );
}
