import { loadConfig, type Config } from '../config';
import { openDatabase, type Database } from '../data/db';
import { migrateLatest } from '../data/migrations';
import { StartupError } from '../data/startup-error';
import { ConfigError } from '../config';

/**
 * The database for a command: the running portal's server when it owns DATA_DIR (its port and
 * password are in DATA_DIR), else the embedded server started here for the command's duration,
 * or DATABASE_URL. Never a second server on the same files.
 */
export async function commandDatabase(
  what: string, config: Config = loadConfig(process.env, []),
): Promise<{ config: Config; db: Database }> {
  const db = await openDatabase(config, { role: 'command', what, log: (m) => console.error(`  ${m}`) });
  try {
    await migrateLatest(db.knex);
  } catch (err) {
    await db.close();
    throw err;
  }
  return { config, db };
}

/** One readable line for the errors a person can act on; the stack trace otherwise. */
export function reportCommandError(err: unknown): never {
  console.error(err instanceof StartupError || err instanceof ConfigError ? `Error: ${err.message}` : err);
  process.exit(1);
}
