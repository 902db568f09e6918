import type { Knex } from 'knex';

// One open card-payment order per invoice (issue 12 item 12): an abandoned order expires and
// a new attempt may start; a duplicate charge is refunded by staff, who record when and who.
// Each order is also a gestión (card_payment) so the customer follows it in "Mis gestiones".
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_status_check');
  await knex.raw(
    "ALTER TABLE payments ADD CONSTRAINT payments_status_check CHECK (status IN ('pending', 'paid', 'declined', 'duplicate', 'expired'))",
  );
  // older data may hold several open orders for one invoice: all but the newest are abandoned
  await knex.raw(`UPDATE payments SET status = 'expired' WHERE status = 'pending'
    AND id NOT IN (SELECT max(id) FROM payments WHERE status = 'pending' GROUP BY invoice_id)`);
  await knex.raw("CREATE UNIQUE INDEX payments_one_open_per_invoice ON payments (invoice_id) WHERE status = 'pending'");
  await knex.schema.alterTable('payments', (t) => {
    t.bigInteger('request_id').references('requests.id').onDelete('SET NULL');
    t.timestamp('expired_at', { useTz: true });
    t.timestamp('refunded_at', { useTz: true });
    t.bigInteger('refunded_by').references('staff.id').onDelete('SET NULL');
    t.string('refund_note', 500);
  });
  await knex.raw("CREATE INDEX payments_to_refund ON payments (notified_at) WHERE status = 'duplicate'");
  await knex.raw("CREATE INDEX payments_open_by_age ON payments (created_at) WHERE status = 'pending'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS payments_open_by_age');
  await knex.raw('DROP INDEX IF EXISTS payments_to_refund');
  await knex.schema.alterTable('payments', (t) => {
    t.dropColumn('refund_note');
    t.dropColumn('refunded_by');
    t.dropColumn('refunded_at');
    t.dropColumn('expired_at');
    t.dropColumn('request_id');
  });
  await knex.raw('DROP INDEX IF EXISTS payments_one_open_per_invoice');
  await knex.raw("UPDATE payments SET status = 'declined' WHERE status = 'expired'");
  await knex.raw('ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_status_check');
  await knex.raw(
    "ALTER TABLE payments ADD CONSTRAINT payments_status_check CHECK (status IN ('pending', 'paid', 'declined', 'duplicate'))",
  );
}
