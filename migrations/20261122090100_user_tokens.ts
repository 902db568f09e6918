import type { Knex } from 'knex';

// Single-use links (activation, reset, email change, invitation); only the SHA-256 is kept.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('user_tokens', (t) => {
    t.bigIncrements('id');
    t.string('token_hash', 64).notNullable().unique();
    t.string('purpose', 20).notNullable().checkIn(['activation', 'password_reset', 'email_change', 'invitation']);
    t.bigInteger('user_id').references('users.id').onDelete('CASCADE');
    t.jsonb('payload');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id', 'purpose']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('user_tokens');
}
