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
