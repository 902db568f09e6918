import crypto from 'node:crypto';
import type pg from 'pg';
import { kept } from '../domain/kept';

/**
 * Distinct statements one connection keeps prepared. The portal's repeated queries number a
 * few hundred; texts that vary (an IN list of a new length) stop being named past this, so a
 * long-lived connection's server memory stays bounded.
 */
export const MAX_NAMED_PER_CONNECTION = 500;

type QueryArgs = unknown[];

const names = new Map<string, string>();

/** A statement's name: the same text always gets the same name on every connection. */
export function statementName(text: string): string {
  return kept(
    names, text, 4 * MAX_NAMED_PER_CONNECTION,
    () => `ac_${crypto.createHash('sha1').update(text).digest('base64url').slice(0, 27)}`,
  );
}

const preparing = new WeakSet<object>();

/** This connection sends repeated statements prepared (not behind a transaction-mode pooler). */
export function keepsStatementsPrepared(client: object): boolean {
  return preparing.has(client);
}

// one statement only: PostgreSQL refuses several commands in a prepared statement
const SEVERAL_COMMANDS = /;\s*\S/;

/**
 * Sends every parameterised query of this connection as a named prepared statement, so
 * PostgreSQL parses and plans it once per connection instead of on every request (after five
 * runs it keeps a generic plan). Planning was most of the database's CPU per page: the
 * dashboard's 13 statements cost 2.7 ms of server CPU unnamed and 0.6 ms named
 * (`npm run bench:http`). Statements without parameters (DDL, migrations, `select 1`) are
 * left as they were. Off with DATABASE_PREPARED_STATEMENTS=0, for poolers that do not keep a
 * server session per client (PgBouncer in transaction mode).
 */
export function prepareRepeatedStatements(client: pg.Client | pg.PoolClient): void {
  preparing.add(client);
  const named = new Set<string>();
  const query = client.query.bind(client) as (...args: QueryArgs) => unknown;
  const nameOf = (text: string): string | undefined => {
    if (SEVERAL_COMMANDS.test(text)) return undefined;
    const name = statementName(text);
    if (named.has(name)) return name;
    if (named.size >= MAX_NAMED_PER_CONNECTION) return undefined;
    named.add(name);
    return name;
  };
  (client as { query: unknown }).query = (...args: QueryArgs): unknown => {
    const [first, second] = args;
    if (typeof first === 'string' && Array.isArray(second) && second.length > 0) {
      const name = nameOf(first);
      if (name) return query({ name, text: first, values: second }, ...args.slice(2));
    } else if (first && typeof first === 'object' && !('submit' in first)) {
      const config = first as pg.QueryConfig;
      if (!config.name && typeof config.text === 'string' && config.values?.length) {
        const name = nameOf(config.text);
        if (name) return query({ ...config, name }, ...args.slice(1));
      }
    }
    return query(...args);
  };
}
