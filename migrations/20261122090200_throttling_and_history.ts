import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // fixed-window counters shared by every instance and kept across restarts
  await knex.schema.createTable('rate_limits', (t) => {
    t.string('bucket', 120).notNullable();
    t.timestamp('window_start', { useTz: true }).notNullable();
    t.integer('hits').notNullable().defaultTo(0);
    t.primary(['bucket', 'window_start']);
  });
  await knex.schema.createTable('login_history', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('at', { useTz: true }).notNullable();
    t.boolean('success').notNullable();
    t.string('ip', 45);
    t.string('user_agent', 300);
    t.index(['user_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('login_history');
  await knex.schema.dropTable('rate_limits');
}
