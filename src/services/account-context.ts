import type { Knex } from 'knex';
import type { Config } from '../config';

/**
 * What every account use case gets: the database (the use case opens its own transaction),
 * the request's instant, the configuration and where the request came from.
 */
export interface AccountCtx {
  db: Knex;
  now: Date;
  config: Config;
  ip: string;
  /** Encrypts TOTP seeds at rest. */
  dataKey: Buffer;
}
