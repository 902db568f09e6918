import type { Knex } from 'knex';

/**
 * Contracting another energy or a new supply (issue 15 item 2). The numbers of the contracts and
 * contract accounts created when an administrator completes such a request come from sequences
 * whose ranges neither the demo data (1xx…/3xx…) nor the test factories (8xx…/9xx…) use. The IBAN
 * a customer gives for a new contract account waits in its own table until then: a request's
 * payload, timeline and emails only ever carry the masked IBAN.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE SEQUENCE contract_number_seq START 500000000001');
  await knex.raw('CREATE SEQUENCE contract_account_number_seq START 400000000001');
  await knex.schema.createTable('new_supply_bank_details', (t) => {
    t.bigInteger('request_id').primary().references('requests.id').onDelete('CASCADE');
    t.string('iban', 34).notNullable();
    t.string('iban_holder', 70).notNullable();
    t.timestamp('mandate_accepted_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('new_supply_bank_details');
  await knex.raw('DROP SEQUENCE contract_account_number_seq');
  await knex.raw('DROP SEQUENCE contract_number_seq');
}
