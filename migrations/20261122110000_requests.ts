import type { Knex } from 'knex';

// Gestiones: every self-service operation is a tracked request with a dated timeline.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE SEQUENCE request_number_seq START 1');
  await knex.schema.createTable('requests', (t) => {
    t.bigIncrements('id');
    t.string('reference', 20).notNullable().unique();
    t.string('type', 30).notNullable();
    t.bigInteger('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.bigInteger('contract_id').references('contracts.id').onDelete('SET NULL');
    t.bigInteger('created_by').references('users.id').onDelete('SET NULL');
    // how the creator was entitled: 'direct' or through a gestoría (its customer id)
    t.bigInteger('via_manager_customer_id').references('customers.id').onDelete('SET NULL');
    t.jsonb('payload').notNullable().defaultTo('{}');
    t.string('status', 12).notNullable().checkIn(['recibida', 'en_tramite', 'completada', 'rechazada']);
    t.bigInteger('assigned_staff_id');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['customer_id', 'created_at']);
    t.index(['status', 'created_at']);
    t.index(['contract_id']);
  });
  await knex.schema.createTable('request_events', (t) => {
    t.bigIncrements('id');
    t.bigInteger('request_id').notNullable().references('requests.id').onDelete('CASCADE');
    t.timestamp('at', { useTz: true }).notNullable();
    t.string('kind', 12).notNullable().checkIn(['created', 'status', 'note']);
    t.string('status', 12);
    t.text('note');
    t.string('actor_type', 10).notNullable().checkIn(['user', 'staff', 'system']);
    t.bigInteger('actor_id');
    t.index(['request_id', 'at']);
  });
  await knex.schema.createTable('documents', (t) => {
    t.bigIncrements('id');
    t.bigInteger('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.bigInteger('request_id').references('requests.id').onDelete('CASCADE');
    t.bigInteger('uploaded_by').references('users.id').onDelete('SET NULL');
    t.string('file_name', 200).notNullable();
    t.string('mime_type', 50).notNullable();
    t.integer('size_bytes').notNullable();
    t.string('sha256', 64).notNullable();
    t.binary('content').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['request_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('documents');
  await knex.schema.dropTable('request_events');
  await knex.schema.dropTable('requests');
  await knex.raw('DROP SEQUENCE request_number_seq');
}
