/** Turns the viewer's filter into a query: names become ids, Spanish days become instants. */
import type { Knex } from 'knex';
import { auditTimeRange, type AuditFilter } from '../domain/audit-filter';
import { customerIdByTaxId, staffIdByLogin, userIdByLogin, type AuditQuery } from '../data/audit-search-repo';

export type Resolved = { ok: true; query: AuditQuery } | { ok: false; errors: Partial<Record<'actor' | 'customer', 'unknownStaff' | 'unknownUser' | 'unknownCustomer'>> };

export async function resolveAuditFilter(db: Knex, f: AuditFilter): Promise<Resolved> {
  const q: AuditQuery = { ...auditTimeRange(f) };
  const errors: Extract<Resolved, { ok: false }>['errors'] = {};
  if (f.actorType) q.actorType = f.actorType;
  if (f.actor) {
    if (f.actor.kind === 'id') q.actorId = f.actor.id;
    else {
      const id = f.actorType === 'staff' ? await staffIdByLogin(db, f.actor.value) : await userIdByLogin(db, f.actor.value);
      if (id === undefined) errors.actor = f.actorType === 'staff' ? 'unknownStaff' : 'unknownUser';
      else q.actorId = id;
    }
  }
  if (f.customer) {
    if (f.customer.kind === 'id') q.customerId = f.customer.id;
    else {
      const id = await customerIdByTaxId(db, f.customer.value);
      if (id === undefined) errors.customer = 'unknownCustomer';
      else q.customerId = id;
    }
  }
  if (f.actionPrefix) q.actionPrefix = f.actionPrefix;
  if (f.before) q.before = f.before;
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, query: q };
}
