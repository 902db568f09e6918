import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Eta } from 'eta';
import { loadConfig, type Config } from '../../src/config';
import { boot, type Booted } from '../../src/boot';
import { ManualClock } from '../../src/adapters/clock';
import { createLogger } from '../../src/adapters/logger';
import { enhanceTables } from './tables';

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
  // the payment tests use the built-in gateway, which is read from the environment at each use
  process.env.SANDBOX_GATEWAY = '1';
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
  holdTablesToReference(booted.app.locals.eta as Eta);
  return { ...booted, config, clock };
}

/**
 * The templates label their own tables (a stacked table's cells carry their column's heading
 * as `data-label`; a captioned scroll box is a focusable group named by its caption). Every page
 * the suite renders is held to the reference (./tables.ts): with those attributes taken out,
 * the reference must put back exactly what the template wrote, in the same place. A page that
 * misses or misplaces one, or labels a cell with anything but its heading, fails to render
 * (500), so the test that asked for it fails; the difference is printed on stderr as well.
 */
function holdTablesToReference(eta: Eta): void {
  const render = eta.render.bind(eta);
  eta.render = ((template: string, data: object, meta?: { filepath: string }) => {
    const html = render(template, data, meta);
    // pages and fragments: an included partial is checked as part of the page it is in
    if (!meta && html.includes('<table')) {
      const expected = enhanceTables(unlabelled(html));
      if (expected !== html) {
        const error = new Error(`template ${template}: its tables differ from the reference (test/support/tables.ts)\n`
          + firstDifferingTable(html, expected));
        process.stderr.write(`${error.message}\n`);
        throw error;
      }
    }
    return html;
  }) as typeof eta.render;
}

/** The page without what the templates add to tables (what the reference would add). */
function unlabelled(html: string): string {
  return html
    .replace(/(<t[dh]\b[^>]*?) data-label="[^"]*"/g, '$1')
    .replace(/<div class="table-wrap" role="group" tabindex="0" aria-label="[^"]*">/g, '<div class="table-wrap">');
}

function firstDifferingTable(actual: string, expected: string): string {
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  const start = Math.max(0, actual.lastIndexOf('<table', i), actual.lastIndexOf('<div class="table-wrap"', i));
  const table = (html: string) => {
    const end = html.indexOf('</table>', i);
    const text = html.slice(start, end < 0 ? undefined : end + '</table>'.length);
    return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
  };
  const line = (html: string) => html.slice(html.lastIndexOf('\n', i) + 1, html.indexOf('\n', i) < 0 ? undefined : html.indexOf('\n', i));
  return `first difference, rendered:\n  ${line(actual).trim()}\nreference:\n  ${line(expected).trim()}\n`
    + `the table as rendered:\n${table(actual)}\nas the reference has it:\n${table(expected)}`;
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
