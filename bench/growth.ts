/**
 * Growth (issue 17 item 4): the supplies overview of a gestoría with 2,000 supplies against one
 * with 20,000 (10,000 clients, 24 months of invoices each: 480,000 invoices), on the same fresh
 * database (the embedded server in a temporary folder, or a new database on DATABASE_URL's
 * server). Prints median and p95 of page 1, a search, a filtered page and a deep page for both,
 * the ratio, and the plan node types of the overview's queries at 20,000.
 * Then 100,000 households (bench/households.ts): one household's dashboard, invoices, consumption
 * and invoice PDF with only itself, then with the 100,000, in the same run (median, p95, ratios),
 * and the plans of every SELECT those pages ran, at 100,000.
 *   npm run bench:growth [-- --clients=10000 --households=100000 --n=20] [-- --db=NAME]
 * Creating the large gestoría takes several minutes, the households a few. With DATABASE_URL,
 * `--db=NAME` keeps the database NAME afterwards and reuses it (data included) on the next run,
 * for iterating; a kept database that already holds the households shows only their "after".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import knexFactory from 'knex';
import pg from 'pg';
import { loadConfig } from '../src/config';
import { boot } from '../src/boot';
import { systemClock } from '../src/adapters/clock';
import { createLogger } from '../src/adapters/logger';
import { overviewSearch } from '../src/services/bulk-overview';
import { linksForUser } from '../src/data/links-repo';
import { countQuery, pageQuery } from '../src/data/supplies-repo';
import { pageWindow, parseOverviewFilter } from '../src/domain/overview';
import { BULK_PASSWORD, bulkLogin, createBulkGestoria } from './bulk-data';
import { createHouseholds, HOUSEHOLD_PASSWORD, householdCups, householdLogin } from './households';
import { isValidCups } from '../src/domain/ids';
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

const login = (loginId: string, password = BULK_PASSWORD) => loginThroughForm(base, loginId, password);

// the time the app's queries took (first to last row), summed per request: what the database adds
let sqlMs = 0;
// and each statement's own times (by its text), for the breakdown of a page
let perStatement = new Map<string, number[]>();
const started = new Map<string, { at: number; sql: string }>();
knex.on('query', (q: { __knexQueryUid: string; sql: string }) => started.set(q.__knexQueryUid, { at: performance.now(), sql: q.sql }));
const ended = (_: unknown, q: { __knexQueryUid: string }) => {
  const s = started.get(q.__knexQueryUid);
  if (s === undefined) return;
  const ms = performance.now() - s.at;
  sqlMs += ms;
  started.delete(q.__knexQueryUid);
  const key = s.sql.replace(/\s+/g, ' ').trim().slice(0, 70);
  perStatement.set(key, [...(perStatement.get(key) ?? []), ms]);
};
knex.on('query-response', ended);
knex.on('query-error', ended);

async function times(url: string, cookie: string): Promise<{ median: number; p95: number; sql: number; statements: string }> {
  const t: number[] = [];
  const sql: number[] = [];
  for (let i = 0; i < n + 2; i++) {
    if (i === 2) perStatement = new Map();
    const s = performance.now();
    const sql0 = sqlMs;
    const res = await fetch(base + url, { headers: { cookie } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    if (i >= 2) { t.push(performance.now() - s); sql.push(sqlMs - sql0); }
  }
  t.sort((a, b) => a - b);
  sql.sort((a, b) => a - b);
  return {
    median: t[Math.floor(t.length / 2)]!, p95: t[Math.min(t.length - 1, Math.floor(t.length * 0.95))]!,
    sql: sql[Math.floor(sql.length / 2)]!,
    statements: [...perStatement].map(([text, ms]) => {
      ms.sort((a, b) => a - b);
      return `${ms[Math.floor(ms.length / 2)]!.toFixed(2)} ms ${text}`;
    }).join('\n    '),
  };
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

// ---------------------------------------------------------------------------------------------
// 100,000 households (`--households`): one household's pages with only itself, then with the
// others, in the same run and process. The measured household is created first, on its own;
// the rest after its "before" figures. A kept database that already holds the others cannot
// show the "before": the run says so (a new --db measures both).
{
  const total = Number(args.get('households') ?? 100_000);
  const hadOthers = total > 1 && await knex('users').where('login_id', householdLogin(1)).first('id');
  await createHouseholds(knex, config.argon2, 0, 1);
  if (!isValidCups(householdCups(0)) || !await knex('supply_points').where('cups', householdCups(0)).first('id')) {
    throw new Error('the households\' CUPS in SQL differ from cups()');
  }
  const contract = await knex('contracts as c').join('customers as cu', 'cu.id', 'c.customer_id')
    .where('cu.tax_id', householdLogin(0)).first('c.id');
  const invoice = await knex('invoices').where('contract_id', contract.id).orderBy('period_start', 'desc').first('id');
  const household = await login(householdLogin(0), HOUSEHOLD_PASSWORD);
  const hhPages = [
    ['dashboard /suministros', '/suministros'],
    ['invoices /contratos/:id/facturas', `/contratos/${contract.id}/facturas`],
    ['consumption /contratos/:id/consumo', `/contratos/${contract.id}/consumo`],
    ['invoice PDF /facturas/:id/pdf (signed duplicate, stored on the first download)', `/facturas/${invoice.id}/pdf`],
  ] as const;
  const count = async () => (await knex('customers').where('name', 'like', 'Hogar Bench %').count<{ n: number }[]>('* as n').first())!.n;
  let before: Awaited<ReturnType<typeof times>>[] | null = null;
  if (!hadOthers) {
    await knex.raw('ANALYZE');
    await knex.raw('CHECKPOINT').catch(() => undefined);
    before = [];
    for (const [, url] of hhPages) before.push(await times(url, household));
  }
  const beforeCount = await count();
  const s = performance.now();
  const made = await createHouseholds(knex, config.argon2, 1, total, new Date(), (done) => {
    if (done % 20_000 === 0) console.log(`  households: ${done.toLocaleString('en')} more…`);
  });
  if (made > 0) {
    console.log(`\n${made.toLocaleString('en')} households (user, holder link, account, supply, contract, 24 months of consumption, 12 invoices of 8 lines) in ${((performance.now() - s) / 1000).toFixed(0)} s`);
  }
  const vs = performance.now();
  await knex.raw('VACUUM ANALYZE');
  // the load's dirty pages written now, not by the checkpointer while the pages are timed
  await knex.raw('CHECKPOINT').catch(() => console.log('(CHECKPOINT refused: not a superuser)'));
  console.log(`VACUUM ANALYZE and CHECKPOINT: ${((performance.now() - vs) / 1000).toFixed(0)} s`);
  const afterCount = await count();
  const sizes = await knex.raw(`SELECT (SELECT count(*) FROM contracts) AS contracts, (SELECT count(*) FROM invoices) AS invoices,
    (SELECT count(*) FROM consumption) AS consumption, (SELECT count(*) FROM invoice_lines) AS lines`);
  const z = sizes.rows[0];
  console.log(`database now: ${z.contracts} contracts, ${z.invoices} invoices, ${z.lines} invoice lines, ${z.consumption} consumption rows`);
  if (!before) {
    console.log(`\n"before" not measured: this database already held ${(beforeCount - 1).toLocaleString('en')} other households when the run started (run with a new --db to measure before and after in one run)`);
  }
  console.log(`\nmedian / p95 of the page, and (median time of its SQL queries, summed, as the app waited for them)`);
  console.log(`| household ${householdLogin(0)} | with ${beforeCount.toLocaleString('en')} household(s), ms | with ${afterCount.toLocaleString('en')} households, ms | ratio of medians / of p95 |`);
  console.log('|---|---|---|---|');
  const statements: string[] = [];
  for (const [i, [label, url]] of hhPages.entries()) {
    const y = await times(url, household);
    const x = before?.[i];
    statements.push(`- ${label}${x ? `, before:\n    ${x.statements}\n  after` : ''}:\n    ${y.statements}`);
    const f = (v: { median: number; p95: number; sql: number }) => `${v.median.toFixed(1)} / ${v.p95.toFixed(1)} (SQL ${v.sql.toFixed(1)})`;
    console.log(`| ${label} | ${x ? f(x) : 'not measured'} | ${f(y)} | ${x ? `${(y.median / x.median).toFixed(2)}× / ${(y.p95 / x.p95).toFixed(2)}×` : '–'} |`);
  }

  console.log('\nmedian time of each statement of the pages, as the app waited for it (pool, round trip, planning, execution)');
  console.log(statements.join('\n'));

  // Every SELECT the pages ran (one request each, captured from the app's knex), explained at
  // this size with the request's own values, and as the generic plan that a named prepared
  // statement switches to after five runs (shown when its node types differ).
  console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of every SELECT of the household's pages with ${afterCount.toLocaleString('en')} households (custom plan; generic plan when it differs)`);
  // its own connection: the app's keep their named statements
  const pgClient = new pg.Client({ connectionString: booted.db.url });
  await pgClient.connect();
  try {
    const run = async (text: string, values: unknown[] = []) => (await pgClient.query(text, values)).rows;
    for (const [label, url] of hhPages) {
      const seen: { sql: string; bindings: unknown[] }[] = [];
      const onQuery = (q: { sql: string; bindings?: unknown[] }) => { seen.push({ sql: q.sql, bindings: [...(q.bindings ?? [])] }); };
      knex.on('query', onQuery);
      const res = await fetch(base + url, { headers: { cookie: household } });
      await res.arrayBuffer();
      knex.off('query', onQuery);
      console.log(`- ${label}: ${seen.length} queries`);
      for (const q of seen) {
        if (!/^\s*(select|with)\b/i.test(q.sql) || /\bfor (update|share)\b/i.test(q.sql)) continue;
        const text = knex.client.positionBindings(q.sql) as string;
        const values = knex.client.prepBindings(q.bindings) as unknown[];
        const short = q.sql.replace(/\s+/g, ' ').slice(0, 90);
        try {
          const [{ 'QUERY PLAN': [custom] }] = await run(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`, values);
          const types = [...nodeTypes(custom.Plan)].join(', ');
          const top = custom.Plan as PlanNode;
          const buffers = `${top['Shared Hit Blocks'] ?? 0} hit/${top['Shared Read Blocks'] ?? 0} read`;
          let generic = '';
          try {
            await run(`PREPARE bench_q AS ${text}`);
            await run("SET plan_cache_mode = 'force_generic_plan'");
            const literal = (v: unknown): string => (v === null || v === undefined ? 'NULL' : pgClient.escapeLiteral(
              Array.isArray(v) ? `{${v.map((x) => JSON.stringify(String(x))).join(',')}}` : v instanceof Date ? v.toISOString() : String(v),
            ));
            const args = values.map(literal).join(', ');
            const [{ 'QUERY PLAN': [g] }] = await run(`EXPLAIN (FORMAT JSON) EXECUTE bench_q${args ? `(${args})` : ''}`);
            const gTypes = [...nodeTypes(g.Plan)].join(', ');
            if (gTypes !== types) generic = `; generic plan: ${gTypes}`;
          } catch (err) {
            generic = `; generic plan not shown (${(err as Error).message.split('\n')[0]})`;
          } finally {
            await run('RESET plan_cache_mode');
            await run('DEALLOCATE ALL');
          }
          console.log(`  - ${custom['Execution Time'].toFixed(2)} ms (planning ${custom['Planning Time'].toFixed(2)} ms), ${buffers}: ${types}${generic}  [${short}…]`);
        } catch (err) {
          console.log(`  - not explained (${(err as Error).message.split('\n')[0]})  [${short}…]`);
        }
      }
    }
  } finally {
    await pgClient.end();
  }
}

server.close();
await booted.close();
await dropDatabase();
if (!keepDb) fs.rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
