import type { Knex } from 'knex';

function address(t: Knex.CreateTableBuilder, prefix: string, required: boolean): void {
  const col = (name: string, len: number) => {
    const c = t.string(`${prefix}${name}`, len);
    return required ? c.notNullable() : c;
  };
  col('street', 150);
  col('number', 10);
  t.string(`${prefix}floor_door`, 30);
  col('postal_code', 5);
  col('municipality', 100);
  col('province', 50);
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('contract_accounts', (t) => {
    t.bigIncrements('id');
    t.string('number', 12).notNullable().unique();
    t.bigInteger('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.string('billing_name', 200).notNullable();
    address(t, 'billing_', true);
    address(t, 'corr_', false);
    t.string('iban', 34);
    t.string('iban_holder', 200);
    t.boolean('direct_debit').notNullable().defaultTo(false);
    t.string('mandate_ref', 35);
    t.timestamp('mandate_signed_at', { useTz: true });
    t.smallint('payment_day');
    t.string('alt_payer_name', 200);
    t.string('alt_payer_tax_id', 16);
    t.string('alt_recipient_name', 200);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['customer_id']);
  });

  await knex.schema.createTable('supply_points', (t) => {
    t.bigIncrements('id');
    t.string('cups', 22).notNullable().unique();
    t.string('energy', 12).notNullable().checkIn(['electricity', 'gas']);
    t.string('tariff', 10).notNullable();
    address(t, '', true);
    t.decimal('power_p1_kw', 7, 3);
    t.decimal('power_p2_kw', 7, 3);
    t.string('distributor', 100).notNullable();
  });

  await knex.schema.createTable('contracts', (t) => {
    t.bigIncrements('id');
    t.string('number', 12).notNullable().unique();
    t.bigInteger('contract_account_id').notNullable().references('contract_accounts.id').onDelete('CASCADE');
    t.bigInteger('supply_point_id').notNullable().references('supply_points.id');
    // denormalised so access checks and lists need no join through the account
    t.bigInteger('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.string('product_code', 40).notNullable();
    t.string('status', 10).notNullable().defaultTo('active').checkIn(['active', 'ended']);
    t.date('start_date').notNullable();
    t.date('end_date');
    t.boolean('e_billing').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['customer_id']);
    t.index(['contract_account_id']);
    t.index(['supply_point_id']);
  });

  await knex.schema.createTable('meter_readings', (t) => {
    t.bigIncrements('id');
    t.bigInteger('supply_point_id').notNullable().references('supply_points.id').onDelete('CASCADE');
    t.date('reading_date').notNullable();
    t.string('source', 12).notNullable().checkIn(['distributor', 'customer', 'estimated']);
    // cumulative meter registers in kWh (gas: only p1)
    t.integer('p1_kwh').notNullable();
    t.integer('p2_kwh');
    t.integer('p3_kwh');
    t.bigInteger('created_by').references('users.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['supply_point_id', 'reading_date']);
  });

  await knex.schema.createTable('consumption', (t) => {
    t.bigIncrements('id');
    t.bigInteger('contract_id').notNullable().references('contracts.id').onDelete('CASCADE');
    t.date('month').notNullable(); // first day of the billed month
    t.integer('p1_kwh').notNullable();
    t.integer('p2_kwh').notNullable().defaultTo(0);
    t.integer('p3_kwh').notNullable().defaultTo(0);
    t.unique(['contract_id', 'month']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['consumption', 'meter_readings', 'contracts', 'supply_points', 'contract_accounts']) {
    await knex.schema.dropTable(table);
  }
}
