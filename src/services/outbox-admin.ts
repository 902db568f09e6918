import type { Knex } from 'knex';
import { audit } from '../data/audit-repo';
import { findOutbox, listOutbox, retryFailed } from '../data/outbox-repo';
import { outboxCounts } from '../data/outbox-admin-repo';
import { DomainError } from '../domain/errors';
import { OUTBOX_PAGE_SIZE, type parseOutboxFilter } from '../domain/outbox-view';
import type { StaffContext } from './context';

type OutboxFilter = ReturnType<typeof parseOutboxFilter>['filter'];

/** One page of the outbox (one more row read to know whether a next page exists) and the counts. */
export async function outboxPage(db: Knex, filter: OutboxFilter) {
  const [rows, counts] = await Promise.all([
    listOutbox(
      db,
      {
        ...(filter.status ? { status: filter.status } : {}), ...(filter.to ? { to: filter.to } : {}),
        limit: OUTBOX_PAGE_SIZE + 1, offset: (filter.page - 1) * OUTBOX_PAGE_SIZE,
      },
    ),
    outboxCounts(db),
  ]);
  return { messages: rows.slice(0, OUTBOX_PAGE_SIZE), counts, hasNext: rows.length > OUTBOX_PAGE_SIZE };
}

/** Puts a failed message back in the queue, with an audit row; false when it was not failed. */
export async function retryOutboxMessage(ctx: StaffContext, input: { messageId: number }): Promise<boolean> {
  const retried = await ctx.db.transaction(async (trx) => {
    const m = await findOutbox(trx, input.messageId);
    if (!m) throw new DomainError('not_found');
    if (!(await retryFailed(trx, input.messageId, ctx.now))) return false;
    await audit(trx, {
      actorType: 'staff', actorId: ctx.actor.id, ip: ctx.actor.ip, customerId: m.customer_id, action: 'outbox.retried',
      targetType: 'outbox', targetId: input.messageId, at: ctx.now,
      details: { template: m.template, attempts: m.attempts, lastError: m.last_error },
    });
    return true;
  });
  if (retried) ctx.mailer?.kick();
  return retried;
}
