import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('customers', (t) => {
    t.bigIncrements('id');
    t.string('tax_id', 16).notNullable().unique();
    t.string('kind', 16).notNullable().checkIn(['individual', 'company', 'community']);
    t.string('name', 200).notNullable();
    t.string('representative_nif', 16);
    t.string('email', 254);
    t.string('phone', 20);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE INDEX customers_name_idx ON customers (lower(name))');

  await knex.schema.createTable('users', (t) => {
    t.bigIncrements('id');
    t.string('login_id', 16).notNullable().unique();
    t.string('first_name', 100).notNullable();
    t.string('last_name', 150).notNullable();
    t.string('email', 254).notNullable();
    t.timestamp('email_verified_at', { useTz: true });
    t.string('phone', 20);
    t.text('password_hash').notNullable();
    t.string('status', 16).notNullable().defaultTo('pending').checkIn(['pending', 'active', 'locked', 'disabled']);
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.timestamp('locked_at', { useTz: true });
    t.string('secret_question', 200);
    t.text('secret_answer_hash');
    t.string('language', 2).notNullable().defaultTo('es').checkIn(['es', 'ca']);
    t.timestamp('last_login_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE INDEX users_email_idx ON users (lower(email))');

  await knex.schema.createTable('customer_links', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.string('role', 20).notNullable().checkIn(['holder', 'representative', 'authorized_full', 'authorized_read']);
    t.string('status', 10).notNullable().defaultTo('active').checkIn(['invited', 'active', 'revoked']);
    t.bigInteger('granted_by').references('users.id').onDelete('SET NULL');
    t.timestamp('granted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('revoked_at', { useTz: true });
    t.index(['customer_id']);
  });
  // one live link per user and customer; revoked ones stay as history
  await knex.raw(
    "CREATE UNIQUE INDEX customer_links_live_uq ON customer_links (user_id, customer_id) WHERE status <> 'revoked'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('customer_links');
  await knex.schema.dropTable('users');
  await knex.schema.dropTable('customers');
}
