// npm run backup -- FILE   (consistent while the portal runs: it reads one snapshot)
import path from 'node:path';
import { writeBackup } from '../data/backup';
import { commandDatabase, reportCommandError } from './command-db';
import { currentSecrets } from './backup-secrets';

const file = process.argv[2];
if (!file || file.startsWith('-')) {
  console.error('Usage: npm run backup -- FILE   (e.g. npm run backup -- backups/area-clientes-2026-12-04.backup)');
  process.exit(2);
}
try {
  const { config, db } = await commandDatabase('npm run backup');
  try {
    const started = Date.now();
    const r = await writeBackup(db.knex, path.resolve(file), await currentSecrets(db.knex, config));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`${file}: ${r.rows} rows of ${r.tables} tables and the secrets that go with them, in ${seconds} s.`);
    console.log(
      'This file holds the data encryption key and the signing certificate: keep it as safe as the database itself.',
    );
  } finally {
    await db.close();
  }
} catch (err) {
  reportCommandError(err);
}
