import type { Knex } from 'knex';

/**
 * Maintenance services contracted on a supply (issue 15 item 3) and promotions with a discount
 * that a customer accepts for one contract (item 4). The catalogue itself is code
 * (src/domain/maintenance-services.ts), like the products; a row keeps the fee and permanence
 * agreed when contracting, so a later price change never reaches an existing contract.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('contract_services', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('contract_id').notNullable().references('contracts.id').onDelete('CASCADE');
    t.bigInteger('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.string('service_code', 30).notNullable();
    t.integer('monthly_fee_cents').notNullable();
    t.smallint('permanence_months').notNullable();
    t.date('start_date').notNullable();
    // the last day billed, set when the customer cancels (null: in force)
    t.date('end_date');
    t.bigInteger('created_by_user_id').references('users.id').onDelete('SET NULL');
    t.bigInteger('cancelled_by_user_id').references('users.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('cancelled_at', { useTz: true });
    t.index(['contract_id', 'start_date']);
  });
  await knex.raw('ALTER TABLE contract_services ADD CONSTRAINT contract_services_fee_check\n    CHECK (monthly_fee_cents > 0)');
  // one service of each kind in force per contract, even if two requests race
  await knex.raw(`CREATE UNIQUE INDEX contract_services_one_live ON contract_services (contract_id, service_code)
    WHERE end_date IS NULL`);

  await knex.schema.alterTable('promotions', (t) => {
    t.smallint('discount_percent');
    t.smallint('discount_months');
  });
  await knex.raw(`ALTER TABLE promotions ADD CONSTRAINT promotions_discount_check CHECK (
    (discount_percent IS NULL AND discount_months IS NULL)
    OR (discount_percent BETWEEN 1 AND 100 AND discount_months BETWEEN 1 AND 24))`);

  await knex.schema.createTable('promotion_acceptances', (t) => {
    t.bigIncrements('id').primary();
    t.integer('promotion_id').notNullable().references('promotions.id').onDelete('CASCADE');
    t.bigInteger('contract_id').notNullable().references('contracts.id').onDelete('CASCADE');
    t.bigInteger('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.bigInteger('user_id').references('users.id').onDelete('SET NULL');
    // the discount as accepted: staff editing the promotion later does not change it
    t.smallint('discount_percent').notNullable();
    t.date('first_month').notNullable();
    t.date('last_month').notNullable();
    t.timestamp('accepted_at', { useTz: true }).notNullable();
    t.unique(['promotion_id', 'contract_id']);
    t.index(['contract_id', 'first_month']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('promotion_acceptances');
  await knex.raw('ALTER TABLE promotions DROP CONSTRAINT promotions_discount_check');
  await knex.schema.alterTable('promotions', (t) => {
    t.dropColumn('discount_percent');
    t.dropColumn('discount_months');
  });
  await knex.schema.dropTable('contract_services');
}
