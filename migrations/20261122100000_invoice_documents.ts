import type { Knex } from 'knex';

// The signed original of each invoice, kept apart so that invoice lists never read PDF bytes.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('invoice_documents', (t) => {
    t.bigInteger('invoice_id').primary().references('invoices.id').onDelete('CASCADE');
    t.binary('original_pdf').notNullable();
    t.string('sha256', 64).notNullable();
    t.integer('size_bytes').notNullable();
    t.timestamp('generated_at', { useTz: true }).notNullable();
  });
  await knex.schema.alterTable('invoices', (t) => {
    t.timestamp('original_downloaded_at', { useTz: true });
    t.bigInteger('original_downloaded_by').references('users.id').onDelete('SET NULL');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('invoices', (t) => {
    t.dropColumn('original_downloaded_by');
    t.dropColumn('original_downloaded_at');
  });
  await knex.schema.dropTable('invoice_documents');
}
