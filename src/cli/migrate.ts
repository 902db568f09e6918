import { loadConfig } from '../config';
import { openDatabase } from '../data/db';
import { migrateLatest } from '../data/migrations';
import { reportCommandError } from './command-db';

try {
  const db = await openDatabase(loadConfig(process.env, []), { role: 'command', what: 'npm run migrate' });
  const applied = await migrateLatest(db.knex);
  console.log(`${db.description}: ${applied} migration(s) applied`);
  await db.close();
} catch (err) {
  reportCommandError(err);
}
