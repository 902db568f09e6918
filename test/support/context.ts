import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config';
import { boot, type Booted } from '../../src/boot';
import { ManualClock } from '../../src/adapters/clock';
import { createLogger } from '../../src/adapters/logger';

/**
 * One app and one fresh database per test run: the embedded PostgreSQL server started in a
 * temporary data folder (removed at the end) by default, or a new database created on the
 * server of DATABASE_URL (dropped at the end), so a run never touches data it did not create. Tests stay independent by creating their own rows
 * with unique identifiers (see factories.ts).
 */
export interface TestContext extends Booted {
  config: Config;
  clock: ManualClock;
}

let current: Promise<TestContext> | null = null;
let dropDatabase: (() => Promise<void>) | null = null;
let removeDataDir: (() => void) | null = null;

export const TEST_START = new Date('2026-11-20T10:00:00Z');

async function createFreshDatabase(baseUrl: string): Promise<string> {
  const name = `area_clientes_test_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  dropDatabase = async () => {
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function start(): Promise<TestContext> {
  const baseUrl = process.env.DATABASE_URL;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'area-clientes-test-'));
  removeDataDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    DEV_MAILBOX: '1',
    DEMO_DATA: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: baseUrl ? await createFreshDatabase(baseUrl) : '',
    SMTP_URL: '',
    NODE_ENV: 'test',
  };
  const config = loadConfig(env, []);
  // argon2 at OWASP cost makes a suite of hundreds of logins slow; the algorithm stays argon2id
  config.argon2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
  config.pruneSessions = false;
  const clock = new ManualClock(TEST_START);
  const booted = await boot(config, clock, createLogger(env.LOG_LEVEL!));
  return { ...booted, config, clock };
}

export function testContext(): Promise<TestContext> {
  current ??= start();
  return current;
}

export async function stopTestContext(): Promise<void> {
  if (!current) return;
  const ctx = await current;
  current = null;
  await ctx.close();
  if (dropDatabase) await dropDatabase();
  removeDataDir?.();
}

(globalThis as { __stopTestContext?: () => Promise<void> }).__stopTestContext = stopTestContext;
