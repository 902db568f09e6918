import type { Knex } from 'knex';

/**
 * Which readings an invoice billed: the distributor's metering (real, what every invoice so far
 * used), the customer's own reading, or an estimate; and the two readings compared, if any.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('invoices', (t) => {
    t.string('readings_source', 10).notNullable().defaultTo('real').checkIn(['real', 'customer', 'estimated'], 'invoices_readings_source_check');
    t.date('reading_from');
    t.date('reading_to');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('invoices', (t) => {
    t.dropChecks('invoices_readings_source_check');
    t.dropColumn('reading_to');
    t.dropColumn('reading_from');
    t.dropColumn('readings_source');
  });
}
