import type { Knex } from 'knex';

// A gestoría or property administrator (itself a customer) managing another customer's supplies.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('external_managers', (t) => {
    t.bigIncrements('id');
    t.bigInteger('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.bigInteger('manager_customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.string('status', 16).notNullable().checkIn(['pending_review', 'active', 'rejected', 'revoked']);
    t.bigInteger('requested_by').references('users.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('decided_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.index(['manager_customer_id', 'status']);
  });
  await knex.raw(
    "CREATE UNIQUE INDEX external_managers_live_uq ON external_managers (customer_id, manager_customer_id) WHERE status IN ('pending_review', 'active')",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('external_managers');
}
