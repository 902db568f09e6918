import type { Knex } from 'knex';
import { accessTo, type Access, type LinkRole, type ManagerRelation } from '../domain/access';
import { ENERGY_FILTERS, matchesRole, type OverviewFilter } from '../domain/overview';
import { customerNames, type SupplySearch } from '../data/supplies-repo';
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
