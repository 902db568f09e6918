import type { Knex } from 'knex';
import { queryRows, statement } from './direct-query';

export interface AuditEntry {
  actorType: 'user' | 'staff' | 'system' | 'anonymous';
  actorId?: number | null;
  customerId?: number | null;
  action: string;
  targetType?: string;
  targetId?: string | number;
  ip?: string | null;
  details?: Record<string, unknown>;
  at: Date;
}

function toRow(e: AuditEntry) {
  return {
    at: e.at,
    actor_type: e.actorType,
    actor_id: e.actorId ?? null,
    customer_id: e.customerId ?? null,
    action: e.action,
    target_type: e.targetType ?? null,
    target_id: e.targetId === undefined ? null : String(e.targetId),
    ip: e.ip ?? null,
    details: e.details ? JSON.stringify(e.details) : null,
  };
}

const INSERT = statement(`
  insert into audit_log (at, actor_type, actor_id, customer_id, action, target_type, target_id, ip, details)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`);

/** Written in the same transaction as the change it records. */
export async function audit(db: Knex, e: AuditEntry): Promise<void> {
  const r = toRow(e);
  await queryRows(db, INSERT, [
    r.at, r.actor_type, r.actor_id, r.customer_id, r.action, r.target_type, r.target_id, r.ip, r.details,
  ]);
}

/** Many entries in a few multi-row inserts (a bulk action that touches many customers). */
export async function auditMany(db: Knex, entries: AuditEntry[]): Promise<void> {
  const CHUNK = 500;
  for (let i = 0; i < entries.length; i += CHUNK) {
    await db('audit_log').insert(entries.slice(i, i + CHUNK).map(toRow));
  }
}
