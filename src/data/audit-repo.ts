import type { Knex } from 'knex';

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

/** Written in the same transaction as the change it records. */
export async function audit(db: Knex, e: AuditEntry): Promise<void> {
  await db('audit_log').insert(toRow(e));
}

/** Many entries in a few multi-row inserts (a bulk action that touches many customers). */
export async function auditMany(db: Knex, entries: AuditEntry[]): Promise<void> {
  const CHUNK = 500;
  for (let i = 0; i < entries.length; i += CHUNK) {
    await db('audit_log').insert(entries.slice(i, i + CHUNK).map(toRow));
  }
}
