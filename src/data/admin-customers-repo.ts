/**
 * Read side of the admin customer search and customer page. Every query is parameterised;
 * the search is one statement (plus a count when a stale page number points past the end) and
 * the customer page a fixed handful, whatever the customer's size.
 */
import type { Knex } from 'knex';
import type { SearchTerm } from '../domain/admin-search';
import { escapeLike } from '../domain/overview';

export interface CustomerHit { id: number; name: string; tax_id: string; kind: string; users: number }

type Matcher = { sql: string; bindings: (string | number)[] };

// Customers reached through a user: only live links, a revoked contact is not "their" user.
const VIA_USER = `SELECT l.customer_id FROM customer_links l JOIN users u ON u.id = l.user_id WHERE l.status <> 'revoked' AND `;

/** The ids of the customers a term matches, as a SELECT of one column `customer_id`. */
function matcher(term: SearchTerm): Matcher | null {
  switch (term.kind) {
    case 'tax_id':
      return {
        sql: `SELECT id AS customer_id FROM customers WHERE tax_id = ? OR representative_nif = ?
              UNION SELECT l.customer_id FROM customer_links l JOIN users u ON u.id = l.user_id WHERE l.status <> 'revoked' AND u.login_id = ?`,
        bindings: [term.value, term.value, term.value],
      };
    case 'dni_digits': {
      const like = `${term.value}_`;
      return {
        sql: `SELECT id AS customer_id FROM customers WHERE tax_id LIKE ? OR representative_nif LIKE ?
              UNION ${VIA_USER} u.login_id LIKE ?`,
        bindings: [like, like, like],
      };
    }
    case 'cups':
      // with or without the border-point suffix
      return {
        sql: 'SELECT c.customer_id FROM contracts c JOIN supply_points sp ON sp.id = c.supply_point_id WHERE left(sp.cups, 20) = left(?, 20)',
        bindings: [term.value],
      };
    case 'iban':
      return { sql: 'SELECT customer_id FROM contract_accounts WHERE iban = ?', bindings: [term.value] };
    case 'account_number':
      return {
        sql: 'SELECT customer_id FROM contract_accounts WHERE number = ? UNION SELECT customer_id FROM contracts WHERE number = ?',
        bindings: [term.value, term.value],
      };
    case 'invoice_number':
      return { sql: 'SELECT customer_id FROM invoices WHERE number = ?', bindings: [term.value] };
    case 'email':
      return {
        sql: `SELECT id AS customer_id FROM customers WHERE lower(email) = ? UNION ${VIA_USER} lower(u.email) = ?`,
        bindings: [term.value, term.value],
      };
    case 'name': {
      const like = `%${escapeLike(term.value)}%`;
      return {
        sql: `SELECT id AS customer_id FROM customers WHERE name ILIKE ? ESCAPE '\\'
              UNION ${VIA_USER} (u.first_name || ' ' || u.last_name) ILIKE ? ESCAPE '\\'`,
        bindings: [like, like],
      };
    }
    case 'empty':
    case 'too_short':
      return null;
  }
}

export async function searchCustomers(db: Knex, term: SearchTerm, limit: number, offset: number): Promise<{ rows: CustomerHit[]; total: number }> {
  const m = matcher(term);
  if (!m) return { rows: [], total: 0 };
  const { rows } = await db.raw(
    `WITH m AS (${m.sql})
     SELECT c.id, c.name, c.tax_id, c.kind,
            (
              SELECT count(DISTINCT l.user_id) FROM customer_links l WHERE l.customer_id = c.id AND l.status <> 'revoked'
            )::int AS users,
            count(*) OVER ()::int AS total
       FROM customers c
      WHERE c.id IN (SELECT customer_id FROM m)
      ORDER BY c.name, c.id
      LIMIT ? OFFSET ?`,
    [...m.bindings, limit, offset],
  );
  if (rows.length > 0 || offset === 0) return { rows: rows.map(hit), total: rows[0]?.total ?? 0 };
  // past the end: only the total is needed, to show the last page instead
  const { rows: counted } = await db.raw(
    `WITH m AS (${m.sql}) SELECT count(DISTINCT customer_id)::int AS total FROM m`, m.bindings,
  );
  return { rows: [], total: counted[0]?.total ?? 0 };
}

function hit(r: CustomerHit & { total: number }): CustomerHit {
  return { id: Number(r.id), name: r.name, tax_id: r.tax_id, kind: r.kind, users: r.users };
}

export interface CustomerUserRow {
  id: number; login_id: string; first_name: string; last_name: string; email: string; email_verified_at: Date | null;
  status: 'pending' | 'active' | 'locked' | 'disabled'; failed_logins: number; locked_at: Date | null; last_login_at: Date | null;
  link_id: number; role: string; link_status: string; granted_at: Date;
}

export interface CustomerPage {
  customer: { id: number; tax_id: string; kind: string; name: string; representative_nif: string | null; email: string | null; phone: string | null; created_at: Date };
  users: CustomerUserRow[];
  contracts: { id: number; number: string; status: string; start_date: string; end_date: string | null; product_code: string; e_billing: boolean; account_number: string; cups: string; energy: string; tariff: string; street: string; sp_number: string; floor_door: string | null; postal_code: string; municipality: string }[];
  invoices: { id: number; number: string; period_start: string; period_end: string; issue_date: string; total_cents: number; status: string; rectified_by_invoice_id: number | null; rectifies_invoice_id: number | null }[];
  requests: { id: number; reference: string; type: string; status: string; created_at: Date }[];
  managers: { id: number; status: string; created_at: Date; decided_at: Date | null; name: string; tax_id: string; other_id: number }[];
  managedClients: { id: number; status: string; created_at: Date; decided_at: Date | null; name: string; tax_id: string; other_id: number }[];
  audit: { id: number; at: Date; actor_type: string; actor_id: number | null; actor_login: string | null; action: string; target_type: string | null; target_id: string | null; details: Record<string, unknown> | null }[];
}

