import type { Knex } from 'knex';

/**
 * The product (tariff) of a contract over time: a row says "from this day on, this product".
 * A change applies from the first day of a month, so each monthly invoice is billed with the
 * product in force on its first day. Contracts with no row keep contracts.product_code.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('contract_product_periods', (t) => {
    t.bigIncrements('id');
    t.bigInteger('contract_id').notNullable().references('contracts.id').onDelete('CASCADE');
    t.date('valid_from').notNullable();
    t.string('product_code', 40).notNullable();
    // the product change that set it (none for the product the contract started with)
    t.bigInteger('request_id').references('requests.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['contract_id', 'valid_from']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('contract_product_periods');
}
