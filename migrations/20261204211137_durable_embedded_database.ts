import type { Knex } from 'knex';

/**
 * Issue 11: invoice numbers from a counter row per series (gap-free, unlike a sequence that a
 * rolled-back transaction burns), the run that issued each invoice, an owner and heartbeat for
 * billing runs, a per-message claim for the outbox, and app_meta for the checks that tie the
 * database to its secrets (the data key's check value).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('invoice_series', (t) => {
    t.string('series', 10).primary();
    t.bigInteger('last_number').notNullable();
  });
  // carry on from the numbers already issued, series by series ('FE' + two-digit year)
  await knex.raw(`INSERT INTO invoice_series (series, last_number)
    SELECT substr(number, 1, 4), max(substr(number, 5)::bigint) FROM invoices
    WHERE number ~ '^FE[0-9]{2}[0-9]+$' GROUP BY 1`);

  await knex.schema.alterTable('invoices', (t) => {
    t.bigInteger('billing_run_id');
  });
  await knex.raw('CREATE INDEX invoices_billing_run_idx ON invoices (billing_run_id) WHERE billing_run_id IS NOT NULL');

  await knex.schema.alterTable('billing_runs', (t) => {
    // host:pid of the process running it; updated_at is its heartbeat
    t.string('owner', 200);
  });

  await knex.schema.alterTable('outbox', (t) => {
    t.string('claim_token', 40);
  });

  await knex.schema.createTable('app_meta', (t) => {
    t.string('key', 60).primary();
    t.text('value').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('app_meta');
  await knex.schema.alterTable('outbox', (t) => t.dropColumn('claim_token'));
  await knex.schema.alterTable('billing_runs', (t) => t.dropColumn('owner'));
  await knex.raw('DROP INDEX IF EXISTS invoices_billing_run_idx');
  await knex.schema.alterTable('invoices', (t) => t.dropColumn('billing_run_id'));
  await knex.schema.dropTable('invoice_series');
}
