import type { Knex } from 'knex';
import { accessTo, MANAGER_ROLES_THAT_ACT, type Access, type LinkRole, type ManagerRelation, type UserLink } from '../domain/access';
import { CUSTOMER_COUNT_CAP, ENERGY_FILTERS, matchesRole, pageWindow, type OverviewFilter, type PageWindow } from '../domain/overview';
import {
  countReachableCustomers, customerNames, eBillingCandidates, searchSupplies, searchSuppliesPage, type SupplyListRow, type SupplySearch,
} from '../data/supplies-repo';
import { findCustomersByIds } from '../data/customers-repo';
import { linksForUser, relationsManagedBy } from '../data/links-repo';
import type { UserAccess } from './access';

export interface OverviewScope {
  /** How the user reaches each readable customer. */
  accessById: Map<number, Access>;
  /** The search restricted to the customers the role filter keeps. */
  search: SupplySearch;
}

/**
 * The customers of the overview and how each is reached. The relations are grouped per
 * customer first: a gestoría with a thousand clients would otherwise cost a million
 * comparisons per page.
 */
export function overviewScope(access: UserAccess, filter: Pick<OverviewFilter, 'terms' | 'role' | 'energy'>): OverviewScope {
  const byCustomer = new Map<number, ManagerRelation[]>();
  for (const m of access.managers) {
    const list = byCustomer.get(m.customerId) ?? [];
    list.push(m);
    byCustomer.set(m.customerId, list);
  }
  const accessById = new Map(access.customerIds().map((id) => [id, accessTo(id, access.links, byCustomer.get(id) ?? [])] as const));
  const customerIds = [...accessById].filter(([, a]) => a.read && matchesRole(a.via, filter.role)).map(([id]) => id);
  return { accessById, search: { customerIds, terms: filter.terms, energy: filter.energy ? ENERGY_FILTERS[filter.energy] : undefined } };
}

export interface LinkLabel { role: LinkRole; managerName: string | null }

/** The role of each listed customer, and the name of the gestoría when reached through one. */
export async function linkLabels(db: Knex, accessById: Map<number, Access>, customerIds: Iterable<number>): Promise<Map<number, LinkLabel>> {
  const wanted = [...new Set(customerIds)];
  const managerIds = wanted.map((id) => accessById.get(id)?.via).flatMap((v) => (v?.kind === 'manager' ? [v.managerCustomerId] : []));
  const names = await customerNames(db, managerIds);
  const out = new Map<number, LinkLabel>();
  for (const id of wanted) {
    const via = accessById.get(id)?.via;
    if (!via) continue;
    out.set(id, { role: via.role, managerName: via.kind === 'manager' ? names.get(via.managerCustomerId)?.name ?? null : null });
  }
  return out;
}

export interface SupplyView {
  contractId: number;
  href: string;
  /** Street, number, door, postal code and town, as written on one line. */
  address: string;
  energy: SupplyListRow['energy'];
  cups: string;
  tariff: string;
}

export function supplyView(r: SupplyListRow): SupplyView {
  return {
    contractId: r.contract_id, href: `/contratos/${r.contract_id}`,
    address: `${r.street} ${r.number}${r.floor_door ? `, ${r.floor_door}` : ''}, ${r.postal_code} ${r.municipality}`,
    energy: r.energy, cups: r.cups, tariff: r.tariff,
  };
}

export interface CustomerGroup { id: number; name: string; taxId: string; link: LinkLabel | undefined; supplies: SupplyView[] }

export interface SupplyOverview {
  groups: CustomerGroup[];
  total: number;
  win: PageWindow;
  /** Contracts the user may switch to e-billing and that qualify (the seed's banner). */
  eBillingOffers: { contractId: number; street: string; number: string }[];
  hasAnyCustomer: boolean;
  /** The customers the user reaches, counted up to `CUSTOMER_COUNT_CAP` (the page asks about none, one or a few). */
  customerCount: number;
}

/**
 * The user's active links' customers that may manage others: those of `managing` when the
 * caller knows which manage anyone (the session user's read), otherwise every one of them.
 */
function possibleManagers(activeIds: number[], managing?: readonly number[]): number[] {
  return managing ? activeIds.filter((id) => managing.includes(id)) : activeIds;
}

