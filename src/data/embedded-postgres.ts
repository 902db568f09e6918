import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { StartupError } from './startup-error';
import { serializeExtendedProtocol } from './pglite-batch-queue';

export interface EmbeddedPostgres {
  url: string;
  description: string;
  stop(): Promise<void>;
}

/** Fails with a readable line when the folder cannot hold the database. */
async function ensureWritable(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
    const probe = path.join(dir, `.write-test-${process.pid}`);
    await fs.writeFile(probe, '');
    await fs.rm(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new StartupError(`The data folder ${dir} cannot be written (${code}). Set DATA_DIR to a writable folder.`);
  }
}

/**
 * Starts PGlite and serves it on a loopback port so that pg, Knex and connect-pg-simple
 * talk to it exactly as to a PostgreSQL server. PGlite is a single backend: the socket
 * server multiplexes client connections and keeps a transaction on its own connection.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; inMemory: boolean; maxConnections: number }): Promise<EmbeddedPostgres> {
  const pgDir = path.join(opts.dataDir, 'pgdata');
  if (!opts.inMemory) await ensureWritable(pgDir);
  let db: PGlite;
  try {
    db = await PGlite.create(opts.inMemory ? 'memory://' : pgDir);
  } catch (err) {
    throw new StartupError(`The embedded database in ${pgDir} could not be opened: ${(err as Error).message}`);
  }
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: opts.maxConnections });
  serializeExtendedProtocol(server);
  await server.start();
  const conn = server.getServerConn();
  return {
    url: `postgres://postgres@${conn}/postgres?sslmode=disable`,
    description: opts.inMemory ? `embedded PGlite (in memory) on ${conn}` : `embedded PGlite in ${pgDir} on ${conn}`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
