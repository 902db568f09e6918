import type { Knex } from 'knex';

// connect-pg-simple's table, created here so that start-up never runs DDL from a library.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE sessions (
      sid varchar NOT NULL PRIMARY KEY,
      sess json NOT NULL,
      expire timestamp(6) NOT NULL
    );
    CREATE INDEX sessions_expire_idx ON sessions (expire);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sessions');
}
