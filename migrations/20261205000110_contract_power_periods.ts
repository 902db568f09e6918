import type { Knex } from 'knex';

/**
 * The contracted powers of a contract over time: a row says "from this day on, these powers".
 * Billing charges each day with the powers in force on it, so a change accepted by the
 * distributor in the middle of a billing period is billed pro rata. Contracts with no row are
 * billed with the powers on their supply point (their powers never changed here).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('contract_power_periods', (t) => {
    t.bigIncrements('id');
    t.bigInteger('contract_id').notNullable().references('contracts.id').onDelete('CASCADE');
    t.date('valid_from').notNullable();
    t.decimal('p1_kw', 7, 3).notNullable();
    t.decimal('p2_kw', 7, 3).notNullable();
    // the power change that set it (none for the powers the contract started with)
    t.bigInteger('request_id').references('requests.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['contract_id', 'valid_from']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('contract_power_periods');
}
