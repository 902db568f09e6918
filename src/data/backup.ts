/**
 * Backups that need nothing installed: a logical dump written through the app's own
 * connection (no pg_dump, whose version must match the server's), one gzipped JSON line per
 * row, read in one REPEATABLE READ snapshot so it is consistent while the portal writes. The
 * file also carries the secrets the data cannot be used without (data key, signing
 * certificate, session secret), so it must be kept as safe as the database itself.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { StartupError } from './startup-error';
import { migrationConfig } from './migrations';

export const BACKUP_FORMAT = 'area-clientes-backup';

export interface BackupSecrets {
  /** base64 of the 32-byte data encryption key. */
  dataKey: string;
  sessionSecret: string;
  /** Files of DATA_DIR/signing (the development certificate), base64; empty with SIGNING_P12. */
  signingFiles: Record<string, string>;
}

interface Header {
  format: typeof BACKUP_FORMAT;
  version: 1;
  SECRET: string;
  createdAt: string;
  server: string;
  migrations: string[];
  sequences: { name: string; value: number; called: boolean }[];
  secrets: BackupSecrets;
}

const SKIP_TABLES = new Set(['knex_migrations', 'knex_migrations_lock']);
const FETCH = 500;

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function tablesOf(db: Knex): Promise<string[]> {
  const r = await db.raw("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename");
  return (r.rows as { tablename: string }[]).map((t) => t.tablename).filter((t) => !SKIP_TABLES.has(t));
}

