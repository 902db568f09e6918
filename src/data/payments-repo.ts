import type { Knex } from 'knex';
import type { NotificationParams, PaymentStatus } from '../domain/payments';

export interface PaymentRow {
  id: number;
  order_id: string;
  invoice_id: number;
  customer_id: number;
  user_id: number | null;
  amount_cents: number;
  currency: string;
  gateway: 'redsys' | 'sandbox';
  status: PaymentStatus;
  response_code: string | null;
  authorisation_code: string | null;
  notification: NotificationParams | null;
  created_at: Date;
  notified_at: Date | null;
}

/** A payment with what its pages show about the invoice. */
export interface PaymentView extends PaymentRow {
  invoice_number: string;
  invoice_status: 'pending' | 'paid' | 'returned';
  contract_id: number;
  period_start: string;
  period_end: string;
}

const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === UNIQUE_VIOLATION;
}

export async function insertPayment(db: Knex, p: {
  orderId: string; invoiceId: number; customerId: number; userId: number; amountCents: number; currency: string; gateway: 'redsys' | 'sandbox'; now: Date;
}): Promise<number> {
  const [row] = await db('payments').insert({
    order_id: p.orderId, invoice_id: p.invoiceId, customer_id: p.customerId, user_id: p.userId, amount_cents: p.amountCents,
    currency: p.currency, gateway: p.gateway, status: 'pending', created_at: p.now,
  }).returning('id');
  return row.id;
}

function viewQuery(db: Knex) {
  return db('payments as p').join('invoices as i', 'i.id', 'p.invoice_id')
    .select('p.*', 'i.number as invoice_number', 'i.status as invoice_status', 'i.contract_id', 'i.period_start', 'i.period_end');
}

export async function findPaymentByOrder(db: Knex, orderId: string): Promise<PaymentView | undefined> {
  return viewQuery(db).where('p.order_id', orderId).first();
}

/** Locks the payment for the notification's transaction: replays queue behind each other. */
export async function lockPaymentByOrder(trx: Knex.Transaction, orderId: string): Promise<PaymentRow | undefined> {
  return trx('payments').where({ order_id: orderId }).forUpdate().first();
}

export async function markPaymentPaid(db: Knex, id: number, n: { responseCode: string; authorisationCode: string | null; notification: NotificationParams; now: Date }): Promise<boolean> {
  const count = await db('payments').where({ id }).whereNot('status', 'paid').update({
    status: 'paid', response_code: n.responseCode, authorisation_code: n.authorisationCode, notification: JSON.stringify(n.notification), notified_at: n.now,
  });
  return count === 1;
}

/** A charge for an invoice that another payment had already paid: kept to be refunded. */
export async function markPaymentDuplicate(db: Knex, id: number, n: { responseCode: string; authorisationCode: string | null; notification: NotificationParams; now: Date }): Promise<void> {
  await db('payments').where({ id }).whereNot('status', 'paid').update({
    status: 'duplicate', response_code: n.responseCode, authorisation_code: n.authorisationCode, notification: JSON.stringify(n.notification), notified_at: n.now,
  });
}

export async function markPaymentDeclined(db: Knex, id: number, n: { responseCode: string; notification: NotificationParams; now: Date }): Promise<boolean> {
  const count = await db('payments').where({ id, status: 'pending' }).update({
    status: 'declined', response_code: n.responseCode, notification: JSON.stringify(n.notification), notified_at: n.now,
  });
  return count === 1;
}

/** Guarded: an invoice already paid stays as it is, and the caller learns it (false). */
export async function markInvoicePaid(db: Knex, invoiceId: number, now: Date): Promise<boolean> {
  const count = await db('invoices').where({ id: invoiceId }).whereNot('status', 'paid').update({ status: 'paid', paid_at: now });
  return count === 1;
}

export interface PayableInvoiceRow {
  id: number; number: string; period_start: string; period_end: string; issue_date: string; due_date: string;
  total_cents: number; status: 'pending' | 'returned'; payment_method: 'direct_debit' | 'transfer';
}

/** A contract's unpaid invoices within retention, oldest due first (one indexed query). */
export async function unpaidInvoices(db: Knex, contractId: number, cutoff: string): Promise<PayableInvoiceRow[]> {
  return db('invoices').where('contract_id', contractId).where('issue_date', '>=', cutoff).whereIn('status', ['pending', 'returned'])
    // a replaced invoice is paid through its rectifying invoice
    .whereNull('rectified_by_invoice_id')
    .orderBy('due_date').orderBy('id')
    .select('id', 'number', 'period_start', 'period_end', 'issue_date', 'due_date', 'total_cents', 'status', 'payment_method');
}

export async function recentPayments(db: Knex, contractId: number, limit: number): Promise<PaymentView[]> {
  return viewQuery(db).where('i.contract_id', contractId).orderBy('p.created_at', 'desc').orderBy('p.id', 'desc').limit(limit);
}
