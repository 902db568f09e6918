import { Router, type Request, type Response } from 'express';
import { monthlyConsumption, setEBilling, type ContractView } from '../data/contracts-repo';
import { listContractInvoices } from '../data/invoices-repo';
import { audit } from '../data/audit-repo';
import { eBillingEligibility } from '../domain/e-billing';
import { retentionCutoff } from '../domain/invoices';
import { maskIban } from '../domain/ids';
import { findProduct } from '../domain/tariffs';
import { chartGeometry, consumptionCsv, consumptionHistory } from '../domain/consumption';
import { queueMail } from '../adapters/mail/outbox';
import { deps } from '../web/middleware/auth';
import { contractGuard, loadGuardedContract } from '../web/middleware/guards';
import { render } from '../web/render';
import { clientIp } from '../web/forms';
import { contractPowers } from '../services/contract-powers';
import { todayInSpain } from '../domain/time';

const PAGE_SIZE = 12;

export function today(req: Request): string {
  return deps(req).clock.now().toISOString().slice(0, 10);
}


/** The gestiones offered on a contract page (paths under /contratos/:id/). */
function gestionesFor(c: ContractView): { path: string; label: string }[] {
  return [
    { path: 'lectura', label: 'requests.types.meter_reading' },
    ...(c.energy === 'electricity' ? [{ path: 'potencia', label: 'requests.types.power_change' }] : []),
    { path: 'domiciliacion', label: 'requests.types.direct_debit' },
    { path: 'pagar', label: 'payments.title' },
    ...(c.customer_kind !== 'individual' ? [{ path: 'dia-pago', label: 'requests.types.payment_day' }] : []),
    { path: 'correspondencia', label: 'requests.types.correspondence_address' },
    { path: 'reclamacion', label: 'requests.types.complaint' },
  ];
}

function contractLocals(res: Response, c: ContractView) {
  return {
    gestiones: gestionesFor(c),
    contract: c,
    product: findProduct(c.product_code),
    maskedIban: c.iban ? maskIban(c.iban) : null,
    eligibility: eBillingEligibility({ status: c.status, altPayerName: c.alt_payer_name, altRecipientName: c.alt_recipient_name }),
    canAct: res.locals.customerAccess?.act === true,
  };
}

/** The month before today's: the last one with complete consumption. */
function lastClosedMonth(todayIso: string): string {
  const [y, m] = todayIso.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 2, 1));
  return d.toISOString().slice(0, 7);
}

function monthsBefore(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 - n, 1)).toISOString().slice(0, 7);
}

async function history(req: Request, c: ContractView) {
  const last = lastClosedMonth(today(req));
  // 24 months shown, and 12 more so each shown month has its previous-year value.
  const data = await monthlyConsumption(deps(req).db.knex, c.id, monthsBefore(last, 35), last);
  return consumptionHistory(data, last, 24);
}

export function contractRoutes(): Router {
  const router = Router();

  router.get('/contratos/:contractId', contractGuard('read'), async (req, res) => {
    const c = await loadGuardedContract(req);
    const invoices = await listContractInvoices(deps(req).db.knex, c.id, { cutoff: retentionCutoff(today(req)), limit: 3, offset: 0 });
    const powers = await contractPowers(deps(req).db.knex, c, todayInSpain(deps(req).clock.now()), res.locals.lang);
    render(req, res, 'contracts/page', { title: res.locals.t('contracts.title', { address: `${c.street} ${c.sp_number}` }), ...contractLocals(res, c), invoices: invoices.rows, powers });
  });

  router.post('/contratos/:contractId/factura-electronica', contractGuard('act'), async (req, res) => {
    const { db, clock } = deps(req);
    const now = clock.now();
    const c = await loadGuardedContract(req);
    const enable = (req.body as Record<string, unknown>)?.enable === '1';
    const eligibility = eBillingEligibility({ status: c.status, altPayerName: c.alt_payer_name, altRecipientName: c.alt_recipient_name });
    if (enable && !eligibility.eligible) {
      res.status(409);
      return render(req, res, 'contracts/page', { title: res.locals.t('contracts.title', { address: `${c.street} ${c.sp_number}` }), ...contractLocals(res, c), invoices: [], ebillingError: res.locals.t(`contracts.ebilling.notEligible.${eligibility.reason}`) }, { status: 409 });
    }
    if (c.e_billing !== enable) {
      await db.knex.transaction(async (trx) => {
        await setEBilling(trx, c.id, enable);
        await audit(trx, { actorType: 'user', actorId: req.user!.id, customerId: c.customer_id, action: enable ? 'e_billing.on' : 'e_billing.off', targetType: 'contract', targetId: c.id, ip: clientIp(req), at: now });
        await queueMail(trx, { to: req.user!.email, lang: req.user!.language, template: enable ? 'e_billing_on' : 'e_billing_off', params: { name: req.user!.firstName, address: `${c.street} ${c.sp_number}, ${c.municipality}` }, userId: req.user!.id, customerId: c.customer_id });
      });
      deps(req).mailer?.kick();
    }
    req.session.flash = { kind: 'success', key: enable ? 'contracts.ebilling.enabled' : 'contracts.ebilling.disabled' };
    const back = (req.body as Record<string, unknown>)?.from === 'suministros' ? '/suministros' : `/contratos/${c.id}`;
    res.redirect(303, back);
  });

  router.get('/contratos/:contractId/consumo', contractGuard('read'), async (req, res) => {
    const c = await loadGuardedContract(req);
    const rows = await history(req, c);
    const t = res.locals.t;
    const fmt = new Intl.NumberFormat(res.locals.lang === 'ca' ? 'ca-ES' : 'es-ES');
    const chart = chartGeometry(rows, { energy: c.energy, monthNames: t('consumption.months', { returnObjects: true }) as unknown as string[], formatNumber: (n) => fmt.format(n) });
    render(req, res, 'contracts/consumption', {
      title: t('consumption.title'), ...contractLocals(res, c), rows, chart, energy: c.energy, csvUrl: `/contratos/${c.id}/consumo.csv`,
    });
  });

  router.get('/contratos/:contractId/consumo.csv', contractGuard('read'), async (req, res) => {
    const c = await loadGuardedContract(req);
    const rows = await history(req, c);
    const t = res.locals.t;
    const headers = t('consumption.csv', { returnObjects: true }) as unknown as Record<string, string>;
    // gas has a single kWh column, headed as consumption rather than a total of periods
    const csv = consumptionCsv(rows, { energy: c.energy, headers: { ...headers, total: c.energy === 'gas' ? headers.gasTotal! : headers.total! } as never });
    res.set('Content-Disposition', `attachment; filename="consumo-${c.cups}.csv"`).type('text/csv; charset=utf-8').send(csv);
  });

  router.get('/contratos/:contractId/facturas', contractGuard('read'), async (req, res) => {
    const c = await loadGuardedContract(req);
    const yearParam = Number(req.query.anio);
    const year = Number.isInteger(yearParam) && yearParam > 2000 && yearParam < 2100 ? yearParam : undefined;
    const pageParam = Number(req.query.pagina);
    const page = Number.isInteger(pageParam) && pageParam > 0 && pageParam < 10_000 ? pageParam : 1;
    const list = await listContractInvoices(deps(req).db.knex, c.id, { cutoff: retentionCutoff(today(req)), year, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
    const pages = Math.max(1, Math.ceil(list.total / PAGE_SIZE));
    render(req, res, 'invoices/list', { title: res.locals.t('invoices.title'), ...contractLocals(res, c), list, year, page, pages }, { fragment: 'invoices/_table' });
  });

  return router;
}
