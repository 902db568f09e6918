import type { Knex } from 'knex';

// Each invoice's signed duplicate ("DUPLICADO"), rendered and signed on its first download and
// served from here afterwards (issue 17). Apart from the originals: lists never read PDF bytes.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('invoice_duplicates', (t) => {
    t.bigInteger('invoice_id').primary().references('invoices.id').onDelete('CASCADE');
    t.binary('pdf').notNullable();
    t.string('sha256', 64).notNullable();
    t.integer('size_bytes').notNullable();
    t.timestamp('generated_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('invoice_duplicates');
}
