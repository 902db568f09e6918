import type { Knex } from 'knex';

/**
 * The supplies overview of a gestoría with thousands of clients (issue 17): the clients it
 * manages looked up by gestoría with the client's id in the index, and active contracts by
 * customer without visiting ended ones.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("CREATE INDEX IF NOT EXISTS external_managers_active_by_manager_idx ON external_managers (manager_customer_id, customer_id) WHERE status = 'active'");
  await knex.raw("CREATE INDEX IF NOT EXISTS contracts_customer_active_idx ON contracts (customer_id) WHERE status = 'active'");
  await knex.raw('CREATE INDEX IF NOT EXISTS customer_links_user_idx ON customer_links (user_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS customer_links_user_idx');
  await knex.raw('DROP INDEX IF EXISTS contracts_customer_active_idx');
  await knex.raw('DROP INDEX IF EXISTS external_managers_active_by_manager_idx');
}
