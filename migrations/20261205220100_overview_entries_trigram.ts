import type { Knex } from 'knex';

/**
 * A search of a gestoría's overview for a word found in a few of its supplies ("sueca") tests
 * the words on every entry of the gestoría; trigram indexes of the entries' search texts find
 * the matching ones first (pg_trgm answers `LIKE '%word%'`, the exact match rechecked on the
 * rows found). pg_trgm ships with PostgreSQL's contrib and with the embedded server, and is a
 * trusted extension (the database's owner may create it). Where it cannot be created the
 * migration leaves the indexes out: the searches give the same rows, only slower.
 */
export async function up(knex: Knex): Promise<void> {
  const trigrams = await knex.transaction(async (trx) => {
    await trx.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm');
  }).then(() => true, () => false);
  if (!trigrams) return;
  await knex.raw(`CREATE INDEX IF NOT EXISTS overview_entries_search_trgm_idx
    ON overview_entries USING gin (search_text gin_trgm_ops)`);
  await knex.raw(`CREATE INDEX IF NOT EXISTS overview_entries_id_trgm_idx
    ON overview_entries USING gin (id_text gin_trgm_ops)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS overview_entries_id_trgm_idx');
  await knex.raw('DROP INDEX IF EXISTS overview_entries_search_trgm_idx');
}
