import type { Knex } from 'knex';
import { checkToken, type TokenCheck, type TokenPurpose } from '../domain/tokens';
import { findToken, findTokenForUpdate, markTokenUsed, type TokenRow } from '../data/tokens-repo';
import { hashToken } from '../adapters/tokens';

function asCheckable(row: TokenRow | undefined) {
  return row ? {
    purpose: row.purpose, expiresAt: new Date(row.expires_at), usedAt: row.used_at ? new Date(row.used_at) : null,
  } : null;
}

/** Read-only check, for showing the form a link leads to. */
export async function peekToken(
  db: Knex, token: unknown, purpose: TokenPurpose, now: Date,
): Promise<{ check: TokenCheck; row?: TokenRow }> {
  if (typeof token !== 'string' || token.length < 20 || token.length > 100) return { check: 'unknown' };
  const row = await findToken(db, hashToken(token));
  return { check: checkToken(asCheckable(row), purpose, now), row };
}

/** Locks, checks and consumes the token in the caller's transaction: a replay finds it used. */
export async function consumeToken(
  trx: Knex.Transaction, token: unknown, purpose: TokenPurpose, now: Date,
): Promise<{ check: TokenCheck; row?: TokenRow }> {
  if (typeof token !== 'string' || token.length < 20 || token.length > 100) return { check: 'unknown' };
  const row = await findTokenForUpdate(trx, hashToken(token));
  const check = checkToken(asCheckable(row), purpose, now);
  if (check === 'valid' && row) await markTokenUsed(trx, row.id, now);
  return { check, row };
}
