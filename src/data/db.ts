import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { Config } from '../config';
import { databasePassword, embeddedUrl, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { currentOwner, describeOwner, isAlive, lockDataDir, readServerInfo, type DataDirLock } from './data-dir';
import { StartupError } from './startup-error';
import { prepareRepeatedStatements } from './prepared-statements';

// int8 ids and counts fit in a JS number here; dates stay 'YYYY-MM-DD' so no time zone shifts them.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(1082, (v) => v);

export interface Database {
  knex: Knex;
  /** A small pg pool for the session store. */
  sessionPool: pg.Pool;
  description: string;
  /** The embedded server of DATA_DIR (started here or by the process that owns the folder). */
  embedded: boolean;
  /** Connection string (with its password: never print it). */
  url: string;
  /** This process owns DATA_DIR (null with DATABASE_URL or when using another process's server). */
  lock: DataDirLock | null;
  /** The embedded server this process started (null otherwise). */
  server: EmbeddedPostgres | null;
  close(): Promise<void>;
}

export const SESSION_POOL_MAX = 3;

/** host:port/db of a URL, never its password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? ':' + u.port : ''}${u.pathname}`;
  } catch {
    return 'an unparseable DATABASE_URL';
  }
}

export interface OpenOptions {
  /**
   * 'portal' owns the data folder or refuses; 'command' (CLIs) uses the server of the process
   * that owns the folder, and starts the embedded server itself only when nobody does.
   */
  role: 'portal' | 'command';
  /** How the owner is named to a process that finds the folder taken ("npm start"). */
  what: string;
  log?: (msg: string) => void;
}

async function embeddedConnection(config: Config, opts: OpenOptions): Promise<{
  url: string; description: string; lock: DataDirLock | null; server: EmbeddedPostgres | null;
}> {
  if (config.production && !config.embeddedInProduction) {
    throw new StartupError(
      'NODE_ENV=production needs DATABASE_URL (a managed PostgreSQL); ' +
        'the embedded database is refused unless EMBEDDED_DB_IN_PRODUCTION=1 (see README).',
    );
  }
  const owner = currentOwner(config.dataDir);
  if (owner && opts.role === 'command') {
    const info = readServerInfo(config.dataDir);
    if (!info || !isAlive(info.pid)) {
      throw new StartupError(
        `The data folder ${config.dataDir} is in use (${describeOwner(owner)}) ` +
          'but its database is not running yet: try again in a moment.',
      );
    }
    const url = embeddedUrl(info.port, await databasePassword(config.dataDir));
    return {
      url, description: `the embedded PostgreSQL of process ${owner.pid} (${owner.what}) on 127.0.0.1:${info.port}`,
      lock: null, server: null,
    };
  }
  const lock = lockDataDir(config.dataDir, opts.what);
  try {
    const server = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      // every pool that can be open at once, a command run beside the portal, and a few spare
      maxConnections: 2 * (config.dbPoolMax + SESSION_POOL_MAX) + 10,
      log: opts.log,
      onRestart: (event, detail) => opts.log?.(event === 'died'
        ? `the embedded PostgreSQL stopped unexpectedly (${detail}); starting it again…`
        : `the embedded PostgreSQL is back (${detail})`),
    });
    return { url: server.url, description: server.description, lock, server };
  } catch (err) {
    lock.release();
    throw err;
  }
}

export async function openDatabase(
  config: Config, opts: OpenOptions = { role: 'command', what: 'a command' },
): Promise<Database> {
  let url: string;
  let description: string;
  let lock: DataDirLock | null = null;
  let server: EmbeddedPostgres | null = null;
  if (config.databaseUrl) {
    url = config.databaseUrl;
    description = `PostgreSQL at ${describeUrl(url)}`;
  } else {
    ({ url, description, lock, server } = await embeddedConnection(config, opts));
  }
  const knex = knexFactory({
    client: 'pg',
    connection: { connectionString: url, connectionTimeoutMillis: 5000 },
    pool: {
      min: 0, max: config.dbPoolMax,
      ...(config.preparedStatements ? {
        afterCreate: (conn: pg.Client, done: (err: Error | null, conn: pg.Client) => void) => {
          prepareRepeatedStatements(conn);
          done(null, conn);
        },
      } : {}),
    },
    acquireConnectionTimeout: 10000,
    // A failed connection is reported by the caller (one line at start-up, /healthz later);
    // knex's own stack trace would print the URL's host and a second, noisier error.
    log: { warn: (m: string) => { if (!String(m).startsWith('Acquire connection error')) console.warn(m); } },
  });
  const sessionPool = new pg.Pool({ connectionString: url, max: SESSION_POOL_MAX, connectionTimeoutMillis: 5000 });
  sessionPool.on('error', () => { /* a dropped idle client is replaced on next use */ });
  if (config.preparedStatements) sessionPool.on('connect', (client) => prepareRepeatedStatements(client));
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await knex.destroy();
    await sessionPool.end();
    if (server) await server.stop();
    lock?.release();
  };
  try {
    await knex.raw('select 1');
  } catch (err) {
    await close().catch(() => undefined);
    const e = err as NodeJS.ErrnoException;
    throw new StartupError(`Cannot connect to ${description}: ${e.code ?? e.message}`);
  }
  return { knex, sessionPool, description, embedded: !config.databaseUrl, url, lock, server, close };
}
