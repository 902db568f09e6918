import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config';
import { openDatabase, type Database, type OpenOptions } from './data/db';
import { migrateLatest } from './data/migrations';
import { createApp } from './app';
import type { Clock } from './domain/clock';
import { keyCheck, resolveDataKey, resolveSessionSecret } from './adapters/secrets';
import { seedDemoIfEmpty, type DemoSummary } from './demo/seed';
import { publicDemoLogins } from './demo/production-guard';
import { createTransport, startMailWorker } from './adapters/mail/worker';
import { loadSigner } from './adapters/pdf/signing';
import { closePdfWorkers } from './adapters/pdf/pool';
import { StartupError } from './data/startup-error';
import { getMeta, setMeta } from './data/app-meta-repo';
import { dataDirFiles } from './data/data-dir';
import { diskFullMessage } from './data/embedded-postgres';
import { recoverAbandonedRuns, stopBillingRuns } from './services/billing-runs';
import { startPaymentExpirySweep } from './services/card-payments';

export interface Booted {
  db: Database;
  /** Stops the mail worker (when started) and closes the database. */
  close(): Promise<void>;
  app: ReturnType<typeof createApp>;
  migrationsApplied: number;
  demo: DemoSummary | null;
}

export interface BootOptions {
  mailWorker?: boolean;
  role?: OpenOptions['role'];
  what?: string;
  /** Lines for the person starting the portal (progress of a first start). */
  say?: (line: string) => void;
  /** Ctrl-C during start-up: the demo seeding stops at its next step. */
  abort?: AbortSignal;
}

const DATA_KEY_CHECK = 'data_key_check';

/** Turns "no space left" from PostgreSQL (53100) or the file system into the line that says so. */
export function startupFailure(err: unknown, config: Config): unknown {
  const e = err as { code?: string; message?: string };
  if (e.code === '53100' || e.code === 'ENOSPC' || /No space left on device/i.test(e.message ?? '')) {
    return new StartupError(diskFullMessage(config.dataDir));
  }
  return err;
}

/**
 * A missing development certificate is created only while no invoice was signed with one:
 * afterwards a new certificate would sign duplicates with a different identity.
 */
async function checkSigningCertificate(db: Database, config: Config): Promise<void> {
  if (config.signingP12) return;
  const dir = dataDirFiles(config.dataDir).signingDir;
  const missing = ['dev-signing.p12', 'dev-signing.pass'].map((f) => path.join(dir, f)).filter(
    (f) => !fs.existsSync(f),
  );
  if (missing.length === 0) return;
  const signed = await db.knex('invoices').first('id');
  if (signed) {
    throw new StartupError(
      `The signing certificate (${missing.join(', ')}) is missing, but the database holds invoices signed with it: `
        + 'restore it (npm run restore brings it back with the database) or set SIGNING_P12.',
    );
  }
}

/** Everything start-up does before listening; shared by the server, the commands and the test harness. */
export async function boot(config: Config, clock: Clock, logger: Logger, opts: BootOptions = {}): Promise<Booted> {
  if (config.production && config.demo && !config.demoInProduction) {
    throw new StartupError(
      'DEMO_DATA is on in production: the demo passwords are public. '
        + 'Set DEMO_DATA_IN_PRODUCTION=i-understand-demo-passwords-are-public to really want that.',
    );
  }
  const sessionSecret = await resolveSessionSecret(config);
  const db = await openDatabase(config, { role: opts.role ?? 'portal', what: opts.what ?? 'npm start', log: opts.say });
  try {
    const migrationsApplied = await migrateLatest(db.knex);
    if (config.production && !config.demoInProduction) {
      const exposed = await publicDemoLogins(db.knex);
      if (exposed.length > 0) {
        throw new StartupError(
          `Production refuses to start while demo logins open with their published passwords (${exposed.join(', ')}): `
            + 'change or disable them, or set DEMO_DATA_IN_PRODUCTION=i-understand-demo-passwords-are-public.',
        );
      }
    }
    const storedCheck = await getMeta(db.knex, DATA_KEY_CHECK);
    const dataKey = await resolveDataKey(config, storedCheck);
    if (!storedCheck) await setMeta(db.knex, DATA_KEY_CHECK, keyCheck(dataKey));
    await checkSigningCertificate(db, config);
    const signer = await loadSigner(
      { p12Path: config.signingP12, passphrase: config.signingP12Passphrase, dataDir: config.dataDir },
    )
      .catch((err: Error) => {
        throw new StartupError(err.message);
      });
    const demo = config.demo ? await seedDemoIfEmpty(
      db.knex, clock, config, logger, signer, { say: opts.say, abort: opts.abort },
    ) : null;
    await recoverAbandonedRuns(db.knex, clock.now(), logger);
    const worker = opts.mailWorker ? startMailWorker(
      db.knex, createTransport(config.smtpUrl), config.mailFrom, clock, logger,
    ) : undefined;
    const app = createApp({ db, config, clock, logger, sessionSecret, dataKey, mailer: worker, signer });
    worker?.kick();
    const expiry = opts.mailWorker
      ? startPaymentExpirySweep(
        () => ({ db: db.knex, now: clock.now(), config, actor: null, signer, mailer: worker }), logger,
      ) : undefined;
    const close = async () => {
      expiry?.stop();
      await stopBillingRuns();
      await worker?.stop();
      await closePdfWorkers();
      await db.close();
    };
    return { db, app, migrationsApplied, demo, close };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw startupFailure(err, config);
  }
}