/** How the user reaches each of `customerIds`, from the user's links and only those customers' relations. */
export async function accessToSome(
  db: Knex, links: UserLink[], customerIds: number[], managing?: readonly number[],
): Promise<Map<number, Access>> {
  const activeIds = [...new Set(links.filter((l) => l.status === 'active').map((l) => l.customerId))];
  const wanted = [...new Set(customerIds)];
  const byCustomer = new Map<number, ManagerRelation[]>();
  for (const m of await relationsManagedBy(db, possibleManagers(activeIds, managing), wanted)) {
    const list = byCustomer.get(m.customerId) ?? [];
    list.push(m);
    byCustomer.set(m.customerId, list);
  }
  return new Map(wanted.map((id) => [id, accessTo(id, links, byCustomer.get(id) ?? [])] as const));
}

/**
 * The overview's scope without loading every client of a gestoría: the customers the user is
 * linked to directly are few, and how the user reaches them is decided here as everywhere
 * (`accessTo`); every other readable customer is reached through a gestoría only, so the role
 * filter keeps all of them (role "gestoría" or none) or none (a direct role), and SQL lists
 * them (`SupplySearch.managedBy`). The same customers as `overviewScope`.
 */
export async function overviewSearch(
  db: Knex, links: UserLink[], filter: Pick<OverviewFilter, 'terms' | 'role' | 'energy'>, managing?: readonly number[],
) {
  const directIds = [...new Set(links.filter((l) => l.status === 'active').map((l) => l.customerId))];
  const managers = possibleManagers(directIds, managing);
  const direct = await accessToSome(db, links, directIds, managing);
  const kept = directIds.filter((id) => { const a = direct.get(id)!; return a.read && matchesRole(a.via, filter.role); });
  const throughManagers = managers.length > 0 && (filter.role === null || filter.role === 'gestoria');
  const search: SupplySearch = {
    customerIds: kept,
    // the directly linked ones are decided above, whatever their relations
    managedBy: throughManagers ? { managers, exclude: directIds } : undefined,
    terms: filter.terms, energy: filter.energy ? ENERGY_FILTERS[filter.energy] : undefined,
  };
  // the gestorías through which the user acts: linked with a role that acts for the gestoría
  const actingManagers = possibleManagers([...new Set(links.filter((l) => l.status === 'active' && (MANAGER_ROLES_THAT_ACT as readonly string[]).includes(l.role)).map((l) => l.customerId))], managing);
  const act: SupplySearch = {
    customerIds: directIds.filter((id) => direct.get(id)!.act),
    managedBy: actingManagers.length > 0 ? { managers: actingManagers, exclude: [] } : undefined,
    terms: [],
  };
  return { search, act, directIds, managers };
}

/**
 * One page of the supplies overview: the page's rows and the total side by side (a stale page
 * past the end shows the last page), grouped by client with how the user reaches each.
 */
export async function supplyOverview(
  db: Knex, userId: number, filter: OverviewFilter,
  opts: { offers: boolean; links?: UserLink[]; managing?: readonly number[] },
): Promise<SupplyOverview> {
  const links = opts.links ?? await linksForUser(db, userId);
  const { search, act, directIds, managers } = await overviewSearch(db, links, filter, opts.managing);
  const [{ rows, total }, customerCount, offers] = await Promise.all([
    searchSuppliesPage(db, search, pageWindow(Number.MAX_SAFE_INTEGER, filter.page)),
    countReachableCustomers(db, directIds, CUSTOMER_COUNT_CAP, managers),
    opts.offers ? eBillingCandidates(db, act, 3) : Promise.resolve([]),
  ]);
  const accessById = await accessToSome(db, links, rows.map((r) => r.customer_id), opts.managing);
  const labels = await linkLabels(db, accessById, rows.map((r) => r.customer_id));
  const groups: CustomerGroup[] = [];
  for (const r of rows) {
    const last = groups.at(-1);
    if (last?.id === r.customer_id) last.supplies.push(supplyView(r));
    else groups.push({ id: r.customer_id, name: r.customer_name, taxId: r.customer_tax_id, link: labels.get(r.customer_id), supplies: [supplyView(r)] });
  }
  return {
    groups, total, win: pageWindow(total, filter.page), hasAnyCustomer: customerCount > 0, customerCount,
    eBillingOffers: offers.map((o) => ({ contractId: o.contract_id, street: o.street, number: o.number })),
  };
}

/** One client's page: the customer and its first supplies (past `limit`, the overview's search is the way in). */
export async function clientSupplies(db: Knex, customerId: number, limit: number) {
  const [customer] = await findCustomersByIds(db, [customerId]);
  if (!customer) return null;
  const rows = await searchSupplies(db, { customerIds: [customerId], terms: [] }, limit + 1);
  return { customer, supplies: rows.slice(0, limit).map(supplyView), more: rows.length > limit };
}
