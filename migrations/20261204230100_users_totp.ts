import type { Knex } from 'knex';

const PURPOSE_CHECK = 'user_tokens_purpose_check';

/** The tokens' purpose check, recreated with the given purposes (knex's checkIn named it PostgreSQL's way). */
async function purposes(knex: Knex, list: string[]): Promise<void> {
  await knex.raw(`ALTER TABLE user_tokens DROP CONSTRAINT IF EXISTS ${PURPOSE_CHECK}`);
  // DDL takes no bind parameters; the purposes are this file's own constants
  await knex.raw(
    `ALTER TABLE user_tokens ADD CONSTRAINT ${PURPOSE_CHECK} CHECK (purpose IN (${list.map((p) => `'${p}'`).join(', ')}))`,
  );
}

const BEFORE = ['activation', 'password_reset', 'email_change', 'invitation'];

/**
 * A customer's optional second factor (TOTP), as the staff have it: sealed seed, last step,
 * recovery codes; and the emailed link that removes a lost one.
 */
export async function up(knex: Knex): Promise<void> {
  await purposes(knex, [...BEFORE, 'totp_reset']);
  await knex.schema.alterTable('users', (t) => {
    t.text('totp_secret');
    t.timestamp('totp_enrolled_at', { useTz: true });
    t.bigInteger('totp_last_time_step');
    t.jsonb('recovery_code_hashes').notNullable().defaultTo('[]');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex('user_tokens').where({ purpose: 'totp_reset' }).delete();
  await purposes(knex, BEFORE);
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('recovery_code_hashes');
    t.dropColumn('totp_last_time_step');
    t.dropColumn('totp_enrolled_at');
    t.dropColumn('totp_secret');
  });
}
