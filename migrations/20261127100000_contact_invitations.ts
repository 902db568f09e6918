import type { Knex } from 'knex';

/**
 * Invitations of authorised contacts who have no user yet (DESIGN.md §4 rule 19). The person
 * does not exist in `users`, so there is nothing to link until they register; the emailed
 * token (only its SHA-256 here) proves the invited address and opens the pre-filled form.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('contact_invitations', (t) => {
    t.bigIncrements('id');
    t.bigInteger('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.string('nif', 16).notNullable();
    t.string('email', 254).notNullable();
    t.string('first_name', 100).notNullable();
    t.string('last_name', 150).notNullable();
    t.string('role', 20).notNullable().checkIn(['authorized_full', 'authorized_read']);
    t.string('token_hash', 64).notNullable().unique();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.string('status', 12).notNullable().defaultTo('pending').checkIn(['pending', 'accepted', 'cancelled']);
    t.bigInteger('invited_by').references('users.id').onDelete('SET NULL');
    t.bigInteger('accepted_user_id').references('users.id').onDelete('SET NULL');
    t.timestamp('accepted_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['customer_id', 'status']);
  });
  // inviting the same person again replaces the pending invitation instead of adding another
  await knex.raw(
    "CREATE UNIQUE INDEX contact_invitations_pending_uq ON contact_invitations (customer_id, nif) WHERE status = 'pending'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('contact_invitations');
}
