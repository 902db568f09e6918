import type { Knex } from 'knex';

/**
 * Invitations may also carry the role 'representative': an administrator approving a gestoría
 * or a change of representative invites a person who has no user yet and no contract data to
 * register with. The check constraint was created inline by knex's `checkIn`, so PostgreSQL
 * named it; it is found by its definition and recreated with a fixed name.
 */
const NAME = 'contact_invitations_role_check';

async function dropRoleChecks(knex: Knex): Promise<void> {
  const { rows } = await knex.raw<{ rows: { conname: string }[] }>(
    "SELECT conname FROM pg_constraint WHERE conrelid = 'contact_invitations'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%role%'",
  );
  for (const r of rows) await knex.raw('ALTER TABLE contact_invitations DROP CONSTRAINT ??', [r.conname]);
}

export async function up(knex: Knex): Promise<void> {
  await dropRoleChecks(knex);
  await knex.raw(
    `ALTER TABLE contact_invitations ADD CONSTRAINT ${NAME} CHECK (role IN ('authorized_full', 'authorized_read', 'representative'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  // the narrower check cannot hold them; such a person can still register as a business
  await knex('contact_invitations').where({ role: 'representative' }).delete();
  await dropRoleChecks(knex);
  await knex.raw(
    `ALTER TABLE contact_invitations ADD CONSTRAINT ${NAME} CHECK (role IN ('authorized_full', 'authorized_read'))`,
  );
}
