/**
 * Growth (issue 17 item 4): the supplies overview of a gestoría with 2,000 supplies against one
 * with 20,000 (10,000 clients, 24 months of invoices each: 480,000 invoices), on the same fresh
 * database (the embedded server in a temporary folder, or a new database on DATABASE_URL's
 * server). Prints median and p95 of page 1, a search, a filtered page and a deep page for both,
 * the ratio, and the plan node types of the overview's queries at 20,000.
 *   npm run bench:growth [-- --clients=10000 --n=20] [-- --db=NAME]
 * Creating the large gestoría takes several minutes. With DATABASE_URL, `--db=NAME` keeps the
 * database NAME afterwards and reuses it (data included) on the next run, for iterating.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import knexFactory from 'knex';
import { loadConfig } from '../src/config';
import { boot } from '../src/boot';
import { systemClock } from '../src/adapters/clock';
import { createLogger } from '../src/adapters/logger';
import { overviewSearch } from '../src/services/bulk-overview';
import { linksForUser } from '../src/data/links-repo';
import { countQuery, pageQuery } from '../src/data/supplies-repo';
import { pageWindow, parseOverviewFilter } from '../src/domain/overview';
import { BULK_PASSWORD, bulkLogin, createBulkGestoria } from './bulk-data';
import { loginThroughForm } from './login';

const args = new Map(process.argv.slice(2).map((a) => {
  const [k, v] = a.replace(/^--/, '').split('=');
  return [k!, v ?? '1'] as const;
}));
const bigClients = Number(args.get('clients') ?? 10_000);
const n = Number(args.get('n') ?? 20);
const keepDb = args.get('db');

// a kept database keeps its data folder too (the key its secrets are encrypted with)
const dataDir = keepDb ? path.join(os.tmpdir(), `area-clientes-growth-${keepDb}`) : fs.mkdtempSync(path.join(os.tmpdir(), 'area-clientes-growth-'));
fs.mkdirSync(dataDir, { recursive: true });
let databaseUrl = '';
let dropDatabase = async () => {};
if (process.env.DATABASE_URL) {
  const admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 1 } });
  const name = keepDb ?? `area_clientes_growth_${process.pid}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`--db: ${name} is not a plain database name`);
  const exists = (await admin.raw('select 1 from pg_database where datname = ?', [name])).rows.length > 0;
  if (!exists) await admin.raw(`CREATE DATABASE ${name}`);
  const u = new URL(process.env.DATABASE_URL);
  u.pathname = `/${name}`;
  databaseUrl = u.toString();
  dropDatabase = async () => {
    if (keepDb) return admin.destroy();
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.destroy();
  };
}
const config = loadConfig({ ...process.env, DATA_DIR: dataDir, DEMO_DATA: '0', LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl, CERT_LOGIN_PORT: '0' }, []);
const booted = await boot(config, systemClock, createLogger('silent'), { what: 'npm run bench:growth' });
const knex = booted.db.knex;

for (const [variant, clients] of [[0, 1000], [1, bigClients]] as const) {
  if (await knex('users').where('login_id', bulkLogin(variant)).first()) continue;
  const s = performance.now();
  const b = await createBulkGestoria(knex, config.argon2, clients, new Date(), variant);
  console.log(`gestoría ${variant}: ${b.clients} clients, ${b.contracts.length} supplies, ${b.invoices} invoices in ${((performance.now() - s) / 1000).toFixed(0)} s`);
}
await knex.raw('ANALYZE');

const server = booted.app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const login = (loginId: string) => loginThroughForm(base, loginId, BULK_PASSWORD);

async function times(url: string, cookie: string): Promise<{ median: number; p95: number }> {
  const t: number[] = [];
  for (let i = 0; i < n + 2; i++) {
    const s = performance.now();
    const res = await fetch(base + url, { headers: { cookie } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    if (i >= 2) t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(t.length / 2)]!, p95: t[Math.min(t.length - 1, Math.floor(t.length * 0.95))]! };
}

const small = await login(bulkLogin(0));
const big = await login(bulkLogin(1));
const pages = [
  ['page 1', '/suministros', '/suministros'],
  ['search "sueca"', '/suministros?q=sueca', '/suministros?q=sueca'],
  ['search + role + energy filters', '/suministros?q=bench&rol=gestoria&energia=luz', '/suministros?q=bench&rol=gestoria&energia=luz'],
  ['deep page (40 of 80 / 400 of 800)', '/suministros?pagina=40', '/suministros?pagina=400'],
] as const;
console.log(`\n| overview | 2,000 supplies median/p95 ms | ${(2 * bigClients).toLocaleString('en')} supplies median/p95 ms | ratio of medians |`);
console.log('|---|---|---|---|');
for (const [label, a, b] of pages) {
  const x = await times(a, small);
  const y = await times(b, big);
  console.log(`| ${label} | ${x.median.toFixed(1)} / ${x.p95.toFixed(1)} | ${y.median.toFixed(1)} / ${y.p95.toFixed(1)} | ${(y.median / x.median).toFixed(2)}× |`);
}

// The plans of the overview's queries at the large size: top node, node types, time and buffers.
interface PlanNode { 'Node Type': string; 'Index Name'?: string; 'Relation Name'?: string; 'Shared Hit Blocks'?: number; 'Shared Read Blocks'?: number; Plans?: PlanNode[] }
function nodeTypes(p: PlanNode, out = new Set<string>()): Set<string> {
  out.add(p['Index Name'] ? `${p['Node Type']} (${p['Index Name']})` : p['Relation Name'] ? `${p['Node Type']} (${p['Relation Name']})` : p['Node Type']);
  for (const c of p.Plans ?? []) nodeTypes(c, out);
  return out;
}
async function explain(q: { toSQL(): { sql: string; bindings: readonly unknown[] } }): Promise<string> {
  const { sql, bindings } = q.toSQL();
  const res = await knex.raw(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, bindings as never);
  const [plan] = res.rows[0]['QUERY PLAN'] as [{ Plan: PlanNode; 'Execution Time': number }];
  const top = plan.Plan;
  return `${top['Node Type']}, ${plan['Execution Time'].toFixed(1)} ms, ${(top['Shared Hit Blocks'] ?? 0) + (top['Shared Read Blocks'] ?? 0)} buffers: ${[...nodeTypes(top)].join(', ')}`;
}
const bigUser = await knex('users').where('login_id', bulkLogin(1)).first('id');
const bigLinks = await linksForUser(knex, bigUser.id);
// Through a gestoría the page reads its entries of overview_entries in order and the total is
// counted beside it (both in parallel, each on its own connection); the HTTP times above include both.
console.log('\nEXPLAIN (ANALYZE, BUFFERS) of the overview queries at the large size (top node, execution time, buffers: node types)');
for (const [label, , url] of pages) {
  const filter = parseOverviewFilter(Object.fromEntries(new URL(url, base).searchParams));
  const { search } = await overviewSearch(knex, bigLinks, filter);
  console.log(`- ${label}, page: ${await explain(pageQuery(knex, search, pageWindow(Number.MAX_SAFE_INTEGER, filter.page)))}`);
  console.log(`- ${label}, count (beside every page): ${await explain(countQuery(knex, search))}`);
}

server.close();
await booted.close();
await dropDatabase();
if (!keepDb) fs.rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
