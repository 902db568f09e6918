import type { Knex } from 'knex';

/** Small facts about the database itself (the data key's check value, the demo seeding marker). */
export async function getMeta(db: Knex, key: string): Promise<string | null> {
  const row = await db('app_meta').where({ key }).first('value');
  return row ? String(row.value) : null;
}

export async function setMeta(db: Knex, key: string, value: string): Promise<void> {
  await db('app_meta').insert({ key, value }).onConflict('key').merge();
}

export async function deleteMeta(db: Knex, key: string): Promise<void> {
  await db('app_meta').where({ key }).delete();
}
