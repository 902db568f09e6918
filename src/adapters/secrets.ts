import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config';
import { StartupError } from '../data/startup-error';

function writeFailure(config: Config, err: unknown): StartupError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') {
    return new StartupError(
      `The disk holding ${config.dataDir} is full (no space left on device): free some space and start again.`,
    );
  }
  return new StartupError(
    `The data folder ${config.dataDir} cannot be written (${code}). Set DATA_DIR to a writable folder.`,
  );
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StartupError(`${file} cannot be read (${(err as NodeJS.ErrnoException).code}).`);
  }
}

/**
 * The session secret must be shared by every instance: production takes it from
 * SESSION_SECRET; development generates one once and keeps it in the data folder.
 */
export async function resolveSessionSecret(config: Config): Promise<string> {
  if (config.sessionSecret) {
    if (config.production && Buffer.byteLength(config.sessionSecret) < 32) {
      throw new StartupError('SESSION_SECRET must be at least 32 bytes in production (`openssl rand -base64 48`).');
    }
    return config.sessionSecret;
  }
  if (config.production) {
    throw new StartupError('SESSION_SECRET must be set in production (at least 32 random characters).');
  }
  const file = path.join(config.dataDir, 'session-secret');
  const existing = (await readIfExists(file))?.trim();
  if (existing) return existing;
  const secret = crypto.randomBytes(32).toString('hex');
  try {
    await fs.mkdir(config.dataDir, { recursive: true });
    await fs.writeFile(file, secret, { mode: 0o600 });
  } catch (err) {
    throw writeFailure(config, err);
  }
  return secret;
}

function decodeKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== 32) {
    throw new StartupError(`${source} must be 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`).`);
  }
  if (key.every((b) => b === 0)) {
    throw new StartupError(`${source} is all zeros: use 32 random bytes (\`openssl rand -base64 32\`).`);
  }
  return key;
}

/** A value stored in the database that tells whether a key is the one its secrets were written with. */
export function keyCheck(key: Buffer): string {
  return crypto.createHmac('sha256', key).update('area-clientes data key check v1').digest('hex');
}

/**
 * The key that encrypts secrets at rest (staff TOTP seeds): DATA_ENCRYPTION_KEY (32 bytes,
 * base64) in production, where it must be the same on every instance and kept out of the
 * database; development generates one once into the data folder. Once the database holds
 * data encrypted with a key (`storedCheck`), a missing or damaged key file is an error:
 * generating a new key would make those secrets unreadable.
 */
export async function resolveDataKey(config: Config, storedCheck: string | null = null): Promise<Buffer> {
  const fromEnv = config.dataEncryptionKey;
  let key: Buffer;
  if (fromEnv) {
    key = decodeKey(fromEnv, 'DATA_ENCRYPTION_KEY');
  } else {
    if (config.production) {
      throw new StartupError('DATA_ENCRYPTION_KEY must be set in production (`openssl rand -base64 32`).');
    }
    const file = path.join(config.dataDir, 'data-key');
    const text = await readIfExists(file);
    if (text !== null) {
      key = decodeKey(text, `The data key file ${file}`);
    } else if (storedCheck) {
      throw new StartupError(
        `The data key file ${file} is missing, but the database holds secrets encrypted with it: ` +
          'restore it (npm run restore brings it back with the database) or set DATA_ENCRYPTION_KEY.',
      );
    } else {
      key = crypto.randomBytes(32);
      try {
        await fs.mkdir(config.dataDir, { recursive: true });
        await fs.writeFile(file, key.toString('base64'), { mode: 0o600 });
      } catch (err) {
        throw writeFailure(config, err);
      }
    }
  }
  if (storedCheck && storedCheck !== keyCheck(key)) {
    throw new StartupError(
      `${fromEnv ? 'DATA_ENCRYPTION_KEY' : `The data key file ${path.join(config.dataDir, 'data-key')}`}` +
        " is not the key this database's secrets were encrypted with: set the right one (a backup holds it).",
    );
  }
  return key;
}