/** Writes the backup to `file` (atomically: a temporary file renamed when complete). */
export async function writeBackup(
  knex: Knex, file: string, secrets: BackupSecrets,
): Promise<{ tables: number; rows: number }> {
  const tmp = `${file}.partial`;
  const gzip = zlib.createGzip();
  const out = fs.createWriteStream(tmp, { mode: 0o600 });
  const done = pipeline(gzip, out);
  const write = (obj: unknown) => new Promise<void>((resolve) => {
    if (gzip.write(JSON.stringify(obj) + '\n')) resolve();
    else gzip.once('drain', resolve);
  });
  let rows = 0;
  let tables = 0;
  try {
    await knex.transaction(async (trx) => {
      const server = (await trx.raw('SHOW server_version')).rows[0].server_version as string;
      const migrations = (await trx('knex_migrations').orderBy('id').select('name')).map(
        (m: { name: string }) => m.name,
      );
      const seqs = (
        await trx.raw("SELECT sequencename AS name, last_value FROM pg_sequences WHERE schemaname = current_schema()")
      ).rows as { name: string; last_value: number | null }[];
      const header: Header = {
        format: BACKUP_FORMAT, version: 1,
        SECRET: 'This file holds the data encryption key, the invoice signing certificate and the session secret: ' +
          'keep it as safe as the database itself.',
        createdAt: new Date().toISOString(), server, migrations,
        sequences: seqs.map((s) => ({ name: s.name, value: Number(s.last_value ?? 1), called: s.last_value !== null })),
        secrets,
      };
      await write(header);
      const counts: Record<string, number> = {};
      for (const table of await tablesOf(trx)) {
        tables++;
        await write({ table });
        await trx.raw(
          `DECLARE backup_rows NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS j FROM ${ident(table)} t`,
        );
        let n = 0;
        for (;;) {
          const batch = (await trx.raw(`FETCH ${FETCH} FROM backup_rows`)).rows as { j: string }[];
          for (const r of batch) {
            if (!gzip.write(r.j + '\n')) await new Promise((res) => gzip.once('drain', res));
          }
          n += batch.length;
          if (batch.length < FETCH) break;
        }
        await trx.raw('CLOSE backup_rows');
        counts[table] = n;
        rows += n;
      }
      await write({ end: true, counts });
    }, { isolationLevel: 'repeatable read', readOnly: true });
    gzip.end();
    await done;
    const fd = await fsp.open(tmp, 'r');
    await fd.sync();
    await fd.close();
    await fsp.rename(tmp, file);
  } catch (err) {
    gzip.destroy();
    await done.catch(() => undefined);
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  return { tables, rows };
}

async function* lines(file: string): AsyncGenerator<string> {
  const input = fs.createReadStream(file).pipe(zlib.createGunzip());
  const rl = readline.createInterface({ input: input as unknown as Readable, crlfDelay: Infinity });
  for await (const line of rl) if (line) yield line;
}

/** Reads and checks the header only (format, completeness is checked while restoring). */
export async function readBackupHeader(file: string): Promise<Header> {
  try {
    for await (const line of lines(file)) {
      const h = JSON.parse(line) as Header;
      if (h.format !== BACKUP_FORMAT || h.version !== 1) break;
      return h;
    }
  } catch (err) {
    throw new StartupError(
      `${file} is not a readable backup (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`,
    );
  }
  throw new StartupError(`${file} is not a backup made by npm run backup.`);
}

/**
 * Loads a backup into an empty database: the schema of the backup's migrations, every row
 * (foreign keys checked only at the end, as a whole), the sequences where they were, then the
 * migrations this version adds. One transaction: a failed restore leaves the database empty.
 */
export async function loadBackup(knex: Knex, file: string, log: (m: string) => void = () => undefined): Promise<{
  rows: number,
}> {
  const header = await readBackupHeader(file);
  const has = await knex.schema.hasTable('knex_migrations');
  if (has && (await knex('knex_migrations').first('id'))) {
    throw new StartupError(
      'The target database is not empty: restore into a new DATA_DIR (or an empty DATABASE_URL database).',
    );
  }
  const known = new Set(await migrationConfig.migrationSource!.getMigrations([]) as string[]);
  const unknown = header.migrations.filter((m) => !known.has(m));
  if (unknown.length > 0) {
    throw new StartupError(
      `The backup comes from a newer version of the portal (migrations ${unknown.join(', ')}): ` +
        'restore it with that version.',
    );
  }
  // the schema exactly as it was when the backup was taken
  for (;;) {
    const [, pending] = (await knex.migrate.list(migrationConfig)) as [unknown[], { file: string }[] | string[]];
    const next = pending.map((p) => (typeof p === 'string' ? p : p.file))[0];
    if (!next || !header.migrations.includes(next)) break;
    await knex.migrate.up(migrationConfig);
  }
  let rows = 0;
  await knex.transaction(async (trx) => {
    // rows arrive table by table in name order, not in foreign-key order: they come from one
    // consistent snapshot, so the checks (triggers) are off while loading
    await trx.raw("SET LOCAL session_replication_role = 'replica'");
    let table: string | null = null;
    let batch: string[] = [];
    let ended = false;
    const flush = async () => {
      if (!table || batch.length === 0) return;
      await trx.raw(
        `INSERT INTO ${ident(table)} SELECT * FROM json_populate_recordset(NULL::${ident(table)}, ?::json)`,
        [`[${batch.join(',')}]`],
      );
      rows += batch.length;
      batch = [];
    };
    let first = true;
    for await (const line of lines(file)) {
      if (first) { first = false; continue; }
      if (line.startsWith('{"table":')) {
        await flush();
        table = (JSON.parse(line) as { table: string }).table;
        await trx.raw(`DELETE FROM ${ident(table)}`);
        log(`  ${table}…`);
      } else if (line.startsWith('{"end":true')) {
        await flush();
        ended = true;
      } else {
        batch.push(line);
        if (batch.length >= FETCH) await flush();
      }
    }
    if (!ended) throw new StartupError(`${file} is incomplete (it ends before its last table): it cannot be restored.`);
    for (const s of header.sequences) {
      await trx.raw('SELECT setval(?::regclass, ?, ?)', [ident(s.name), s.value, s.called]);
    }
  });
  await knex.migrate.latest(migrationConfig);
  return { rows };
}

/** Puts the backup's secret files into DATA_DIR (0600), refusing to overwrite different ones. */
export async function restoreSecretFiles(
  dataDir: string, secrets: BackupSecrets, opts: { dataKeyFromEnv: boolean },
): Promise<void> {
  const put = async (file: string, content: Buffer) => {
    try {
      const existing = await fsp.readFile(file);
      if (existing.equals(content)) return;
      throw new StartupError(`${file} already exists and differs from the backup's: restore into a new DATA_DIR.`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await fsp.writeFile(file, content, { mode: 0o600 });
  };
  if (!opts.dataKeyFromEnv) await put(path.join(dataDir, 'data-key'), Buffer.from(secrets.dataKey));
  await put(path.join(dataDir, 'session-secret'), Buffer.from(secrets.sessionSecret));
  for (const [name, b64] of Object.entries(secrets.signingFiles)) {
    await put(path.join(dataDir, 'signing', path.basename(name)), Buffer.from(b64, 'base64'));
  }
}
