import crypto from 'node:crypto';

/**
 * Encryption at rest for secrets the app must read back (staff TOTP seeds): AES-256-GCM with
 * the data key, so a copy of the database alone does not let anyone generate staff codes.
 * Stored as "v1:" + base64(iv | tag | ciphertext); a value without the prefix is a legacy
 * plaintext and is returned as is (re-sealed on the next write).
 */
const PREFIX = 'v1:';

export function seal(plain: string, key: Buffer): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function open(stored: string, key: Buffer): string {
  if (!stored.startsWith(PREFIX)) return stored;
  const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}
