import { Router, type Request, type Response } from 'express';
import { countSupplies, eBillingCandidates, searchSupplies, searchSuppliesPage, type SupplyListRow } from '../data/supplies-repo';
import { findCustomersByIds } from '../data/customers-repo';
import type { Access } from '../domain/access';
import { DomainError } from '../domain/errors';
import { ENERGY_FILTERS, overviewQuery, pageWindow, parseOverviewFilter, recentMonths, ROLE_FILTERS } from '../domain/overview';
import { linkLabels, overviewScope, type LinkLabel } from '../services/bulk-overview';
import { deps, requireCustomer, requireUser, userAccess } from '../web/middleware/auth';
import type { ActingForBanner } from '../web/middleware/acting-for';
import { render } from '../web/render';
import { todayInSpain } from '../domain/time';

// Months offered for the bulk invoice download; older ones (within retention) still work by URL.
export const ZIP_MONTHS = 24;
// A client page lists this many supplies; past that, the overview's search is the way in.
const CLIENT_SUPPLIES = 100;

export interface CustomerGroup { id: number; name: string; taxId: string; link: LinkLabel | undefined; supplies: SupplyListRow[] }

export interface OverviewExtras {
  status?: number;
  /** The bulk download's error, shown next to the month field. */
  zipError?: string;
  zipMonth?: string;
}

function isFragmentRequest(req: Request): boolean {
  return req.get('HX-Request') === 'true' && req.get('HX-Boosted') !== 'true';
}

/** The overview page (also re-rendered by the bulk downloads when their month is refused). */
export async function showOverview(req: Request, res: Response, extras: OverviewExtras = {}): Promise<void> {
  const db = deps(req).db.knex;
  const filter = parseOverviewFilter(req.query as Record<string, unknown>);
  const access = await userAccess(req);
  const { accessById, search } = overviewScope(access, filter);
  // one query with its total; a page past the end (a stale link) counts and shows the last page
  const asked = pageWindow(Number.MAX_SAFE_INTEGER, filter.page);
  let { rows, total } = await searchSuppliesPage(db, search, asked);
  if (total === null) {
    total = await countSupplies(db, search);
    ({ rows } = await searchSuppliesPage(db, search, pageWindow(total, filter.page)));
  }
  const win = pageWindow(total, filter.page);
  const labels = await linkLabels(db, accessById, rows.map((r) => r.customer_id));
  const groups: CustomerGroup[] = [];
  for (const r of rows) {
    const last = groups.at(-1);
    if (last?.id === r.customer_id) last.supplies.push(r);
    else groups.push({ id: r.customer_id, name: r.customer_name, taxId: r.customer_tax_id, link: labels.get(r.customer_id), supplies: [r] });
  }
  // The seed's e-billing banner, on full pages only: contracts the user may switch and that qualify.
  const actIds = [...accessById].filter(([, a]) => a.act).map(([id]) => id);
  const eBillingOffers = isFragmentRequest(req) ? [] : await eBillingCandidates(db, actIds, 3);
  const months = recentMonths(todayInSpain(deps(req).clock.now()), ZIP_MONTHS);
  const filtered = Boolean(filter.q || filter.role || filter.energy);
  render(req, res, 'dashboard/supplies', {
    title: res.locals.t('supplies.title'),
    filter, groups, total, win, eBillingOffers, filtered,
    hasAnyCustomer: accessById.size > 0,
    showBulk: accessById.size > 1 || total > 3,
    roleFilters: ROLE_FILTERS, energyFilters: Object.keys(ENERGY_FILTERS),
    pageHref: (p: number) => `/suministros${overviewQuery(filter, p)}`,
    csvHref: `/suministros.csv${overviewQuery(filter)}`,
    months, zipMonth: extras.zipMonth ?? months[1], zipError: extras.zipError ?? null,
    errors: extras.zipError ? { mes: extras.zipError } : {},
  }, { status: extras.status, fragment: 'dashboard/_results' });
}

export function dashboardRoutes(): Router {
  const router = Router();

  // The landing page after login: every supply the user may see, how they are linked, searchable.
  router.get('/suministros', requireUser, async (req, res) => {
    await showOverview(req, res);
  });

  // One client: how the user is linked, its supplies, and where to manage it.
  router.get('/clientes/:customerId', requireCustomer('read'), async (req, res) => {
    const db = deps(req).db.knex;
    const id = Number(req.params.customerId);
    const [customer] = await findCustomersByIds(db, [id]);
    if (!customer) throw new DomainError('not_found');
    const access = res.locals.customerAccess as Access;
    const banner = res.locals.actingForBanner as ActingForBanner | undefined;
    const supplies = await searchSupplies(db, { customerIds: [id], terms: [] }, CLIENT_SUPPLIES + 1);
    render(req, res, 'dashboard/client', {
      title: customer.name, customer, access,
      role: access.via?.role ?? null, managerName: banner?.managerName ?? null,
      supplies: supplies.slice(0, CLIENT_SUPPLIES), more: supplies.length > CLIENT_SUPPLIES,
      searchHref: `/suministros${overviewQuery({ q: customer.tax_id, role: null, energy: null })}`,
    });
  });

  return router;
}
