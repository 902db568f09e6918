import type { Knex } from 'knex';

/**
 * Certificate login: the single-use tickets that carry a verified certificate's identity from
 * the TLS listener (or the reverse proxy) to the portal's session, stored by hash only; and
 * each user's choice to allow logging in with a certificate (on by default).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('certificate_login_tickets', (t) => {
    t.bigIncrements('id');
    t.string('ticket_hash', 64).notNullable().unique();
    t.string('person_id', 16).notNullable();
    t.string('entity_cif', 16);
    t.string('first_name', 100);
    t.string('last_name', 150);
    t.string('issuer', 300).notNullable();
    t.string('serial', 80).notNullable();
    // binds the ticket to the browser that started the login (its session holds the state)
    t.string('state_hash', 64).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['expires_at']);
  });
  await knex.schema.alterTable('users', (t) => {
    t.boolean('certificate_login').notNullable().defaultTo(true);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('certificate_login');
  });
  await knex.schema.dropTable('certificate_login_tickets');
}
