import type { Knex } from 'knex';

/**
 * Staff passwords (issue 12 item 8): a password chosen by a supervisor must be changed at the
 * first login, and resets go through a single-use link emailed to the staff member only (the
 * hash of the token is stored, never the token).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('staff', (t) => {
    t.boolean('must_change_password').notNullable().defaultTo(false);
    t.timestamp('password_changed_at', { useTz: true });
  });
  await knex.schema.createTable('staff_password_resets', (t) => {
    t.bigIncrements('id');
    t.bigInteger('staff_id').notNullable().references('staff.id').onDelete('CASCADE');
    t.string('token_hash', 64).notNullable().unique();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['staff_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('staff_password_resets');
  await knex.schema.alterTable('staff', (t) => {
    t.dropColumn('must_change_password');
    t.dropColumn('password_changed_at');
  });
}
