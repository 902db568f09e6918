import type { Knex } from 'knex';

export type ReplayFields = Record<string, string | string[]>;

export interface FormReplay {
  userId: number;
  pagePath: string;
  formAction: string;
  fields: ReplayFields;
}

/** One kept form per browser: a second expired POST replaces the first. */
export async function saveFormReplay(
  db: Knex, keyHash: string, r: FormReplay, now: Date, expiresAt: Date,
): Promise<void> {
  await db('form_replays').where('expires_at', '<', now).delete();
  await db('form_replays')
    .insert(
      {
        key_hash: keyHash, user_id: r.userId, page_path: r.pagePath, form_action: r.formAction,
        fields: JSON.stringify(r.fields), created_at: now, expires_at: expiresAt,
      },
    )
    .onConflict('key_hash').merge();
}

export async function findFormReplay(db: Knex, keyHash: string, now: Date): Promise<FormReplay | undefined> {
  const row = await db('form_replays').where({ key_hash: keyHash }).andWhere('expires_at', '>', now).first();
  if (!row) return undefined;
  const fields = typeof row.fields === 'string' ? JSON.parse(row.fields) as ReplayFields : row.fields as ReplayFields;
  return {
    userId: row.user_id as number, pagePath: row.page_path as string, formAction: row.form_action as string, fields,
  };
}

export async function deleteFormReplay(db: Knex, keyHash: string): Promise<void> {
  await db('form_replays').where({ key_hash: keyHash }).delete();
}
