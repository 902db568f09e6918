import type { Knex } from 'knex';

// The approval works on the request (gestión), so the relation points at it; the representative
// the client named is kept for the emails and the reviewer, even when the gestoría was already
// a customer with another representative on file.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('external_managers', (t) => {
    t.bigInteger('request_id').references('requests.id').onDelete('SET NULL');
    t.string('representative_nif', 16);
    t.string('representative_email', 254);
    t.bigInteger('revoked_by').references('users.id').onDelete('SET NULL');
    t.index(['customer_id', 'status']);
    t.index(['request_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('external_managers', (t) => {
    t.dropIndex(['request_id']);
    t.dropIndex(['customer_id', 'status']);
    t.dropColumn('revoked_by');
    t.dropColumn('representative_email');
    t.dropColumn('representative_nif');
    t.dropColumn('request_id');
  });
}
