import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config';
import { StartupError } from '../data/startup-error';

/**
 * The session secret must be shared by every instance: production takes it from
 * SESSION_SECRET; development generates one once and keeps it in the data folder.
 */
export async function resolveSessionSecret(config: Config): Promise<string> {
  if (config.sessionSecret) return config.sessionSecret;
  if (config.production) throw new StartupError('SESSION_SECRET must be set in production (at least 32 random characters).');
  if (config.embeddedInMemory) return crypto.randomBytes(32).toString('hex');
  const file = path.join(config.dataDir, 'session-secret');
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch {
    const secret = crypto.randomBytes(32).toString('hex');
    try {
      await fs.mkdir(config.dataDir, { recursive: true });
      await fs.writeFile(file, secret, { mode: 0o600 });
    } catch (err) {
      throw new StartupError(`The data folder ${config.dataDir} cannot be written (${(err as NodeJS.ErrnoException).code}). Set DATA_DIR to a writable folder.`);
    }
    return secret;
  }
}

/**
 * The key that encrypts secrets at rest (staff TOTP seeds): DATA_ENCRYPTION_KEY (32 bytes,
 * base64) in production, where it must be the same on every instance and kept out of the
 * database; development generates one once into the data folder.
 */
export async function resolveDataKey(config: Config): Promise<Buffer> {
  const fromEnv = config.dataEncryptionKey;
  if (fromEnv) {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length !== 32) throw new StartupError('DATA_ENCRYPTION_KEY must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`).');
    return key;
  }
  if (config.production) throw new StartupError('DATA_ENCRYPTION_KEY must be set in production (`openssl rand -base64 32`).');
  if (config.embeddedInMemory) return crypto.randomBytes(32);
  const file = path.join(config.dataDir, 'data-key');
  try {
    const key = Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'base64');
    if (key.length === 32) return key;
  } catch { /* created below */ }
  const key = crypto.randomBytes(32);
  try {
    await fs.mkdir(config.dataDir, { recursive: true });
    await fs.writeFile(file, key.toString('base64'), { mode: 0o600 });
  } catch (err) {
    throw new StartupError(`The data folder ${config.dataDir} cannot be written (${(err as NodeJS.ErrnoException).code}). Set DATA_DIR to a writable folder.`);
  }
  return key;
}
