import type { Knex } from 'knex';
import type { Config } from '../config';
import { tokenExpiry, type TokenPurpose } from '../domain/tokens';
import { insertToken, invalidateTokens } from '../data/tokens-repo';
import { newToken } from '../adapters/tokens';

const PATHS: Record<TokenPurpose, string> = {
  activation: '/activar',
  password_reset: '/restablecer',
  email_change: '/ajustes/email/confirmar',
  invitation: '/invitacion',
  totp_reset: '/recuperar/2fa/confirmar',
  holder_consent: '/cambio-titular/confirmar',
};

/** Creates a single-use token (replacing older unused ones) and returns the link to email. */
export async function issueLink(
  trx: Knex, purpose: TokenPurpose, userId: number | null, now: Date, config: Config, payload?: Record<string, unknown>,
): Promise<string> {
  if (userId !== null) await invalidateTokens(trx, userId, purpose, now);
  const { token, hash } = newToken();
  await insertToken(trx, { hash, purpose, userId, payload, expiresAt: tokenExpiry(purpose, now), now });
  return `${config.publicUrl}${PATHS[purpose]}?token=${token}`;
}

export function issueResetLink(trx: Knex, userId: number, now: Date, config: Config): Promise<string> {
  return issueLink(trx, 'password_reset', userId, now, config);
}
