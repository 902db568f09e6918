import { Router, type Response } from 'express';
import type { AppDeps } from '../deps';
import { CSV_BOM, csvLine } from '../domain/csv';
import { csvEuros, parseOverviewFilter } from '../domain/overview';
import { todayInSpain } from '../domain/time';
import type { BulkInvoiceRow } from '../data/supplies-repo';
import {
  exportSupplies, planInvoiceZip, sendInvoiceZip, zipEntryName, type SuppliesExport,
} from '../services/bulk-downloads';
import { accessOf, requireUser } from '../web/current-user';
import { holdResponseEnd } from '../web/download';
import { overviewPage } from '../web/overview-page';
import { render } from '../web/render';
import { userContext } from '../web/use-case-context';

type T = Response['locals']['t'];

function suppliesCsv(t: T, { rows, labels }: SuppliesExport): string {
  const head = [
    'client', 'taxId', 'role', 'through', 'cups', 'energy', 'tariff', 'address', 'postalCode', 'municipality',
    'contract', 'eBilling',
  ];
  let csv = CSV_BOM + csvLine(head.map((h) => t(`overview.csv.${h}`)));
  for (const r of rows) {
    const link = labels.get(r.customer_id);
    csv += csvLine([
      r.customer_name, r.customer_tax_id, link ? t(`supplies.role.${link.role}`) : '', link?.managerName ?? '', r.cups,
      t(`supplies.energies.${r.energy}`), r.tariff, `${r.street} ${r.number}${r.floor_door ? `, ${r.floor_door}` : ''}`,
      r.postal_code, r.municipality, r.contract_number, t(r.e_billing ? 'overview.csv.yes' : 'overview.csv.no'),
    ]);
  }
  return csv;
}

/** The summary that opens the ZIP: one line per invoice, naming its file in the archive. */
function zipSummary(t: T, rows: BulkInvoiceRow[]): string {
  const head = [
    'client', 'taxId', 'cups', 'invoice', 'periodStart', 'periodEnd', 'issueDate', 'total', 'status', 'file',
  ];
  let csv = CSV_BOM + csvLine(head.map((h) => t(`overview.zipCsv.${h}`)));
  for (const r of rows) {
    csv += csvLine([
      r.customer_name, r.customer_tax_id, r.cups, r.number, r.period_start, r.period_end, r.issue_date,
      csvEuros(r.total_cents), t(`invoices.status.${r.status}`), zipEntryName(r),
    ]);
  }
  return csv;
}

export function bulkDownloadRoutes(d: AppDeps): Router {
  const router = Router();
  const overview = overviewPage(d);

  // The overview as a spreadsheet: the same filters, every page.
  router.get('/suministros.csv', requireUser, async (req, res) => {
    const ctx = userContext(d, req);
    const filter = parseOverviewFilter(req.query as Record<string, unknown>);
    const found = await exportSupplies(ctx, await accessOf(d.db.knex, req), filter);
    res.set({
      'Content-Disposition': `attachment; filename="suministros-${todayInSpain(ctx.now)}.csv"`,
      'Cache-Control': 'private, no-store',
    }).type('text/csv; charset=utf-8').send(suppliesCsv(res.locals.t, found));
  });

  // A month's invoices of every client in the (filtered) overview: signed duplicates + a summary.
  router.get('/suministros/facturas.zip', requireUser, async (req, res) => {
    const t = res.locals.t;
    const ctx = userContext(d, req);
    const filter = parseOverviewFilter(req.query as Record<string, unknown>);
    const plan = await planInvoiceZip(ctx, await accessOf(d.db.knex, req), { month: req.query.mes, filter });
    if (plan.kind === 'invalid') {
      return overview(req, res, { status: 422, zipError: t(`overview.bulk.errors.${plan.error}`) });
    }
    if (plan.kind === 'empty') {
      const month = res.locals.fmt.month(plan.month);
      return overview(
        req, res, { status: 404, zipMonth: plan.month, zipError: t('overview.bulk.errors.empty', { month }) },
      );
    }
    const open = () => res.set({
      'Content-Disposition': `attachment; filename="facturas-${plan.month}.zip"`,
      'Cache-Control': 'private, no-store',
      'X-Invoice-Copy': 'duplicate',
    }).type('application/zip');
    let outcome;
    // the lease is given back before the ZIP's last bytes go out, so the next download is free
    const releaseEnd = holdResponseEnd(res);
    try {
      outcome = await sendInvoiceZip(ctx, plan, zipSummary(t, plan.rows), open);
    } catch (err) {
      if (!res.headersSent) throw err;
      // Headers are gone: cut the connection so a truncated ZIP is not taken for a whole one.
      d.logger.error({ err }, 'bulk invoice download failed');
      res.destroy(err as Error);
      return;
    } finally {
      releaseEnd();
    }
    if (outcome.busy) {
      // one ZIP per user at a time: the pool serves everybody, not one person's twelve tabs
      res.set('Retry-After', '30');
      return render(req, res, 'errors/error', { errorKey: 'bulkBusy', errorId: null }, { status: 429 });
    }
    const r = outcome.result;
    if (r.aborted) {
      d.logger.info({ invoices: r.invoices, of: plan.rows.length }, 'bulk invoice download abandoned by the client');
    }
  });

  return router;
}
