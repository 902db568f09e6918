import { Router } from 'express';
import { claimOriginal, findInvoice, invoiceLines } from '../data/invoices-repo';
import { audit } from '../data/audit-repo';
import { invoiceCopyKind, invoiceFileName, isAvailable } from '../domain/invoices';
import { DomainError } from '../domain/errors';
import { makeSignedDuplicate, readOriginal } from '../services/invoice-documents';
import { deps } from '../web/middleware/auth';
import { invoiceGuard } from '../web/middleware/guards';
import { render } from '../web/render';
import { clientIp } from '../web/forms';
import { today } from './contracts';

export function invoiceRoutes(): Router {
  const router = Router();

  router.get('/facturas/:invoiceId', invoiceGuard('read'), async (req, res) => {
    const db = deps(req).db.knex;
    const invoice = await findInvoice(db, Number(req.params.invoiceId));
    if (!invoice || !isAvailable(invoice.issue_date, today(req))) throw new DomainError('not_found');
    const lines = await invoiceLines(db, invoice.id);
    const nextCopy = invoiceCopyKind({ issueDate: invoice.issue_date, delivery: invoice.delivery, originalDownloadedAt: invoice.original_downloaded_at }, today(req));
    render(req, res, 'invoices/summary', { title: res.locals.t('invoices.summary.title', { number: invoice.number }), invoice, lines, nextCopy }, { fragment: 'invoices/_summary' });
  });

  router.get('/facturas/:invoiceId/pdf', invoiceGuard('read'), async (req, res) => {
    const { db, clock, signer } = deps(req);
    const now = clock.now();
    const invoice = await findInvoice(db.knex, Number(req.params.invoiceId));
    if (!invoice) throw new DomainError('not_found');
    const planned = invoiceCopyKind({ issueDate: invoice.issue_date, delivery: invoice.delivery, originalDownloadedAt: invoice.original_downloaded_at }, today(req));
    if (planned === 'unavailable') throw new DomainError('not_found');
    // The claim and the read share a transaction: a failed read gives the original back.
    const { kind, pdf } = await db.knex.transaction(async (trx) => {
      if (planned === 'original' && await claimOriginal(trx, invoice.id, req.user!.id, now)) {
        const original = await readOriginal(trx, invoice.id);
        if (!original) throw new Error(`Invoice ${invoice.id} has no stored original`);
        await audit(trx, { actorType: 'user', actorId: req.user!.id, customerId: invoice.customer_id, action: 'invoice.original_downloaded', targetType: 'invoice', targetId: invoice.id, ip: clientIp(req), at: now });
        return { kind: 'original' as const, pdf: original };
      }
      await audit(trx, { actorType: 'user', actorId: req.user!.id, customerId: invoice.customer_id, action: 'invoice.duplicate_downloaded', targetType: 'invoice', targetId: invoice.id, ip: clientIp(req), at: now });
      return { kind: 'duplicate' as const, pdf: null };
    });
    const body = pdf ?? await makeSignedDuplicate(db.knex, invoice.id, signer, now);
    res.set({
      'Content-Disposition': `attachment; filename="${invoiceFileName(invoice.number, kind)}"`,
      'Cache-Control': 'private, no-store',
      'X-Invoice-Copy': kind,
    }).type('application/pdf').send(body);
  });

  return router;
}
