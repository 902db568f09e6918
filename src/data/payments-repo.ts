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
  request_id: number | null;
  expired_at: Date | null;
  refunded_at: Date | null;
  refunded_by: number | null;
  refund_note: string | null;
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
  orderId: string; invoiceId: number; customerId: number; userId: number;
  amountCents: number; currency: string; gateway: 'redsys' | 'sandbox'; now: Date;
  requestId?: number | null;
}): Promise<number> {
  const [row] = await db('payments').insert({
    order_id: p.orderId, invoice_id: p.invoiceId, customer_id: p.customerId, user_id: p.userId,
    amount_cents: p.amountCents,
    currency: p.currency, gateway: p.gateway, status: 'pending', created_at: p.now, request_id: p.requestId ?? null,
  }).returning('id');
  return row.id;
}

export interface InvoiceToPay {
  id: number; number: string; contract_id: number; customer_id: number; total_cents: number; issue_date: string;
  status: 'pending' | 'paid' | 'returned'; payment_method: 'direct_debit' | 'transfer';
}

/** Locks the invoice while an attempt to pay it starts: two attempts for one invoice queue. */
export async function lockInvoiceToPay(trx: Knex.Transaction, id: number): Promise<InvoiceToPay | undefined> {
  return trx('invoices').where({ id }).forUpdate()
    .first('id', 'number', 'contract_id', 'customer_id', 'total_cents', 'issue_date', 'status', 'payment_method');
}

/** The invoice's open order, if any (the database allows one). */
export async function openPaymentOfInvoice(db: Knex, invoiceId: number): Promise<PaymentRow | undefined> {
  return db('payments').where({ invoice_id: invoiceId, status: 'pending' }).first();
}

export async function markPaymentExpired(db: Knex, id: number, now: Date): Promise<boolean> {
  const count = await db('payments').where({ id, status: 'pending' }).update({ status: 'expired', expired_at: now });
  return count === 1;
}

/** Open orders started at or before `startedBy`, oldest first. */
export async function abandonedPayments(db: Knex, startedBy: Date, limit: number): Promise<PaymentRow[]> {
  return db('payments').where('status', 'pending').where('created_at', '<=', startedBy).orderBy('created_at').orderBy(
    'id',
  ).limit(limit);
}

export interface DuplicateChargeRow extends PaymentView {
  customer_name: string; customer_tax_id: string; refunded_by_name: string | null;
}

/** Charges for invoices already paid: the ones still to refund, or those refunded, newest first. */
export async function duplicateCharges(
  db: Knex, f: { refunded: boolean; limit: number; offset: number },
): Promise<{ rows: DuplicateChargeRow[]; total: number }> {
  const base = db('payments as p').where('p.status', 'duplicate');
  if (f.refunded) base.whereNotNull('p.refunded_at');
  else base.whereNull('p.refunded_at');
  const [rows, count] = await Promise.all([
    base.clone().join('invoices as i', 'i.id', 'p.invoice_id').join('customers as cu', 'cu.id', 'p.customer_id')
      .leftJoin('staff as s', 's.id', 'p.refunded_by')
      .orderBy('p.notified_at', 'desc').orderBy('p.id', 'desc').limit(f.limit).offset(f.offset)
      .select(
        'p.*', 'i.number as invoice_number', 'i.status as invoice_status',
        'i.contract_id', 'i.period_start', 'i.period_end',
        'cu.name as customer_name', 'cu.tax_id as customer_tax_id',
        db.raw("s.first_name || ' ' || s.last_name as refunded_by_name"),
      ),
    base.clone().count<{ count: number }[]>('* as count').first(),
  ]);
  return { rows, total: Number(count?.count ?? 0) };
}

export async function lockPaymentById(trx: Knex.Transaction, id: number): Promise<PaymentRow | undefined> {
  return trx('payments').where({ id }).forUpdate().first();
}

/** Guarded: only a duplicate charge not yet refunded; false otherwise. */
export async function markPaymentRefunded(
  db: Knex, id: number, r: { staffId: number; note: string | null; now: Date },
): Promise<boolean> {
  const count = await db('payments').where({ id, status: 'duplicate' }).whereNull('refunded_at')
    .update({ refunded_at: r.now, refunded_by: r.staffId, refund_note: r.note });
  return count === 1;
}

