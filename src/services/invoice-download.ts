import type { Knex } from 'knex';
import type { Access } from '../domain/access';
import { DomainError } from '../domain/errors';
import { invoiceCopyKind, invoiceFileName, isAvailable, mayReceiveOriginal, type CopyKind } from '../domain/invoices';
import { todayInSpain } from '../domain/time';
import { audit } from '../data/audit-repo';
import { claimOriginal, findInvoice, invoiceLines, type InvoiceDetail } from '../data/invoices-repo';
import type { UseCaseContext } from './context';
import { readOriginal, signedDuplicate } from './invoice-documents';

export interface InvoiceSummary {
  invoice: InvoiceDetail;
  lines: Awaited<ReturnType<typeof invoiceLines>>;
  /** What a download by this user gets now: the original only through the explicit button. */
  nextCopy: CopyKind;
  /** The original is still there and this user may take it. */
  canTakeOriginal: boolean;
}

export async function invoiceSummary(
  ctx: UseCaseContext, input: { invoiceId: number; access: Access },
): Promise<InvoiceSummary> {
  const today = todayInSpain(ctx.now);
  const invoice = await findInvoice(ctx.db, input.invoiceId);
  if (!invoice || !isAvailable(invoice.issue_date, today)) throw new DomainError('not_found');
  const lines = await invoiceLines(ctx.db, invoice.id);
  const nextCopy = invoiceCopyKind(
    { issueDate: invoice.issue_date, delivery: invoice.delivery, originalDownloadedAt: invoice.original_downloaded_at },
    today,
  );
  return { invoice, lines, nextCopy, canTakeOriginal: nextCopy === 'original' && mayReceiveOriginal(input.access.via) };
}

export interface InvoiceFile {
  kind: 'original' | 'duplicate';
  pdf: Buffer;
  fileName: string;
  /** A duplicate's stored version (the same bytes on every download): ETag and Last-Modified. */
  version?: { sha256: string; generatedAt: Date };
}

/**
 * A download of an invoice's PDF. Only an explicit request for the original (a POST) by someone
 * who may receive it claims it — atomically, so one download ever gets it; every other download
 * is the signed duplicate (made once, then served as stored). The claim and the read share a
 * transaction: a failed read gives the original back.
 */
export async function downloadInvoice(
  ctx: UseCaseContext, input: { invoiceId: number; access: Access; original: boolean },
): Promise<InvoiceFile> {
  const { actor, now } = ctx;
  const invoice = await findInvoice(ctx.db, input.invoiceId);
  if (!invoice) throw new DomainError('not_found');
  const planned = invoiceCopyKind(
    { issueDate: invoice.issue_date, delivery: invoice.delivery, originalDownloadedAt: invoice.original_downloaded_at },
    todayInSpain(now),
  );
  if (planned === 'unavailable') throw new DomainError('not_found');
  const tryOriginal = input.original && planned === 'original' && mayReceiveOriginal(input.access.via);
  const via = input.access.via?.kind === 'manager' ? { viaManager: input.access.via.managerCustomerId } : {};
  const duplicateAudit = (db: Knex) => audit(db, {
    actorType: 'user', actorId: actor.userId, customerId: invoice.customer_id, action: 'invoice.duplicate_downloaded',
    targetType: 'invoice', targetId: invoice.id, ip: actor.ip, at: now,
    ...(Object.keys(via).length ? { details: via } : {}),
  });
  // the everyday download (a duplicate) is one audit row, one statement: no transaction to open
  const claim = () => ctx.db.transaction(async (trx) => {
    if (await claimOriginal(trx, invoice.id, actor.userId, now)) {
      const pdf = await readOriginal(trx, invoice.id);
      if (!pdf) throw new Error(`Invoice ${invoice.id} has no stored original`);
      await audit(
        trx,
        {
          actorType: 'user', actorId: actor.userId, customerId: invoice.customer_id,
          action: 'invoice.original_downloaded', targetType: 'invoice', targetId: invoice.id, ip: actor.ip, at: now,
        },
      );
      return pdf;
    }
    await duplicateAudit(trx);
    return null;
  });
  const original = tryOriginal ? await claim() : await duplicateAudit(ctx.db).then(() => null);
  if (original) return { kind: 'original', pdf: original, fileName: invoiceFileName(invoice.number, 'original') };
  if (!ctx.signer) throw new Error('downloadInvoice needs a signer');
  const dup = await signedDuplicate(ctx.db, invoice.id, ctx.signer, now);
  return {
    kind: 'duplicate',
    pdf: dup.pdf,
    fileName: invoiceFileName(invoice.number, 'duplicate'),
    version: { sha256: dup.sha256, generatedAt: dup.generatedAt },
  };
}
