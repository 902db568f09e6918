import type { Logger } from 'pino';
import type { Config } from './config';
import type { Database } from './data/db';
import type { Clock } from './domain/clock';
import type { PdfSigner } from './adapters/pdf/signing';
import type { TrustStore } from './adapters/client-cert';

/**
 * What the app is built from. A leaf module of types only: routers and services import it
 * instead of app.ts, so no import cycle runs through the app factory.
 */
export interface AppDeps {
  db: Database;
  config: Config;
  clock: Clock;
  logger: Logger;
  sessionSecret: string;
  /** Encrypts secrets at rest (see services/secret-box). */
  dataKey: Buffer;
  signer: PdfSigner;
  /** Wakes the mail worker after a commit; absent in tests, which read the outbox. */
  mailer?: { kick(): void };
  /** The CAs and CRLs for certificate login; built from config.certLogin when absent. */
  certTrust?: TrustStore;
}
