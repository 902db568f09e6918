import { loadConfig } from '../config';
import { openDatabase } from '../data/db';
import { migrateLatest } from '../data/migrations';
import { StartupError } from '../data/startup-error';

const config = loadConfig();
try {
  const db = await openDatabase(config);
  const applied = await migrateLatest(db.knex);
  console.log(`${db.description}: ${applied} migration(s) applied`);
  await db.close();
} catch (err) {
  console.error(err instanceof StartupError ? `Error: ${err.message}` : err);
  process.exit(1);
}