export const CUSTOMER_PAGE_LIMITS = { invoices: 12, requests: 50, managedClients: 100, audit: 50 } as const;

/** Everything the customer page shows, in seven queries; undefined for an unknown customer. */
export async function loadCustomerPage(db: Knex, customerId: number): Promise<CustomerPage | undefined> {
  const customer = await db('customers').where({ id: customerId }).first(
    'id', 'tax_id', 'kind', 'name', 'representative_nif', 'email', 'phone', 'created_at',
  );
  if (!customer) return undefined;
  const [users, contracts, invoices, requests, relations] = await Promise.all([
    db('customer_links as l').join('users as u', 'u.id', 'l.user_id').where('l.customer_id', customerId)
      .select('u.id', 'u.login_id', 'u.first_name', 'u.last_name', 'u.email', 'u.email_verified_at', 'u.status', 'u.failed_logins', 'u.locked_at', 'u.last_login_at',
        'l.id as link_id', 'l.role', 'l.status as link_status', 'l.granted_at')
      .orderByRaw("l.status = 'revoked', l.granted_at, l.id"),
    db('contracts as c').join('supply_points as sp', 'sp.id', 'c.supply_point_id').join(
      'contract_accounts as ca', 'ca.id', 'c.contract_account_id',
    )
      .where('c.customer_id', customerId)
      .select('c.id', 'c.number', 'c.status', db.raw("to_char(c.start_date, 'YYYY-MM-DD') AS start_date"), db.raw(
        "to_char(c.end_date, 'YYYY-MM-DD') AS end_date",
      ),
        'c.product_code', 'c.e_billing', 'ca.number as account_number', 'sp.cups', 'sp.energy', 'sp.tariff', 'sp.street', 'sp.number as sp_number', 'sp.floor_door', 'sp.postal_code', 'sp.municipality')
      .orderByRaw("c.status = 'ended', sp.street, c.id"),
    db('invoices').where({ customer_id: customerId })
      .select('id', 'number', db.raw("to_char(period_start, 'YYYY-MM-DD') AS period_start"), db.raw("to_char(period_end, 'YYYY-MM-DD') AS period_end"),
        db.raw("to_char(issue_date, 'YYYY-MM-DD') AS issue_date"), 'total_cents', 'status', 'rectified_by_invoice_id', 'rectifies_invoice_id')
      .orderBy([{ column: 'issue_date', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(CUSTOMER_PAGE_LIMITS.invoices),
    db('requests').where({ customer_id: customerId }).select('id', 'reference', 'type', 'status', 'created_at')
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(
        CUSTOMER_PAGE_LIMITS.requests,
      ),
    // both directions in one query: who manages this customer, and whom it manages (a gestoría)
    db.raw(
      `(SELECT em.id, em.status, em.created_at, em.decided_at, c.name, c.tax_id, c.id AS other_id, 'manager' AS side
          FROM external_managers em JOIN customers c ON c.id = em.manager_customer_id WHERE em.customer_id = ?)
       UNION ALL
       (SELECT em.id, em.status, em.created_at, em.decided_at, c.name, c.tax_id, c.id AS other_id, 'client' AS side
          FROM external_managers em JOIN customers c ON c.id = em.customer_id WHERE em.manager_customer_id = ?
         ORDER BY em.status = 'active' DESC, c.name LIMIT ?)`,
      [customerId, customerId, CUSTOMER_PAGE_LIMITS.managedClients],
    ),
  ]);
  const userIds = (users as CustomerUserRow[]).map((u) => String(u.id));
  // The customer's own rows plus those about its users (a lockout is recorded against the
  // user, not a customer; an unlock done from another customer's page too), newest first.
  const audit = await db('audit_log as a')
    .leftJoin('staff as s', (j) => j.on('s.id', 'a.actor_id').andOnVal('a.actor_type', 'staff'))
    .leftJoin('users as u', (j) => j.on('u.id', 'a.actor_id').andOnVal('a.actor_type', 'user'))
    .where((q) => {
      q.where('a.customer_id', customerId);
      if (userIds.length) q.orWhere((w) => w.where('a.target_type', 'user').whereIn('a.target_id', userIds));
    })
    .select(
      'a.id', 'a.at', 'a.actor_type', 'a.actor_id', 'a.action', 'a.target_type', 'a.target_id', 'a.details',
      db.raw('coalesce(s.staff_id, u.login_id) AS actor_login'),
    )
    .orderBy([{ column: 'a.at', order: 'desc' }, { column: 'a.id', order: 'desc' }]).limit(CUSTOMER_PAGE_LIMITS.audit);
  type Relation = CustomerPage['managers'][number] & { side: 'manager' | 'client' };
  const rel = (relations.rows as Relation[]).map((r) => ({ ...r, id: Number(r.id), other_id: Number(r.other_id) }));
  return {
    customer: { ...customer, id: Number(customer.id) },
    users: (users as CustomerUserRow[]).map((u) => ({ ...u, id: Number(u.id), link_id: Number(u.link_id) })),
    contracts, invoices, requests,
    managers: rel.filter((r) => r.side === 'manager'),
    managedClients: rel.filter((r) => r.side === 'client'),
    audit,
  };
}

/** The customers a user is linked to (live links first), to go back to after a support action. */
export async function customersOfUser(db: Knex, userId: number): Promise<number[]> {
  const rows = await db('customer_links').where({ user_id: userId }).orderByRaw("status = 'revoked', granted_at").select('customer_id');
  return rows.map((r: { customer_id: number | string }) => Number(r.customer_id));
}
