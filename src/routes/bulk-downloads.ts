import { Router } from 'express';
import { invoicesForBulk, searchSupplies } from '../data/supplies-repo';
import { audit, auditMany } from '../data/audit-repo';
import { retentionCutoff } from '../domain/invoices';
import { csvEuros, parseInvoiceMonth, parseOverviewFilter } from '../domain/overview';
import { CSV_BOM, csvLine } from '../domain/csv';
import { linkLabels, overviewScope } from '../services/bulk-overview';
import { withBulkDownloadLease, writeInvoiceZip, zipEntryName } from '../services/bulk-invoices';
import { render } from '../web/render';
import { deps, requireUser, userAccess } from '../web/middleware/auth';
import { showOverview } from './dashboard';
import { todayInSpain } from '../domain/time';
import { clientIp } from '../web/forms';
import { holdResponseEnd } from '../web/download';

function monthName(month: string, lang: string): string {
  return new Date(`${month}-15T12:00:00Z`).toLocaleDateString(lang === 'ca' ? 'ca-ES' : 'es-ES', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function filterDetails(f: ReturnType<typeof parseOverviewFilter>): Record<string, string> {
  return Object.fromEntries(Object.entries({ q: f.q, rol: f.role ?? '', energia: f.energy ?? '' }).filter(([, v]) => v));
}

export function bulkDownloadRoutes(): Router {
  const router = Router();

  // The overview as a spreadsheet: the same filters, every page.
  router.get('/suministros.csv', requireUser, async (req, res) => {
    const { db, clock } = deps(req);
    const t = res.locals.t;
    const filter = parseOverviewFilter(req.query as Record<string, unknown>);
    const { accessById, search } = overviewScope(await userAccess(req), filter);
    const rows = await searchSupplies(db.knex, search);
    const labels = await linkLabels(db.knex, accessById, rows.map((r) => r.customer_id));
    const head = ['client', 'taxId', 'role', 'through', 'cups', 'energy', 'tariff', 'address', 'postalCode', 'municipality', 'contract', 'eBilling'];
    let csv = CSV_BOM + csvLine(head.map((h) => t(`overview.csv.${h}`)));
    for (const r of rows) {
      const link = labels.get(r.customer_id);
      csv += csvLine([r.customer_name, r.customer_tax_id, link ? t(`supplies.role.${link.role}`) : '', link?.managerName ?? '', r.cups,
        t(`supplies.energies.${r.energy}`), r.tariff, `${r.street} ${r.number}${r.floor_door ? `, ${r.floor_door}` : ''}`, r.postal_code, r.municipality,
        r.contract_number, t(r.e_billing ? 'overview.csv.yes' : 'overview.csv.no')]);
    }
    const now = clock.now();
    await audit(db.knex, { actorType: 'user', actorId: req.user!.id, action: 'supplies.csv_exported', ip: clientIp(req), at: now, details: { rows: rows.length, ...filterDetails(filter) } });
    res.set({
      'Content-Disposition': `attachment; filename="suministros-${todayInSpain(deps(req).clock.now())}.csv"`,
      'Cache-Control': 'private, no-store',
    }).type('text/csv; charset=utf-8').send(csv);
  });

  // A month's invoices of every client in the (filtered) overview: signed duplicates + a summary.
  router.get('/suministros/facturas.zip', requireUser, async (req, res) => {
    const { db, clock, signer, logger } = deps(req);
    const t = res.locals.t;
    const day = todayInSpain(deps(req).clock.now());
    const cutoff = retentionCutoff(day);
    const month = parseInvoiceMonth(req.query.mes, day, cutoff.slice(0, 7));
    if (!month.ok) {
      return showOverview(req, res, { status: 422, zipError: t(`overview.bulk.errors.${month.error}`) });
    }
    const filter = parseOverviewFilter(req.query as Record<string, unknown>);
    const { search } = overviewScope(await userAccess(req), filter);
    // within retention to the day, as a single download would check
    const rows = (await invoicesForBulk(db.knex, search, month.from, month.to)).filter((r) => r.issue_date >= cutoff && r.issue_date <= day);
    if (rows.length === 0) {
      return showOverview(req, res, { status: 404, zipMonth: month.month, zipError: t('overview.bulk.errors.empty', { month: monthName(month.month, res.locals.lang) }) });
    }
    const now = clock.now();
    // the lease is given back before the ZIP's last bytes go out, so the next download is free
    const releaseEnd = holdResponseEnd(res);
    const outcome = await withBulkDownloadLease(db.knex, req.user!.id, now, async () => {
      const customers = new Map<number, number>();
      for (const r of rows) customers.set(r.customer_id, (customers.get(r.customer_id) ?? 0) + 1);
      // one row per client, so each client's history shows who downloaded its invoices
      await auditMany(db.knex, [...customers].map(([customerId, count]) => ({
        actorType: 'user' as const, actorId: req.user!.id, customerId, action: 'invoice.bulk_downloaded', ip: clientIp(req), at: now,
        details: { month: month.month, invoices: count, copy: 'duplicate', clients: customers.size, ...filterDetails(filter) },
      })));

      const head = ['client', 'taxId', 'cups', 'invoice', 'periodStart', 'periodEnd', 'issueDate', 'total', 'status', 'file'];
      let summary = CSV_BOM + csvLine(head.map((h) => t(`overview.zipCsv.${h}`)));
      for (const r of rows) {
        summary += csvLine([r.customer_name, r.customer_tax_id, r.cups, r.number, r.period_start, r.period_end, r.issue_date, csvEuros(r.total_cents),
          t(`invoices.status.${r.status}`), zipEntryName(r)]);
      }
      res.set({
        'Content-Disposition': `attachment; filename="facturas-${month.month}.zip"`,
        'Cache-Control': 'private, no-store',
        'X-Invoice-Copy': 'duplicate',
      }).type('application/zip');
      try {
        const result = await writeInvoiceZip(db.knex, signer, rows, summary, res, now);
        if (result.aborted) logger.info({ invoices: result.invoices, of: rows.length }, 'bulk invoice download abandoned by the client');
      } catch (err) {
        // Headers are gone: cut the connection so a truncated ZIP is not taken for a whole one.
        logger.error({ err }, 'bulk invoice download failed');
        res.destroy(err as Error);
      }
    }).finally(releaseEnd);
    if (outcome.busy) {
      // one ZIP per user at a time: the pool serves everybody, not one person's twelve tabs
      res.set('Retry-After', '30');
      render(req, res, 'errors/error', { errorKey: 'bulkBusy', errorId: null }, { status: 429 });
    }
  });

  return router;
}
