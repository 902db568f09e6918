import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { Config } from '../config';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { StartupError } from './startup-error';

// int8 ids and counts fit in a JS number here; dates stay 'YYYY-MM-DD' so no time zone shifts them.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(1082, (v) => v);

export interface Database {
  knex: Knex;
  /** A small pg pool for the session store. */
  sessionPool: pg.Pool;
  description: string;
  embedded: boolean;
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

export async function openDatabase(config: Config): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = config.databaseUrl;
  let description: string;
  if (url) {
    description = `PostgreSQL at ${describeUrl(url)}`;
  } else {
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      inMemory: config.embeddedInMemory,
      // every pool that can be open at once, plus one for a migration or a psql session
      maxConnections: config.dbPoolMax + SESSION_POOL_MAX + 1,
    });
    url = embedded.url;
    description = embedded.description;
  }
  const knex = knexFactory({
    client: 'pg',
    connection: { connectionString: url, connectionTimeoutMillis: 5000 },
    pool: { min: 0, max: config.dbPoolMax },
    acquireConnectionTimeout: 10000,
    // A failed connection is reported by the caller (one line at start-up, /healthz later);
    // knex's own stack trace would print the URL's host and a second, noisier error.
    log: { warn: (m: string) => { if (!String(m).startsWith('Acquire connection error')) console.warn(m); } },
  });
  const sessionPool = new pg.Pool({ connectionString: url, max: SESSION_POOL_MAX, connectionTimeoutMillis: 5000 });
  sessionPool.on('error', () => { /* a dropped idle client is replaced on next use */ });
  const close = async () => {
    await knex.destroy();
    await sessionPool.end();
    if (embedded) await embedded.stop();
  };
  try {
    await knex.raw('select 1');
  } catch (err) {
    await close().catch(() => undefined);
    const e = err as NodeJS.ErrnoException;
    throw new StartupError(`Cannot connect to ${description}: ${e.code ?? e.message}`);
  }
  return { knex, sessionPool, description, embedded: !!embedded, close };
}
