/**
 * Lifetimes and checks of single-use tokens sent by email. Generating the random value and
 * hashing it for storage happen outside the domain.
 */

export type TokenPurpose = 'activation' | 'password_reset' | 'email_change' | 'invitation' | 'totp_reset'
  | 'holder_consent';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  activation: 48 * HOUR_MS,
  // Short, because whoever holds it can take over the account (DESIGN.md §4 rule 4).
  password_reset: 30 * MINUTE_MS,
  email_change: 24 * HOUR_MS,
  invitation: 7 * 24 * HOUR_MS,
  // removes the second factor: as short as a password reset
  totp_reset: 30 * MINUTE_MS,
  // a change of holder waits for two people to read their email: a week, like an invitation
  holder_consent: 7 * 24 * HOUR_MS,
};

export function tokenExpiry(purpose: TokenPurpose, now: Date): Date {
  return new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]);
}

export type TokenCheck = 'valid' | 'expired' | 'used' | 'wrong_purpose' | 'unknown';

/**
 * Valid up to and including `expiresAt`. A token of another purpose is reported as such before
 * anything else, so a reset link pasted into the activation page says nothing about its state;
 * 'used' wins over 'expired' because "already used" is what the user needs to hear.
 */
export function checkToken(
  token: { purpose: TokenPurpose; expiresAt: Date; usedAt: Date | null } | null,
  expected: TokenPurpose,
  now: Date,
): TokenCheck {
  if (token === null) return 'unknown';
  if (token.purpose !== expected) return 'wrong_purpose';
  if (token.usedAt !== null) return 'used';
  if (now.getTime() > token.expiresAt.getTime()) return 'expired';
  return 'valid';
}
