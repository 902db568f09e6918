import type { Knex } from 'knex';

/**
 * Whether the person behind a user proved to be the holder of their login id with contract
 * data (registration, or "add a supply" while logged in). A user created from an invitation
 * has only proved control of the mailbox the inviter typed, so it starts unproven.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.boolean('identity_proven').notNullable().defaultTo(true);
  });
  await knex.raw(`UPDATE users u SET identity_proven = false
    WHERE EXISTS (SELECT 1 FROM contact_invitations i WHERE i.accepted_user_id = u.id)
      AND NOT EXISTS (SELECT 1 FROM customer_links l WHERE l.user_id = u.id AND l.role IN ('holder', 'representative') AND l.granted_by IS NULL)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('identity_proven');
  });
}
