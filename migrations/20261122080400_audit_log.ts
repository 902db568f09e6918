import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.string('actor_type', 10).notNullable().checkIn(['user', 'staff', 'system', 'anonymous']);
    t.bigInteger('actor_id');
    t.bigInteger('customer_id');
    t.string('action', 60).notNullable();
    t.string('target_type', 30);
    t.string('target_id', 40);
    t.string('ip', 45);
    t.jsonb('details');
    t.index(['customer_id', 'at']);
    t.index(['actor_type', 'actor_id', 'at']);
    t.index(['action', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
}
