import type { Knex } from 'knex';
import { accessTo, type Access, type ManagerRelation, type UserLink } from '../domain/access';
import { linksForUser, relationsManagedBy } from '../data/links-repo';

export interface UserAccess {
  links: UserLink[];
  managers: ManagerRelation[];
  to(customerId: number): Access;
  /** Every customer the user can at least read, directly or through a gestoría. */
  customerIds(): number[];
}

/** The user's links to customers (revoked ones left out). */
export function loadUserLinks(db: Knex, userId: number): Promise<UserLink[]> {
  return linksForUser(db, userId);
}

/**
 * Two queries at most whatever the number of clients; loaded per request so revocations apply
 * at once. `managing`, when known, names the active links' customers that manage others (no
 * query for the relations when there are none).
 */
export async function loadUserAccess(
  db: Knex, userId: number, known?: UserLink[], managing?: number[],
): Promise<UserAccess> {
  const links = known ?? await linksForUser(db, userId);
  const active = links.filter((l) => l.status === 'active');
  const managers = await relationsManagedBy(db, managing ?? active.map((l) => l.customerId));
  return {
    links,
    managers,
    to: (customerId) => accessTo(customerId, links, managers),
    customerIds: () => [...new Set([...active.map((l) => l.customerId), ...managers.map((m) => m.customerId)])],
  };
}
