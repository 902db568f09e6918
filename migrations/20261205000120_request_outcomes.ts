import type { Knex } from 'knex';

/**
 * What a finished request did: the day its change takes effect, when a power change went to
 * the distributor, and a complaint's resolution and outcome as the customer reads them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('requests', (t) => {
    t.date('effective_date');
    t.date('sent_to_distributor_on');
    t.text('resolution');
    t.string('outcome', 14).checkIn(['favourable', 'partial', 'unfavourable'], 'requests_outcome_check');
  });
  // one open request of a kind per contract is checked under a lock; this finds it fast
  await knex.raw("CREATE INDEX requests_open_by_contract ON requests (contract_id, type) WHERE status IN ('recibida', 'en_tramite')");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX requests_open_by_contract');
  await knex.schema.alterTable('requests', (t) => {
    t.dropChecks('requests_outcome_check');
    t.dropColumn('outcome');
    t.dropColumn('resolution');
    t.dropColumn('sent_to_distributor_on');
    t.dropColumn('effective_date');
  });
}
