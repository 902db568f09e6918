import type { Access } from '../domain/access';
import { complaintPayload, type ComplaintCategory } from '../domain/complaints';
import { complaintDeadline } from '../domain/requests';
import { todayInSpain } from '../domain/time';
import { DomainError } from '../domain/errors';
import { findContract } from '../data/contracts-repo';
import { insertDocuments } from '../data/documents-repo';
import { insertEvent } from '../data/requests-repo';
import { audit } from '../data/audit-repo';
import type { AcceptedFile } from '../adapters/uploads';
import type { UseCaseContext } from './context';
import { createRequest } from './requests';

/**
 * A complaint with attachments (issue 5 item 8): the gestión, its whole text in the timeline,
 * the documents and an audit row for each, in one transaction; answered within a month.
 */
export async function fileComplaint(ctx: UseCaseContext, input: {
  contractId: number;
  access: Access;
  complaint: { category: ComplaintCategory; description: string };
  files: readonly AcceptedFile[];
}): Promise<{ id: number; reference: string; deadline: Date }> {
  const { actor, now, config } = ctx;
  const c = await findContract(ctx.db, input.contractId);
  if (!c) throw new DomainError('not_found');
  const deadline = complaintDeadline(now);
  const files = input.files;
  const created = await ctx.db.transaction(async (trx) => {
    const r = await createRequest(trx, {
      type: 'complaint', customerId: c.customer_id, contractId: c.id, access: input.access,
      payload: {
        ...complaintPayload(
          {
            category: input.complaint.category, description: input.complaint.description, attachments: files.length,
            deadline: todayInSpain(deadline),
          },
        ),
      },
    }, actor, now, config);
    // the whole text, in the request's timeline (the payload keeps an excerpt)
    await insertEvent(
      trx,
      {
        requestId: r.id, at: now, kind: 'note', note: input.complaint.description, actorType: 'user',
        actorId: actor.userId,
      },
    );
    const ids = await insertDocuments(trx, files.map((f) => ({
      customerId: c.customer_id, requestId: r.id, uploadedBy: actor.userId, fileName: f.name, mimeType: f.mime,
      sizeBytes: f.size, sha256: f.sha256, content: f.content, createdAt: now,
    })));
    for (const [i, id] of ids.entries()) {
      const f = files[i]!;
      await audit(trx, {
        actorType: 'user', actorId: actor.userId, customerId: c.customer_id, action: 'document.uploaded',
        targetType: 'document', targetId: id, ip: actor.ip, at: now,
        details: { requestId: r.id, reference: r.reference, mime: f.mime, size: f.size, sha256: f.sha256 },
      });
    }
    return r;
  });
  ctx.mailer?.kick();
  return { ...created, deadline };
}
