import type { Knex } from 'knex';

/** The complaint a rectifying invoice answers, so the complaint and the customer can point at it. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('invoices', (t) => {
    t.bigInteger('rectification_request_id').references('requests.id').onDelete('SET NULL');
    t.index(['rectification_request_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('invoices', (t) => {
    t.dropIndex(['rectification_request_id']);
    t.dropColumn('rectification_request_id');
  });
}
