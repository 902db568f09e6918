import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../deps';
import type { Access } from '../domain/access';
import { downloadInvoice, invoiceSummary, type InvoiceFile } from '../services/invoice-download';
import { render } from '../web/render';
import { userContext } from '../web/use-case-context';
import { guards } from '../web/guards';

function sendPdf(req: Request, res: Response, file: InvoiceFile): void {
  res.set({
    'Content-Disposition': `attachment; filename="${file.fileName}"`,
    'Cache-Control': 'private, no-store',
    'X-Invoice-Copy': file.kind,
  }).type('application/pdf');
  // a duplicate is the same stored bytes every time: a client that kept it may ask if it changed
  if (file.version) {
    res.set({ ETag: `"${file.version.sha256}"`, 'Last-Modified': file.version.generatedAt.toUTCString() });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
  }
  res.send(file.pdf);
}

export function invoiceRoutes(deps: AppDeps): Router {
  const router = Router();
  const guard = guards(deps);

  router.get('/facturas/:invoiceId', guard.invoice('read'), async (req, res) => {
    const s = await invoiceSummary(
      userContext(deps, req), { invoiceId: Number(req.params.invoiceId), access: res.locals.customerAccess as Access },
    );
    render(
      req, res, 'invoices/summary',
      { title: res.locals.t('invoices.summary.title', { number: s.invoice.number }), ...s },
      { fragment: 'invoices/_summary' },
    );
  });

  // A link, a prefetch or another site's GET never uses up the original: always a signed duplicate.
  router.get('/facturas/:invoiceId/pdf', guard.invoice('read'), async (req, res) => {
    sendPdf(req, res, await downloadInvoice(userContext(deps, req), {
      invoiceId: Number(req.params.invoiceId), access: res.locals.customerAccess as Access, original: false,
    }));
  });

  // The explicit "download the original" button (a form with the CSRF token, no JavaScript needed).
  router.post('/facturas/:invoiceId/original', guard.invoice('read'), async (req, res) => {
    sendPdf(req, res, await downloadInvoice(userContext(deps, req), {
      invoiceId: Number(req.params.invoiceId), access: res.locals.customerAccess as Access, original: true,
    }));
  });

  return router;
}
