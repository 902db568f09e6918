import type { Knex } from 'knex';

/**
 * Advantages and promotions (issue 15 item 4), published by staff for an audience, and the
 * customer's consent to commercial communications, kept as a history of decisions with the
 * version of the text that was accepted (GDPR art. 7.1: the controller must be able to show it).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('promotions', (t) => {
    t.increments('id').primary();
    t.string('title_es', 120).notNullable();
    t.string('title_ca', 120).notNullable();
    t.text('body_es').notNullable();
    t.text('body_ca').notNullable();
    t.string('code', 30);
    t.date('valid_from').notNullable();
    t.date('valid_to').notNullable();
    t.specificType('audience_kinds', 'text[]').notNullable();
    t.string('energy', 12);
    t.string('tariff', 10);
    t.string('province', 50);
    t.boolean('active').notNullable().defaultTo(true);
    t.bigInteger('created_by').references('staff.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['active', 'valid_to']);
  });
  await knex.raw('ALTER TABLE promotions ADD CONSTRAINT promotions_dates_check CHECK (valid_from <= valid_to)');
  await knex.schema.createTable('marketing_consents', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.boolean('granted').notNullable();
    t.string('text_version', 20).notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.index(['user_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('marketing_consents');
  await knex.schema.dropTable('promotions');
}
