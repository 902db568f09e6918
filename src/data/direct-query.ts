import type { Knex } from 'knex';
import pg from 'pg';
import { keepsStatementsPrepared, statementName } from './prepared-statements';

/**
 * A fixed SQL text with `$1…` parameters, for the reads every page makes. Knex's builder and
 * runner cost about 40 µs of CPU per query (issue 17's profiles: compiling the builder, binding
 * positions, cloning the query config); these statements skip both and go to node-postgres on a
 * connection of Knex's pool, so transactions, the pool's limits and `query` listeners still hold.
 */
export interface Statement {
  readonly text: string;
  readonly name: string;
}

export function statement(text: string): Statement {
  const trimmed = text.replace(/\s+/g, ' ').trim();
  return { text: trimmed, name: statementName(trimmed) };
}

interface PoolClient {
  acquireConnection(): Promise<pg.Client & { __knexUid?: string; __knexTxId?: string }>;
  releaseConnection(conn: pg.Client): Promise<unknown>;
  emit(event: 'query' | 'query-response' | 'query-error', ...args: unknown[]): boolean;
}

let queries = 0;

/**
 * Runs `st` on a connection of `db` (the pool, or the transaction's own connection). Named, so
 * PostgreSQL plans it once per connection, when the connection prepares repeated statements.
 */
export async function queryRows<R>(db: Knex, st: Statement, values: unknown[]): Promise<R[]> {
  const client = db.client as unknown as PoolClient;
  const conn = await client.acquireConnection();
  try {
    // what Knex's runner announces, so counting, timing and logging listeners see these too
    const announced = {
      sql: st.text, bindings: values, method: 'raw', __knexUid: conn.__knexUid, __knexTxId: conn.__knexTxId,
      __knexQueryUid: `direct-${++queries}`,
    };
    client.emit('query', announced);
    // a Query made from the text, not a config object: node-postgres copies a config object's
    // property descriptors on every query (about 5 µs each)
    const result = await new Promise<pg.QueryResult>((resolve, reject) => {
      const query = new pg.Query(st.text, values, (err: Error | undefined, res: pg.QueryResult) => {
        if (err) {
          client.emit('query-error', err, announced);
          reject(err);
        } else {
          client.emit('query-response', res.rows, announced);
          resolve(res);
        }
      });
      // read when the query is sent, to parse it once under this name on this connection
      if (keepsStatementsPrepared(conn)) (query as unknown as { name: string }).name = st.name;
      conn.query(query);
    });
    return result.rows as R[];
  } finally {
    await client.releaseConnection(conn);
  }
}

export async function queryFirst<R>(db: Knex, st: Statement, values: unknown[]): Promise<R | undefined> {
  return (await queryRows<R>(db, st, values))[0];
}
