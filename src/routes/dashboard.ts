import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../deps';
import type { Access } from '../domain/access';
import { DomainError } from '../domain/errors';
import { ENERGY_FILTERS, overviewQuery, parseOverviewFilter, recentMonths, ROLE_FILTERS } from '../domain/overview';
import { todayInSpain } from '../domain/time';
import { clientSupplies, supplyOverview } from '../services/bulk-overview';
import { promotionsForUser } from '../services/promotions';
import { offersFor } from '../services/new-supply';
import { accessOf, requireUser } from '../web/current-user';
import { guards, type ActingForBanner } from '../web/guards';
import { isFragmentRequest, render } from '../web/render';
import { deps as lookUpDeps } from '../web/middleware/auth';

export type { CustomerGroup } from '../services/bulk-overview';

// Months offered for the bulk invoice download; older ones (within retention) still work by URL.
export const ZIP_MONTHS = 24;
// A client page lists this many supplies; past that, the overview's search is the way in.
const CLIENT_SUPPLIES = 100;
// the supplies page suggests another energy only to users acting for up to this many customers
const OFFER_CUSTOMERS_MAX = 10;

export interface OverviewExtras {
  status?: number;
  /** The bulk download's error, shown next to the month field. */
  zipError?: string;
  zipMonth?: string;
}

export type OverviewPage = (req: Request, res: Response, extras?: OverviewExtras) => Promise<void>;

/** The overview page (also re-rendered by the bulk downloads when their month is refused). */
export function overviewPage(d: AppDeps): OverviewPage {
  return async (req, res, extras = {}) => {
    const filter = parseOverviewFilter(req.query as Record<string, unknown>);
    // the seed's e-billing banner, on full pages only
    const access = await accessOf(d.db.knex, req);
    const fullPage = !isFragmentRequest(req);
    const lang = res.locals.lang === 'ca' ? 'ca' : 'es';
    const [o, promotions] = await Promise.all([
      supplyOverview(d.db.knex, access, filter, { offers: fullPage }),
      // one promotion for this customer on the landing page; the rest wait under Ventajas
      fullPage ? promotionsForUser({ db: d.db.knex, now: d.clock.now() }, req.user!.id, lang) : Promise.resolve([]),
    ]);
    // "Nuevos productos": addresses lacking an energy, for users acting for a few customers (not a whole gestoría)
    const actable = access.customerIds().filter((id) => access.to(id).act);
    const energyOffers = fullPage && actable.length <= OFFER_CUSTOMERS_MAX
      ? (await offersFor(d.db.knex, actable)).slice(0, 3) : [];
    const months = recentMonths(todayInSpain(d.clock.now()), ZIP_MONTHS);
    render(req, res, 'dashboard/supplies', {
      title: res.locals.t('supplies.title'),
      filter, groups: o.groups, total: o.total, win: o.win, eBillingOffers: o.eBillingOffers,
      promotion: promotions[0] ?? null, energyOffers,
      filtered: Boolean(filter.q || filter.role || filter.energy),
      hasAnyCustomer: o.hasAnyCustomer,
      showBulk: o.customerCount > 1 || o.total > 3,
      roleFilters: ROLE_FILTERS, energyFilters: Object.keys(ENERGY_FILTERS),
      pageHref: (p: number) => `/suministros${overviewQuery(filter, p)}`,
      csvHref: `/suministros.csv${overviewQuery(filter)}`,
      months, zipMonth: extras.zipMonth ?? months[1], zipError: extras.zipError ?? null,
      errors: extras.zipError ? { mes: extras.zipError } : {},
    }, { status: extras.status, fragment: 'dashboard/_results' });
  };
}

/**
 * @deprecated For bulk-downloads.ts until it is a factory: take `overviewPage(deps)` instead.
 * The only place this module looks its dependencies up.
 */
export function showOverview(req: Request, res: Response, extras: OverviewExtras = {}): Promise<void> {
  return overviewPage(lookUpDeps(req))(req, res, extras);
}

export function dashboardRoutes(d: AppDeps): Router {
  const router = Router();
  const guard = guards(d);
  const overview = overviewPage(d);

  // The landing page after login: every supply the user may see, how they are linked, searchable.
  router.get('/suministros', requireUser, async (req, res) => {
    await overview(req, res);
  });

  // One client: how the user is linked, its supplies, and where to manage it.
  router.get('/clientes/:customerId', guard.customer('read'), async (req, res) => {
    const page = await clientSupplies(d.db.knex, Number(req.params.customerId), CLIENT_SUPPLIES);
    if (!page) throw new DomainError('not_found');
    const access = res.locals.customerAccess as Access;
    const banner = res.locals.actingForBanner as ActingForBanner | undefined;
    render(req, res, 'dashboard/client', {
      title: page.customer.name, customer: page.customer, access,
      role: access.via?.role ?? null, managerName: banner?.managerName ?? null,
      supplies: page.supplies, more: page.more,
      searchHref: `/suministros${overviewQuery({ q: page.customer.tax_id, role: null, energy: null })}`,
    });
  });

  return router;
}
