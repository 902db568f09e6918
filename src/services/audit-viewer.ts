/** Turns the viewer's filter into a query: names become ids, Spanish days become instants. */
import type { Knex } from 'knex';
import { auditTimeRange, type AuditFilter } from '../domain/audit-filter';
import {
  customerIdByTaxId, searchAudit, staffIdByLogin, userIdByLogin, type AuditQuery, type AuditRow,
} from '../data/audit-search-repo';
import { audit } from '../data/audit-repo';
import { auditActor, type StaffActor } from '../domain/actor';

export type Resolved =
  | { ok: true; query: AuditQuery }
  | { ok: false; errors: Partial<Record<'actor' | 'customer', 'unknownStaff' | 'unknownUser' | 'unknownCustomer'>> };

export async function resolveAuditFilter(db: Knex, f: AuditFilter): Promise<Resolved> {
  const q: AuditQuery = { ...auditTimeRange(f) };
  const errors: Extract<Resolved, { ok: false }>['errors'] = {};
  if (f.actorType) q.actorType = f.actorType;
  if (f.actor) {
    if (f.actor.kind === 'id') q.actorId = f.actor.id;
    else {
      const id = f.actorType === 'staff' ? await staffIdByLogin(db, f.actor.value) : await userIdByLogin(
        db, f.actor.value,
      );
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

/** Who exported what: the log holds personal data, so the export leaves its own row. */
export async function recordAuditExport(
  db: Knex, actor: StaffActor, filters: Record<string, string>, now: Date,
): Promise<void> {
  await audit(db, { ...auditActor(actor), action: 'audit.exported', at: now, details: { filters } });
}

/** The rows of a query in keyset batches, newest first: an export of the whole log never sits in memory. */
export async function* auditBatches(db: Knex, query: AuditQuery, size: number): AsyncGenerator<AuditRow[]> {
  let q: AuditQuery = { ...query };
  for (;;) {
    const rows = await searchAudit(db, q, size);
    if (rows.length) yield rows;
    if (rows.length < size) return;
    const last = rows.at(-1)!;
    q = { ...q, before: { at: last.at_key, id: last.id } };
  }
}
