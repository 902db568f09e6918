import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE SEQUENCE invoice_number_seq START 1000001');
  await knex.schema.createTable('invoices', (t) => {
    t.bigIncrements('id');
    t.string('number', 20).notNullable().unique();
    t.bigInteger('contract_id').notNullable().references('contracts.id').onDelete('CASCADE');
    t.bigInteger('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.date('period_start').notNullable();
    t.date('period_end').notNullable();
    t.date('issue_date').notNullable();
    t.date('due_date').notNullable();
    t.string('status', 10).notNullable().defaultTo('pending').checkIn(['pending', 'paid', 'returned']);
    t.string('delivery', 10).notNullable().checkIn(['paper', 'electronic']);
    t.string('payment_method', 12).notNullable().checkIn(['direct_debit', 'transfer']);
    t.integer('consumption_p1_kwh').notNullable();
    t.integer('consumption_p2_kwh').notNullable().defaultTo(0);
    t.integer('consumption_p3_kwh').notNullable().defaultTo(0);
    t.integer('taxable_base_cents').notNullable();
    t.integer('vat_cents').notNullable();
    t.integer('total_cents').notNullable();
    t.timestamp('paid_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // idempotent issuing: one invoice per contract and billing period
    t.unique(['contract_id', 'period_start']);
    t.index(['contract_id', 'issue_date']);
    t.index(['customer_id', 'issue_date']);
  });

  await knex.schema.createTable('invoice_lines', (t) => {
    t.bigIncrements('id');
    t.bigInteger('invoice_id').notNullable().references('invoices.id').onDelete('CASCADE');
    t.smallint('position').notNullable();
    t.string('kind', 20).notNullable();
    t.string('period', 2);
    t.string('detail', 200).notNullable();
    t.decimal('quantity', 14, 3).notNullable();
    t.string('unit', 12).notNullable();
    t.decimal('unit_price', 14, 8).notNullable();
    t.integer('amount_cents').notNullable();
    t.unique(['invoice_id', 'position']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('invoice_lines');
  await knex.schema.dropTable('invoices');
  await knex.raw('DROP SEQUENCE invoice_number_seq');
}
