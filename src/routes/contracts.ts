import { Router, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import type { ContractView } from '../data/contracts-repo';
import { maskIban } from '../domain/ids';
import { findProduct } from '../domain/tariffs';
import { chartGeometry, consumptionCsv } from '../domain/consumption';
import {
  contractConsumption, contractInvoices, contractSummary, eligibilityOf, switchEBilling,
} from '../services/contracts';
import { offerAtContract } from '../services/new-supply';
import { contractServices } from '../services/maintenance-services';
import { serviceName } from '../domain/maintenance-services';
import { render } from '../web/render';
import { userContext } from '../web/use-case-context';
import { guards } from '../web/guards';

/** The gestiones offered on a contract page (paths under /contratos/:id/). */
function gestionesFor(c: ContractView): { path: string; label: string }[] {
  return [
    { path: 'lectura', label: 'requests.types.meter_reading' },
    ...(c.energy === 'electricity' ? [{ path: 'potencia', label: 'requests.types.power_change' }] : []),
    { path: 'tarifa', label: 'productChange.gestion' },
    { path: 'domiciliacion', label: 'requests.types.direct_debit' },
    { path: 'pagar', label: 'payments.title' },
    ...(c.customer_kind !== 'individual' ? [{ path: 'dia-pago', label: 'requests.types.payment_day' }] : []),
    { path: 'correspondencia', label: 'requests.types.correspondence_address' },
    { path: 'reclamacion', label: 'requests.types.complaint' },
    { path: 'baja', label: 'cancellation.gestion' },
    { path: 'titular', label: 'holderChange.gestion' },
  ];
}

function contractLocals(res: Response, c: ContractView) {
  return {
    gestiones: gestionesFor(c),
    contract: c,
    product: findProduct(c.product_code),
    maskedIban: c.iban ? maskIban(c.iban) : null,
    eligibility: eligibilityOf(c),
    // an ended contract (baja, change of holder) keeps its history readable but takes no gestiones
    canAct: res.locals.customerAccess?.act === true && c.status === 'active',
  };
}

const EBillingBody = z.object(
  { enable: z.string().optional().catch(undefined), from: z.string().optional().catch(undefined) },
).catch({});
const InvoicesQuery = z.object({
  anio: z.coerce.number().int().gt(2000).lt(2100).optional().catch(undefined),
  pagina: z.coerce.number().int().positive().lt(10_000).catch(1),
});

// the chart's axis numbers, one formatter per language for the process
// (building one per request cost more than the chart)
const CHART_NUMBERS = { es: new Intl.NumberFormat('es-ES'), ca: new Intl.NumberFormat('ca-ES') };

export function contractRoutes(deps: AppDeps): Router {
  const router = Router();
  const guard = guards(deps);
  const contractId = (p: Record<string, string | string[] | undefined>) => Number(p.contractId);

  router.get('/contratos/:contractId', guard.contract('read'), async (req, res) => {
    const summary = await contractSummary(userContext(deps, req), { contractId: contractId(req.params) });
    const c = summary.contract;
    // "Nuevos productos" next to the solar simulator: the energy this address still lacks
    const energyOffer = await offerAtContract(deps.db.knex, c);
    const { contracted } = await contractServices(userContext(deps, req), { contractId: c.id });
    const services = contracted.map((s) => ({ ...s, name: serviceName(s.code, String(res.locals.lang)) }));
    render(req, res, 'contracts/page', {
      title: res.locals.t('contracts.title', { address: `${c.street} ${c.sp_number}` }), ...contractLocals(res, c),
      invoices: summary.invoices, powers: summary.powers, productNow: summary.product, energyOffer,
      services,
    });
  });

  router.post('/contratos/:contractId/factura-electronica', guard.contract('act'), async (req, res) => {
    const body = EBillingBody.parse(req.body ?? {});
    const enable = body.enable === '1';
    const result = await switchEBilling(userContext(deps, req), { contractId: contractId(req.params), enable });
    const c = result.contract;
    if (!result.ok) {
      return render(req, res, 'contracts/page', {
        title: res.locals.t(
          'contracts.title', { address: `${c.street} ${c.sp_number}` },
        ), ...contractLocals(res, c), invoices: [],
        ebillingError: res.locals.t(`contracts.ebilling.notEligible.${result.reason}`),
      }, { status: 409 });
    }
    req.session.flash = { kind: 'success', key: enable ? 'contracts.ebilling.enabled' : 'contracts.ebilling.disabled' };
    res.redirect(303, body.from === 'suministros' ? '/suministros' : `/contratos/${c.id}`);
  });

  router.get('/contratos/:contractId/consumo', guard.contract('read'), async (req, res) => {
    const { contract: c, rows } = await contractConsumption(
      userContext(deps, req), { contractId: contractId(req.params) },
    );
    const t = res.locals.t;
    const fmt = res.locals.lang === 'ca' ? CHART_NUMBERS.ca : CHART_NUMBERS.es;
    const chart = chartGeometry(rows, {
      energy: c.energy,
      monthNames: t('consumption.months', { returnObjects: true }) as unknown as string[],
      formatNumber: (n) => fmt.format(n),
    });
    render(req, res, 'contracts/consumption', {
      title: t('consumption.title'), ...contractLocals(res, c), rows, chart, energy: c.energy,
      csvUrl: `/contratos/${c.id}/consumo.csv`,
    });
  });

  router.get('/contratos/:contractId/consumo.csv', guard.contract('read'), async (req, res) => {
    const { contract: c, rows } = await contractConsumption(
      userContext(deps, req), { contractId: contractId(req.params) },
    );
    const headers = res.locals.t('consumption.csv', { returnObjects: true }) as unknown as Record<string, string>;
    // gas has a single kWh column, headed as consumption rather than a total of periods
    const csv = consumptionCsv(
      rows,
      {
        energy: c.energy,
        headers: { ...headers, total: c.energy === 'gas' ? headers.gasTotal! : headers.total! } as never,
      },
    );
    res.set(
      'Content-Disposition', `attachment; filename="consumo-${c.cups}.csv"`,
    ).type('text/csv; charset=utf-8').send(csv);
  });

  router.get('/contratos/:contractId/facturas', guard.contract('read'), async (req, res) => {
    const q = InvoicesQuery.parse(req.query);
    const { contract: c, list, pages } = await contractInvoices(
      userContext(deps, req), { contractId: contractId(req.params), year: q.anio, page: q.pagina },
    );
    render(
      req, res, 'invoices/list',
      { title: res.locals.t('invoices.title'), ...contractLocals(res, c), list, year: q.anio, page: q.pagina, pages },
      { fragment: 'invoices/_table' },
    );
  });

  return router;
}
