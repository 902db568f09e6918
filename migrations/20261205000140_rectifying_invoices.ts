import type { Knex } from 'knex';

/**
 * Rectifying invoices (facturas rectificativas, RD 1619/2012 art. 15): their own series "R"
 * (numbered from invoice_series like every series),
 * the invoice they replace, and why. They share the original's contract and period, so the
 * one-invoice-per-period rule now holds for ordinary invoices only.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('invoices', (t) => {
    t.bigInteger('rectifies_invoice_id').references('invoices.id').onDelete('RESTRICT');
    t.string('rectification_reason', 500);
    // on the original: the invoice that replaces it
    t.bigInteger('rectified_by_invoice_id').references('invoices.id').onDelete('SET NULL');
  });
  await knex.schema.alterTable('invoices', (t) => t.dropUnique(['contract_id', 'period_start']));
  await knex.raw('CREATE UNIQUE INDEX invoices_contract_period_ordinary ON invoices (contract_id, period_start) WHERE rectifies_invoice_id IS NULL');
  // an invoice is replaced once (a wrong rectifying invoice is itself rectified)
  await knex.raw('CREATE UNIQUE INDEX invoices_rectifies_once ON invoices (rectifies_invoice_id) WHERE rectifies_invoice_id IS NOT NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex('invoices').whereNotNull('rectifies_invoice_id').delete();
  await knex.raw('DROP INDEX invoices_rectifies_once');
  await knex.raw('DROP INDEX invoices_contract_period_ordinary');
  await knex.schema.alterTable('invoices', (t) => t.unique(['contract_id', 'period_start']));
  await knex.schema.alterTable('invoices', (t) => {
    t.dropColumn('rectified_by_invoice_id');
    t.dropColumn('rectification_reason');
    t.dropColumn('rectifies_invoice_id');
  });
}
