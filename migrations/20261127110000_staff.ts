import type { Knex } from 'knex';

// Staff of the admin section: separate from customer users, with their own sessions table
// so a customer session can never be read as an administrator's.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('staff', (t) => {
    t.bigIncrements('id');
    t.string('staff_id', 40).notNullable().unique();
    t.string('first_name', 100).notNullable();
    t.string('last_name', 150).notNullable();
    t.string('email', 254).notNullable();
    t.string('role', 12).notNullable().checkIn(['agente', 'supervisor']);
    t.text('password_hash').notNullable();
    t.text('totp_secret');
    t.timestamp('totp_enrolled_at', { useTz: true });
    // replay protection: a TOTP time step is accepted once
    t.bigInteger('totp_last_time_step');
    t.jsonb('recovery_code_hashes').notNullable().defaultTo('[]');
    t.string('status', 10).notNullable().defaultTo('active').checkIn(['active', 'locked', 'disabled']);
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.timestamp('locked_at', { useTz: true });
    t.timestamp('last_login_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.raw(`
    CREATE TABLE staff_sessions (
      sid varchar NOT NULL PRIMARY KEY,
      sess json NOT NULL,
      expire timestamp(6) NOT NULL
    );
    CREATE INDEX staff_sessions_expire_idx ON staff_sessions (expire);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('staff_sessions');
  await knex.schema.dropTable('staff');
}
