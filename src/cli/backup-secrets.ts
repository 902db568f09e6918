import fs from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Config } from '../config';
import { resolveDataKey, resolveSessionSecret } from '../adapters/secrets';
import { getMeta } from '../data/app-meta-repo';
import type { BackupSecrets } from '../data/backup';
import { dataDirFiles } from '../data/data-dir';

/** The secrets in use, as a backup must carry them (the development certificate's files included). */
export async function currentSecrets(knex: Knex, config: Config): Promise<BackupSecrets> {
  const dataKey = await resolveDataKey(config, await getMeta(knex, 'data_key_check'));
  const signingFiles: Record<string, string> = {};
  if (!config.signingP12) {
    const dir = dataDirFiles(config.dataDir).signingDir;
    for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
      signingFiles[name] = (await fs.readFile(path.join(dir, name))).toString('base64');
    }
  }
  return { dataKey: dataKey.toString('base64'), sessionSecret: await resolveSessionSecret(config), signingFiles };
}
