import type { Knex } from 'knex';

/**
 * What a person typed into a form that arrived after their session had expired, kept for
 * that browser (keyed by the hash of an opaque cookie) until they log in again, for a short
 * while. Never passwords or files; bound to the user whose session it was.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('form_replays', (t) => {
    t.string('key_hash', 64).primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('page_path', 500).notNullable();
    t.string('form_action', 500).notNullable();
    t.jsonb('fields').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable().index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('form_replays');
}
