import path from 'node:path';
import { loadCertLoginConfig, type CertLoginConfig } from './config-cert-login';

export interface Config {
  production: boolean;
  port: number;
  host: string;
  /** Folder for the embedded database, the development signing certificate and the session secret. */
  dataDir: string;
  /** A real PostgreSQL; when absent the embedded PostgreSQL server of DATA_DIR is used. */
  databaseUrl?: string;
  /** NODE_ENV=production with the embedded database, accepted knowingly (EMBEDDED_DB_IN_PRODUCTION=1). */
  embeddedInProduction: boolean;
  /** Delete expired sessions periodically (off in the test harness, whose pools close early). */
  pruneSessions: boolean;
  /** Demo data allowed in production (DEMO_DATA_IN_PRODUCTION names the risk). */
  demoInProduction: boolean;
  dbPoolMax: number;
  /** Repeated queries as named prepared statements (off for poolers without session state). */
  preparedStatements: boolean;
  demo: boolean;
  sessionSecret?: string;
  /** base64 of 32 bytes; encrypts secrets at rest (staff TOTP seeds). */
  dataEncryptionKey?: string;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  /** Idle limit of the admin section's sessions (its absolute limit is 8 hours). */
  adminIdleMinutes: number;
  /** Customers acting for more than this many customers must use a second factor; null = never required. */
  require2faAboveCustomers: number | null;
  trustProxy: boolean | number | string;
  smtpUrl?: string;
  mailFrom: string;
  devMailbox: boolean;
  /** Base of the links in emails. */
  publicUrl: string;
  signingP12?: string;
  signingP12Passphrase?: string;
  logLevel: string;
  bodyLimit: string;
  /** An unfinished card-payment order stops blocking a new attempt for its invoice after this. */
  paymentOrderMinutes: number;
  /** argon2 cost; lowered only by the test harness. */
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  /** Logging in with DNIe or a digital certificate (see config-cert-login.ts). */
  certLogin: CertLoginConfig;
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a non-negative integer (got "${value}")`);
  return n;
}

/** A limit: zero would mean "expires at once" or "no connections", never what was meant. */
function positive(value: string | undefined, fallback: number, name: string): number {
  const n = int(value, fallback, name);
  if (n <= 0) throw new ConfigError(`${name} must be a positive integer (got "${value}")`);
  return n;
}

export const DEMO_IN_PRODUCTION_FLAG = 'i-understand-demo-passwords-are-public';

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

// Express accepts a hop count, true, or a list of trusted addresses/subnets.
function parseTrustProxy(v: string | undefined): boolean | number | string {
  if (v === undefined || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv.slice(2)): Config {
  const production = env.NODE_ENV === 'production';
  const smtpUrl = env.SMTP_URL || undefined;
  const noDemoFlag = argv.includes('--no-demo');
  const trust = env.TRUST_PROXY;
  return {
    production,
    port: int(env.PORT, 3000, 'PORT'),
    // reachable from this machine only, unless HOST says otherwise (e.g. 0.0.0.0 behind a proxy)
    host: env.HOST || '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR || 'data'),
    databaseUrl: env.DATABASE_URL || undefined,
    embeddedInProduction: env.EMBEDDED_DB_IN_PRODUCTION === '1',
    pruneSessions: true,
    demoInProduction: env.DEMO_DATA_IN_PRODUCTION === DEMO_IN_PRODUCTION_FLAG,
    dbPoolMax: positive(env.DB_POOL_MAX, 10, 'DB_POOL_MAX'),
    preparedStatements: bool(env.DATABASE_PREPARED_STATEMENTS, true),
    // never by default in production: the demo logins' passwords are published in the README
    demo: !noDemoFlag && bool(env.DEMO_DATA, !production),
    sessionSecret: env.SESSION_SECRET || undefined,
    dataEncryptionKey: env.DATA_ENCRYPTION_KEY || undefined,
    sessionIdleMinutes: positive(env.SESSION_IDLE_MINUTES, 15, 'SESSION_IDLE_MINUTES'),
    sessionAbsoluteHours: positive(env.SESSION_ABSOLUTE_HOURS, 8, 'SESSION_ABSOLUTE_HOURS'),
    adminIdleMinutes: positive(env.ADMIN_IDLE_MINUTES, 10, 'ADMIN_IDLE_MINUTES'),
    require2faAboveCustomers: env.REQUIRE_2FA_ABOVE_CUSTOMERS ? int(
      env.REQUIRE_2FA_ABOVE_CUSTOMERS, 0, 'REQUIRE_2FA_ABOVE_CUSTOMERS',
    ) : null,
    trustProxy: parseTrustProxy(trust),
    smtpUrl,
    mailFrom: env.MAIL_FROM || 'Área Clientes <no-reply@area-clientes.local>',
    // only when asked for, never in production: it shows every email, reset links included
    devMailbox: !production && bool(env.DEV_MAILBOX, false),
    publicUrl: (env.PUBLIC_URL || `http://localhost:${int(env.PORT, 3000, 'PORT')}`).replace(/\/+$/, ''),
    signingP12: env.SIGNING_P12 || undefined,
    signingP12Passphrase: env.SIGNING_P12_PASSPHRASE || undefined,
    logLevel: env.LOG_LEVEL || (production ? 'info' : 'info'),
    bodyLimit: env.BODY_LIMIT || '100kb',
    paymentOrderMinutes: Math.max(1, int(env.PAYMENT_ORDER_MINUTES, 30, 'PAYMENT_ORDER_MINUTES')),
    argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
    certLogin: loadCertLoginConfig(env, {
      production, dataDir: path.resolve(env.DATA_DIR || 'data'), trustProxy: parseTrustProxy(trust),
      publicUrl: env.PUBLIC_URL || `http://localhost:${int(env.PORT, 3000, 'PORT')}`,
    }, (m) => new ConfigError(m)),
  };
}