/** Who to tell about a payment: the user who started it, or the customer's address. */
export async function paymentRecipient(
  db: Knex, p: { user_id: number | null; customer_id: number },
): Promise<{ userId: number | null; email: string | null; name: string; language: string | null }> {
  const payer = p.user_id
    ? await db('users').where({ id: p.user_id }).first('id', 'email', 'first_name', 'language')
    : undefined;
  if (payer) return { userId: payer.id, email: payer.email, name: payer.first_name, language: payer.language };
  const customer = await db('customers').where({ id: p.customer_id }).first('email', 'name');
  return { userId: null, email: customer?.email ?? null, name: customer?.name ?? '', language: null };
}

export async function invoiceNumberAndContract(
  db: Knex, invoiceId: number,
): Promise<{ number: string; contract_id: number }> {
  return db('invoices').where({ id: invoiceId }).first('number', 'contract_id');
}

function viewQuery(db: Knex) {
  return db('payments as p').join('invoices as i', 'i.id', 'p.invoice_id')
    .select(
      'p.*', 'i.number as invoice_number', 'i.status as invoice_status', 'i.contract_id', 'i.period_start',
      'i.period_end',
    );
}

export async function findPaymentByOrder(db: Knex, orderId: string): Promise<PaymentView | undefined> {
  return viewQuery(db).where('p.order_id', orderId).first();
}

/** Locks the payment for the notification's transaction: replays queue behind each other. */
export async function lockPaymentByOrder(trx: Knex.Transaction, orderId: string): Promise<PaymentRow | undefined> {
  return trx('payments').where({ order_id: orderId }).forUpdate().first();
}

export async function markPaymentPaid(
  db: Knex, id: number,
  n: { responseCode: string; authorisationCode: string | null; notification: NotificationParams; now: Date },
): Promise<boolean> {
  const count = await db('payments').where({ id }).whereNot('status', 'paid').update({
    status: 'paid', response_code: n.responseCode, authorisation_code: n.authorisationCode,
    notification: JSON.stringify(n.notification), notified_at: n.now,
  });
  return count === 1;
}

/** A charge for an invoice that another payment had already paid: kept to be refunded. */
export async function markPaymentDuplicate(
  db: Knex, id: number,
  n: { responseCode: string; authorisationCode: string | null; notification: NotificationParams; now: Date },
): Promise<void> {
  await db('payments').where({ id }).whereNot('status', 'paid').update({
    status: 'duplicate', response_code: n.responseCode, authorisation_code: n.authorisationCode,
    notification: JSON.stringify(n.notification), notified_at: n.now,
  });
}

export async function markPaymentDeclined(
  db: Knex, id: number, n: { responseCode: string; notification: NotificationParams; now: Date },
): Promise<boolean> {
  const count = await db('payments').where({ id, status: 'pending' }).update({
    status: 'declined', response_code: n.responseCode, notification: JSON.stringify(n.notification), notified_at: n.now,
  });
  return count === 1;
}

/** Guarded: an invoice already paid stays as it is, and the caller learns it (false). */
export async function markInvoicePaid(db: Knex, invoiceId: number, now: Date): Promise<boolean> {
  const count = await db('invoices').where({ id: invoiceId }).whereNot('status', 'paid').update(
    { status: 'paid', paid_at: now },
  );
  return count === 1;
}

export interface PayableInvoiceRow {
  id: number; number: string; period_start: string; period_end: string; issue_date: string; due_date: string;
  total_cents: number; status: 'pending' | 'returned'; payment_method: 'direct_debit' | 'transfer';
}

/** A contract's unpaid invoices within retention, oldest due first (one indexed query). */
export async function unpaidInvoices(db: Knex, contractId: number, cutoff: string): Promise<PayableInvoiceRow[]> {
  return db('invoices').where('contract_id', contractId).where('issue_date', '>=', cutoff)
    .whereIn('status', ['pending', 'returned'])
    // a replaced invoice is paid through its rectifying invoice
    .whereNull('rectified_by_invoice_id')
    .orderBy('due_date').orderBy('id')
    .select(
      'id', 'number', 'period_start', 'period_end', 'issue_date', 'due_date', 'total_cents', 'status', 'payment_method',
    );
}

export async function recentPayments(db: Knex, contractId: number, limit: number): Promise<PaymentView[]> {
  return viewQuery(db).where('i.contract_id', contractId)
    .orderBy('p.created_at', 'desc').orderBy('p.id', 'desc').limit(limit);
}
