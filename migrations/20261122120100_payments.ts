import type { Knex } from 'knex';

// Card payments of invoices over Redsys: one row per attempt (gateway order), its verified notification.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('payments', (t) => {
    t.bigIncrements('id');
    // Redsys order: 12 characters, the first 4 digits; never reused
    t.string('order_id', 12).notNullable().unique();
    t.bigInteger('invoice_id').notNullable().references('invoices.id').onDelete('CASCADE');
    t.bigInteger('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.bigInteger('user_id').references('users.id').onDelete('SET NULL');
    t.integer('amount_cents').notNullable();
    t.string('currency', 3).notNullable();
    t.string('gateway', 10).notNullable().checkIn(['redsys', 'sandbox']);
    // duplicate: the bank charged a second payment for an invoice already paid (to refund)
    t.string('status', 10).notNullable().defaultTo('pending').checkIn(['pending', 'paid', 'declined', 'duplicate']);
    t.string('response_code', 4);
    t.string('authorisation_code', 12);
    // the notification's parameters, as signed by the gateway and verified
    t.jsonb('notification');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('notified_at', { useTz: true });
    t.index(['invoice_id']);
    t.index(['customer_id', 'created_at']);
  });
  await knex.raw('ALTER TABLE payments ADD CONSTRAINT payments_amount_positive CHECK (amount_cents > 0)');
  // an invoice is paid by at most one payment, whatever happens concurrently
  await knex.raw("CREATE UNIQUE INDEX payments_one_paid_per_invoice ON payments (invoice_id) WHERE status = 'paid'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('payments');
}
