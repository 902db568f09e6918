import crypto from 'node:crypto';

/** 256 random bits, URL-safe; only the hash is stored, so a database leak opens no link. */
export function newToken(): { token: string; hash: string } {
  const token = crypto.randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}
