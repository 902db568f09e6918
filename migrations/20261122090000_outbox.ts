import type { Knex } from 'knex';

// Every email is written here in the transaction of the change that causes it.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('outbox', (t) => {
    t.bigIncrements('id');
    t.string('to_address', 254).notNullable();
    t.string('language', 2).notNullable();
    t.string('template', 40).notNullable();
    t.string('subject', 200).notNullable();
    t.text('text_body').notNullable();
    t.text('html_body').notNullable();
    t.string('status', 10).notNullable().defaultTo('pending').checkIn(['pending', 'sent', 'failed']);
    t.string('transport', 10).checkIn(['smtp', 'mailbox']);
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('last_error');
    t.bigInteger('user_id').references('users.id').onDelete('SET NULL');
    t.bigInteger('customer_id').references('customers.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
  });
  await knex.raw("CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'pending'");
  await knex.raw('CREATE INDEX outbox_created_idx ON outbox (created_at DESC)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('outbox');
}
