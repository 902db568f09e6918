import type { Logger } from 'pino';
import type { Config } from './config';
import { openDatabase, type Database } from './data/db';
import { migrateLatest } from './data/migrations';
import { createApp } from './app';
import type { Clock } from './domain/clock';
import { resolveSessionSecret } from './services/secrets';
import { seedDemoIfEmpty, type DemoSummary } from './demo/seed';

export interface Booted {
  db: Database;
  app: ReturnType<typeof createApp>;
  migrationsApplied: number;
  demo: DemoSummary | null;
}

/** Everything start-up does before listening; shared by the server and the test harness. */
export async function boot(config: Config, clock: Clock, logger: Logger): Promise<Booted> {
  const sessionSecret = await resolveSessionSecret(config);
  const db = await openDatabase(config);
  try {
    const migrationsApplied = await migrateLatest(db.knex);
    const demo = config.demo ? await seedDemoIfEmpty(db.knex, clock, config, logger) : null;
    const app = createApp({ db, config, clock, logger, sessionSecret });
    return { db, app, migrationsApplied, demo };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
