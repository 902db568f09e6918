import type { Logger } from 'pino';
import type { Config } from './config';
import { openDatabase, type Database } from './data/db';
import { migrateLatest } from './data/migrations';
import { createApp } from './app';
import type { Clock } from './domain/clock';
import { resolveDataKey, resolveSessionSecret } from './adapters/secrets';
import { seedDemoIfEmpty, type DemoSummary } from './demo/seed';
import { createTransport, startMailWorker } from './adapters/mail/worker';
import { loadSigner } from './adapters/pdf/signing';
import { StartupError } from './data/startup-error';
import { stopBillingRuns } from './services/billing-runs';
import { startPaymentExpirySweep } from './services/card-payments';

export interface Booted {
  db: Database;
  /** Stops the mail worker (when started) and closes the database. */
  close(): Promise<void>;
  app: ReturnType<typeof createApp>;
  migrationsApplied: number;
  demo: DemoSummary | null;
}

/** Everything start-up does before listening; shared by the server and the test harness. */
export async function boot(config: Config, clock: Clock, logger: Logger, opts: { mailWorker?: boolean } = {}): Promise<Booted> {
  const sessionSecret = await resolveSessionSecret(config);
  const dataKey = await resolveDataKey(config);
  const signer = await loadSigner({
    p12Path: config.signingP12, passphrase: config.signingP12Passphrase, dataDir: config.dataDir,
    inMemory: config.embeddedInMemory && !config.signingP12,
  }).catch((err: Error) => {
    throw new StartupError(err.message);
  });
  const db = await openDatabase(config);
  try {
    const migrationsApplied = await migrateLatest(db.knex);
    const demo = config.demo ? await seedDemoIfEmpty(db.knex, clock, config, logger, signer) : null;
    const worker = opts.mailWorker ? startMailWorker(db.knex, createTransport(config.smtpUrl), config.mailFrom, clock, logger) : undefined;
    const app = createApp({ db, config, clock, logger, sessionSecret, dataKey, mailer: worker, signer });
    worker?.kick();
    const expiry = opts.mailWorker
      ? startPaymentExpirySweep(() => ({ db: db.knex, now: clock.now(), config, actor: null, signer, mailer: worker }), logger) : undefined;
    const close = async () => {
      expiry?.stop();
      await stopBillingRuns();
      await worker?.stop();
      await db.close();
    };
    return { db, app, migrationsApplied, demo, close };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
