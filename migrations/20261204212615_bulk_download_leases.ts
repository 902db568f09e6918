import type { Knex } from 'knex';

/**
 * One bulk invoice download per user at a time, across every instance: a lease row per user
 * while a ZIP is being made. A lease that outlives its expiry (an instance that died mid-way)
 * is taken over by the next download.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('bulk_download_leases', (t) => {
    t.bigInteger('user_id').primary().references('users.id').onDelete('CASCADE');
    t.string('token', 32).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('bulk_download_leases');
}
