import type { Request, Response } from 'express';
import type { AppDeps } from '../deps';
import { ENERGY_FILTERS, overviewQuery, parseOverviewFilter, recentMonths, ROLE_FILTERS } from '../domain/overview';
import { todayInSpain } from '../domain/time';
import { supplyOverview } from '../services/bulk-overview';
import { promotionsForUser } from '../services/promotions';
import { offersFor } from '../services/new-supply';
import { accessOf, linksOf } from './current-user';
import { isFragmentRequest, render } from './render';

/*
 * The supplies overview page, here rather than in a router because two routers draw it: the
 * dashboard, and the bulk downloads when they refuse a month (the error goes next to its field).
 */

// Months offered for the bulk invoice download; older ones (within retention) still work by URL.
export const ZIP_MONTHS = 24;
// the supplies page suggests another energy only to users acting for up to this many customers
const OFFER_CUSTOMERS_MAX = 10;

export interface OverviewExtras {
  status?: number;
  /** The bulk download's error, shown next to the month field. */
  zipError?: string;
  zipMonth?: string;
}

export type OverviewPage = (req: Request, res: Response, extras?: OverviewExtras) => Promise<void>;

export function overviewPage(d: Pick<AppDeps, 'db' | 'clock'>): OverviewPage {
  return async (req, res, extras = {}) => {
    const filter = parseOverviewFilter(req.query as Record<string, unknown>);
    const links = await linksOf(d.db.knex, req);
    const fullPage = !isFragmentRequest(req);
    const lang = res.locals.lang === 'ca' ? 'ca' : 'es';
    const [o, promotions] = await Promise.all([
      // the seed's e-billing banner, on full pages only
      supplyOverview(d.db.knex, req.user!.id, filter, { offers: fullPage, links, managing: req.managingCustomerIds }),
      // one promotion for this customer on the landing page; the rest wait under Ventajas
      fullPage ? promotionsForUser({ db: d.db.knex, now: d.clock.now() }, req.user!.id, lang) : Promise.resolve([]),
    ]);
    // "Nuevos productos": addresses lacking an energy, for users reaching a few customers (not a
    // whole gestoría, whose every relation would have to be read on each page to find them)
    let energyOffers: Awaited<ReturnType<typeof offersFor>> = [];
    if (fullPage && o.customerCount <= OFFER_CUSTOMERS_MAX) {
      const access = await accessOf(d.db.knex, req);
      const actable = access.customerIds().filter((id) => access.to(id).act);
      energyOffers = (await offersFor(d.db.knex, actable)).slice(0, 3);
    }
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
