import type { Knex } from 'knex';

const PURPOSE_CHECK = 'user_tokens_purpose_check';
const BEFORE = ['activation', 'password_reset', 'email_change', 'invitation', 'totp_reset'];

/** The tokens' purpose check, recreated with the given purposes (as 20261204230100 does). */
async function purposes(knex: Knex, list: string[]): Promise<void> {
  await knex.raw(`ALTER TABLE user_tokens DROP CONSTRAINT IF EXISTS ${PURPOSE_CHECK}`);
  // DDL takes no bind parameters; the purposes are this file's own constants
  const values = list.map((p) => `'${p}'`).join(', ');
  await knex.raw(`ALTER TABLE user_tokens ADD CONSTRAINT ${PURPOSE_CHECK} CHECK (purpose IN (${values}))`);
}

/**
 * Change of holder: each side confirms from an emailed single-use link. The new holder may not
 * be a user yet, so these tokens carry no user; the request and the side are in the payload.
 */
export async function up(knex: Knex): Promise<void> {
  await purposes(knex, [...BEFORE, 'holder_consent']);
}

export async function down(knex: Knex): Promise<void> {
  await knex('user_tokens').where({ purpose: 'holder_consent' }).delete();
  await purposes(knex, BEFORE);
}
