import { audit } from '../data/audit-repo';
import { lockPaymentById, markPaymentRefunded } from '../data/payments-repo';
import { DomainError } from '../domain/errors';
import type { StaffContext } from './context';

export const REFUND_NOTE_MAX = 500;

/**
 * A staff member records that a duplicate card charge was given back at the bank's terminal.
 * Once only: a second click (or a second person) finds it done and changes nothing.
 */
export async function markChargeRefunded(
  ctx: StaffContext, input: { paymentId: number; note: string | null },
): Promise<'refunded' | 'unchanged'> {
  return ctx.db.transaction(async (trx) => {
    const p = await lockPaymentById(trx, input.paymentId);
    if (!p || p.status !== 'duplicate') throw new DomainError('not_found');
    if (!(await markPaymentRefunded(trx, p.id, { staffId: ctx.actor.id, note: input.note, now: ctx.now }))) {
      return 'unchanged';
    }
    await audit(trx, {
      actorType: 'staff', actorId: ctx.actor.id, customerId: p.customer_id, action: 'payment.refunded',
      targetType: 'invoice', targetId: p.invoice_id,
      ip: ctx.actor.ip, at: ctx.now, details: {
        order: p.order_id, amountCents: p.amount_cents, authorisationCode: p.authorisation_code,
        ...(input.note ? { note: input.note } : {}),
      },
    });
    return 'refunded';
  });
}
