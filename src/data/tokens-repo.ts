import type { Knex } from 'knex';
import type { TokenPurpose } from '../domain/tokens';

export interface TokenRow {
  id: number;
  token_hash: string;
  purpose: TokenPurpose;
  user_id: number | null;
  payload: Record<string, unknown> | null;
  expires_at: Date;
  used_at: Date | null;
}

export async function insertToken(
  db: Knex,
  t: {
    hash: string; purpose: TokenPurpose; userId: number | null;
    payload?: Record<string, unknown>; expiresAt: Date; now: Date;
  },
): Promise<void> {
  await db('user_tokens').insert({
    token_hash: t.hash, purpose: t.purpose, user_id: t.userId, payload: t.payload ? JSON.stringify(t.payload) : null,
    expires_at: t.expiresAt, created_at: t.now,
  });
}

export async function findTokenForUpdate(trx: Knex.Transaction, hash: string): Promise<TokenRow | undefined> {
  return trx('user_tokens').where({ token_hash: hash }).forUpdate().first();
}

export async function findToken(db: Knex, hash: string): Promise<TokenRow | undefined> {
  return db('user_tokens').where({ token_hash: hash }).first();
}

export async function markTokenUsed(db: Knex, id: number, now: Date): Promise<void> {
  await db('user_tokens').where({ id }).update({ used_at: now });
}

/** A new link replaces the unused ones of the same purpose. */
export async function invalidateTokens(db: Knex, userId: number, purpose: TokenPurpose, now: Date): Promise<void> {
  await db('user_tokens').where({ user_id: userId, purpose }).whereNull('used_at').update({ used_at: now });
}

/** Every unused link of the user stops working (its account changed hands). */
export async function invalidateAllTokens(db: Knex, userId: number, now: Date): Promise<void> {
  await db('user_tokens').where({ user_id: userId }).whereNull('used_at').update({ used_at: now });
}
