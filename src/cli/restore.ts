// npm run restore -- FILE   (into a new, empty DATA_DIR or DATABASE_URL database)
import path from 'node:path';
import { loadConfig } from '../config';
import { openDatabase } from '../data/db';
import { StartupError } from '../data/startup-error';
import { loadBackup, readBackupHeader, restoreSecretFiles } from '../data/backup';
import { reportCommandError } from './command-db';

const file = process.argv[2];
if (!file || file.startsWith('-')) {
  console.error('Usage: DATA_DIR=new-folder npm run restore -- FILE');
  process.exit(2);
}
try {
  const config = loadConfig(process.env, []);
  const header = await readBackupHeader(path.resolve(file));
  if (
    config.dataEncryptionKey
    && Buffer.from(config.dataEncryptionKey, 'base64').toString('base64') !== header.secrets.dataKey
  ) {
    throw new StartupError(
      'DATA_ENCRYPTION_KEY is set and is not the key of this backup: ' +
        'unset it (the backup carries its key) or set the right one.',
    );
  }
  // as the owner of the folder: never into the database of a running portal
  const db = await openDatabase(
    config, { role: 'portal', what: 'npm run restore', log: (m) => console.error(`  ${m}`) },
  );
  try {
    const started = Date.now();
    const r = await loadBackup(db.knex, path.resolve(file));
    await restoreSecretFiles(config.dataDir, header.secrets, { dataKeyFromEnv: !!config.dataEncryptionKey });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `Restored ${r.rows} rows from ${file} (taken ${header.createdAt}) into ${db.description}, ` +
        `with its data key, signing certificate and session secret, in ${seconds} s.`,
    );
  } finally {
    await db.close();
  }
} catch (err) {
  reportCommandError(err);
}
