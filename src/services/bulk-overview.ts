import type { Knex } from 'knex';
import { accessTo, type Access, type LinkRole, type ManagerRelation } from '../domain/access';
import { ENERGY_FILTERS, matchesRole, pageWindow, type OverviewFilter, type PageWindow } from '../domain/overview';
import {
  countSupplies, customerNames, eBillingCandidates, searchSupplies, searchSuppliesPage, type SupplyListRow,
  type SupplySearch,
} from '../data/supplies-repo';
import { findCustomersByIds } from '../data/customers-repo';
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
export function overviewScope(
  access: UserAccess, filter: Pick<OverviewFilter, 'terms' | 'role' | 'energy'>,
): OverviewScope {
  const byCustomer = new Map<number, ManagerRelation[]>();
  for (const m of access.managers) {
    const list = byCustomer.get(m.customerId) ?? [];
    list.push(m);
    byCustomer.set(m.customerId, list);
  }
  const accessById = new Map(
    access.customerIds().map((id) => [id, accessTo(id, access.links, byCustomer.get(id) ?? [])] as const),
  );
  const customerIds = [...accessById].filter(([, a]) => a.read && matchesRole(a.via, filter.role)).map(([id]) => id);
  return {
    accessById,
    search: { customerIds, terms: filter.terms, energy: filter.energy ? ENERGY_FILTERS[filter.energy] : undefined },
  };
}

export interface LinkLabel { role: LinkRole; managerName: string | null }

/** The role of each listed customer, and the name of the gestoría when reached through one. */
export async function linkLabels(
  db: Knex, accessById: Map<number, Access>, customerIds: Iterable<number>,
): Promise<Map<number, LinkLabel>> {
  const wanted = [...new Set(customerIds)];
  const managerIds = wanted.map((id) => accessById.get(id)?.via).flatMap(
    (v) => (v?.kind === 'manager' ? [v.managerCustomerId] : []),
  );
  const names = await customerNames(db, managerIds);
  const out = new Map<number, LinkLabel>();
  for (const id of wanted) {
    const via = accessById.get(id)?.via;
    if (!via) continue;
    out.set(
      id,
      { role: via.role, managerName: via.kind === 'manager' ? names.get(via.managerCustomerId)?.name ?? null : null },
    );
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
  customerCount: number;
}

/**
 * One page of the supplies overview: the rows with their total in one query (a stale page past
 * the end counts and shows the last page), grouped by client with how the user reaches each.
 */
export async function supplyOverview(
  db: Knex, access: UserAccess, filter: OverviewFilter, opts: { offers: boolean },
): Promise<SupplyOverview> {
  const { accessById, search } = overviewScope(access, filter);
  let { rows, total } = await searchSuppliesPage(db, search, pageWindow(Number.MAX_SAFE_INTEGER, filter.page));
  if (total === null) {
    total = await countSupplies(db, search);
    ({ rows } = await searchSuppliesPage(db, search, pageWindow(total, filter.page)));
  }
  const labels = await linkLabels(db, accessById, rows.map((r) => r.customer_id));
  const groups: CustomerGroup[] = [];
  for (const r of rows) {
    const last = groups.at(-1);
    if (last?.id === r.customer_id) last.supplies.push(supplyView(r));
    else groups.push(
      {
        id: r.customer_id, name: r.customer_name, taxId: r.customer_tax_id, link: labels.get(r.customer_id),
        supplies: [supplyView(r)],
      },
    );
  }
  const actIds = [...accessById].filter(([, a]) => a.act).map(([id]) => id);
  const offers = opts.offers ? await eBillingCandidates(db, actIds, 3) : [];
  return {
    groups, total, win: pageWindow(total, filter.page), hasAnyCustomer: accessById.size > 0,
    customerCount: accessById.size,
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
