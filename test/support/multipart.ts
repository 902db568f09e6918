import { csrfFrom, type Agent } from './factories';

/** A minimal PDF that file-type recognises (one empty page). */
export function tinyPdf(text = 'Documento'): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`, 'latin1');
}

export interface FileSpec { name: string; bytes: Buffer; type?: string }

/**
 * Posts a multipart form as a browser does: the CSRF token and text fields first, then the
 * files under `fileField` (an empty file part when there are none). `token: null` sends no token.
 */
export async function postMultipart(agent: Agent, path: string, fields: Record<string, string>, files: FileSpec[], token?: string | null, fileField = 'documents') {
  let csrf = token;
  if (csrf === undefined) csrf = csrfFrom((await agent.get(path).expect(200)).text);
  let req = agent.post(path);
  if (csrf !== null) req = req.field('_csrf', csrf);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  if (files.length === 0) req = req.attach(fileField, Buffer.alloc(0), { filename: '', contentType: 'application/octet-stream' });
  for (const f of files) req = req.attach(fileField, f.bytes, { filename: f.name, contentType: f.type ?? 'application/pdf' });
  return req;
}
