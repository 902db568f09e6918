/**
 * HTTP throughput of the portal against a minimal baseline (issue 17), measured side by side:
 * starts the portal (demo data, on a fresh data folder, or a fresh database on the server of
 * DATABASE_URL) and bench/http/baseline-server.ts (bare Express 5 + Eta on the same database,
 * same URLs, comparable HTML, padded to the same number of SQL queries per page), logs in once
 * through the real login form and drives both with autocannon.
 *
 *   npm run bench:http -- [--duration=10] [--rounds=1] [--warmup=2] [--connections=32] [--bulk] [--gzip] [--profile=DIR] [--only=LABEL[,LABEL…]] [--dist] [--tsx]
 *   NODE_ENV=production npm run bench:http      (view cache on, Secure cookies, compiled build)
 *
 * --gzip asks both for gzip (each compresses; without it neither does). --dist runs the compiled portal (`npm run build` first; the default with NODE_ENV=production
 * when dist/ exists), --tsx the TypeScript sources through tsx; --bulk adds the 2,000-supply
 * gestoría (about a minute to create), --growth also the 20,000-supply one (see bench/growth.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import knexFactory from 'knex';
import { freePort, databasePassword, embeddedUrl } from '../src/data/embedded-postgres';
import { readServerInfo } from '../src/data/data-dir';
import { BULK_LOGIN, BULK_PASSWORD, createBulkGestoria } from './bulk-data';
import { loginThroughForm } from './login';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Map(process.argv.slice(2).map((a) => {
  const [k, v] = a.replace(/^--/, '').split('=');
  return [k!, v ?? '1'] as const;
}));
const duration = Number(args.get('duration') ?? 10);
const rounds = Number(args.get('rounds') ?? 1);
const connections = Number(args.get('connections') ?? 32);
const production = process.env.NODE_ENV === 'production';
const distEntry = path.join(root, 'dist/src/server.js');
const useDist = args.has('dist') || (!args.has('tsx') && production && fs.existsSync(distEntry));
if (useDist && !fs.existsSync(distEntry)) throw new Error('no dist/: run `npm run build` first');

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
async function cleanup(): Promise<void> {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
  for (const f of cleanups.reverse()) await f();
}
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
// a failure anywhere (an uncaught error ends the process) must not leave the servers running
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
});
process.on('unhandledRejection', (err) => {
  console.error(err);
  void cleanup().finally(() => process.exit(1));
});

// ---- a fresh database ------------------------------------------------------------------------
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'area-clientes-bench-http-'));
cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
let databaseUrl = '';
if (process.env.DATABASE_URL) {
  const admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 1 } });
  const name = `area_clientes_bench_${process.pid}`;
  await admin.raw(`CREATE DATABASE ${name}`);
  const u = new URL(process.env.DATABASE_URL);
  u.pathname = `/${name}`;
  databaseUrl = u.toString();
  cleanups.push(async () => {
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.destroy();
  });
}
const secret = crypto.randomBytes(32).toString('base64');

// ---- the two servers -------------------------------------------------------------------------
const counter = path.join(root, 'bench/http/query-counter.mjs');
const tsx = useDist ? [] : ['--import', 'tsx'];

function start(name: string, argv: string[], env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...tsx, '--import', counter, ...argv], {
    cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      if (ready.test(out)) {
        out = '';
        // from here on the output is only drained: parsing every request's log line here would
        // take CPU from the servers being measured, on the same cores
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(child);
      } else if (out.length > 100_000) out = out.slice(-10_000);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (b: Buffer) => { if (!ready.test(out)) process.stderr.write(`[${name}] ${b}`); });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${out.slice(-3000)}`)));
  });
}

const portalPort = await freePort();
const t0 = performance.now();
const portal = await start('portal', [useDist ? 'dist/src/server.js' : 'src/server.ts'], {
  PORT: String(portalPort), HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: databaseUrl, DEMO_DATA: '1', CERT_LOGIN_PORT: '0',
  SESSION_SECRET: secret, DATA_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'), LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  // production: Secure cookies, so the bench plays a TLS-terminating proxy (X-Forwarded-Proto)
  ...(production ? { NODE_ENV: 'production', DEMO_DATA_IN_PRODUCTION: 'i-understand-demo-passwords-are-public', EMBEDDED_DB_IN_PRODUCTION: '1', TRUST_PROXY: '1' } : {}),
}, /escuchando en/);
const portalBase = `http://127.0.0.1:${portalPort}`;
console.log(`portal (${useDist ? 'compiled dist/' : 'tsx'}${production ? ', NODE_ENV=production' : ''}) ready in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

const dbUrl = databaseUrl || embeddedUrl(readServerInfo(dataDir)!.port, await databasePassword(dataDir));
const knex = knexFactory({ client: 'pg', connection: dbUrl, pool: { min: 0, max: 2 } });
cleanups.unshift(() => knex.destroy());

const baselinePort = await freePort();
const baseline = await start('baseline', [useDist ? 'dist/bench/http/baseline-server.js' : 'bench/http/baseline-server.ts'], {
  PORT: String(baselinePort), BASELINE_DATABASE_URL: dbUrl, SESSION_SECRET: secret, BASELINE_COOKIE: production ? '__Host-ac.sid' : 'ac.sid',
}, /baseline listening/);
const baselineBase = `http://127.0.0.1:${baselinePort}`;

// ---- log in through the real form ------------------------------------------------------------
const cookieName = production ? '__Host-ac.sid' : 'ac.sid';
const proxied: Record<string, string> = production ? { 'x-forwarded-proto': 'https' } : {};
const login = (loginId: string, password: string) => loginThroughForm(portalBase, loginId, password, { headers: proxied, sessionCookie: cookieName });
const maria = await login('12345678Z', 'Cliente-Demo-2026');
const laura = await login('45678123P', 'Gestoria-Demo-2026');
const contract = await knex('contracts as c').join('customers as cu', 'cu.id', 'c.customer_id').where('cu.tax_id', '12345678Z')
  .join('invoice_documents as d', knex.raw('d.invoice_id in (select id from invoices where contract_id = c.id)'))
  .orderBy('c.id').first('c.id');
const invoice = await knex('invoices as i').join('invoice_documents as d', 'd.invoice_id', 'i.id').where('i.contract_id', contract.id)
  .where('i.issue_date', '<=', knex.raw('current_date')).orderBy('i.issue_date', 'desc').first('i.id');

interface Target { label: string; path: string; cookie?: string }
const targets: Target[] = [
  { label: 'home (anonymous)', path: '/' },
  { label: 'dashboard (household)', path: '/suministros', cookie: maria },
  { label: 'invoices', path: `/contratos/${contract.id}/facturas`, cookie: maria },
  { label: 'consumption', path: `/contratos/${contract.id}/consumo`, cookie: maria },
  { label: 'overview (demo gestoría)', path: '/suministros', cookie: laura },
  { label: 'invoice PDF (duplicate)', path: `/facturas/${invoice.id}/pdf`, cookie: maria },
];
if (args.has('bulk')) {
  const s = performance.now();
  const bulk = await createBulkGestoria(knex, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
  await knex.raw('ANALYZE');
  console.log(`bulk data: ${bulk.clients} clients, ${bulk.contracts.length} supplies, ${bulk.invoices} invoices in ${((performance.now() - s) / 1000).toFixed(0)} s`);
  const bench = await login(BULK_LOGIN, BULK_PASSWORD);
  targets.push({ label: 'overview (2,000 supplies)', path: '/suministros', cookie: bench });
  targets.push({ label: 'overview (2,000), search', path: '/suministros?q=sueca', cookie: bench });
}

// ---- measure ---------------------------------------------------------------------------------
function queriesOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m: { queries: number }) => resolve(m.queries));
    child.send('queries');
  });
}

interface Probe { queries: number; status: number; bytes: number }
const gzip = args.has('gzip');
function headersFor(t: Target, like?: Probe): Record<string, string> {
  return {
    ...proxied,
    ...(t.cookie ? { cookie: t.cookie } : {}),
    ...(like ? { 'x-bench-queries': String(like.queries), 'x-bench-bytes': String(like.bytes) } : {}),
    ...(gzip ? { 'accept-encoding': 'gzip' } : {}),
  };
}
async function probe(child: ChildProcess, base: string, t: Target, like?: Probe): Promise<Probe> {
  const headers = { ...headersFor(t, like), 'accept-encoding': 'identity' };
  await (await fetch(base + t.path, { headers, redirect: 'manual' })).arrayBuffer(); // warm
  const before = await queriesOf(child);
  const res = await fetch(base + t.path, { headers, redirect: 'manual' });
  const bytes = (await res.arrayBuffer()).byteLength;
  await new Promise((r) => setTimeout(r, 50));
  return { queries: (await queriesOf(child)) - before, status: res.status, bytes };
}

/** CPU time (ms) a process has used, from /proc: where the time goes, not just how many answers. */
function cpuMs(pid: number): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return 0;
  }
}
/** The database server's CPU (every postgres process on this machine; 0 where /proc tells nothing). */
function databaseCpuMs(): number {
  let sum = 0;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/comm`, 'utf8').startsWith('postgres')) sum += cpuMs(Number(d));
    } catch { /* gone */ }
  }
  return sum;
}

const warmup = Number(args.get('warmup') ?? 2);

interface Run { rps: number; p50: number; p99: number; errors: number; cpu: number; db: number }
async function drive(child: ChildProcess, base: string, t: Target, like?: Probe): Promise<Run> {
  const [c0, d0] = [cpuMs(child.pid!), databaseCpuMs()];
  const r = await autocannon({ url: base + t.path, connections, duration, headers: headersFor(t, like) });
  const n = Math.max(1, r.requests.total);
  return {
    rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx,
    cpu: (cpuMs(child.pid!) - c0) / n, db: (databaseCpuMs() - d0) / n,
  };
}

// --profile=DIR: CPU profiles of the portal's and the baseline's main thread during the first round of each page
const profileDir = args.get('profile') ? path.resolve(args.get('profile')!) : null;
if (profileDir) fs.mkdirSync(profileDir, { recursive: true });
function ask(child: ChildProcess, m: object): Promise<unknown> {
  return new Promise((resolve) => {
    child.once('message', resolve);
    child.send(m);
  });
}

const rows: string[][] = [];
const only = args.get('only')?.split(',');
for (const t of targets.filter((x) => !only || only.some((o) => x.label.includes(o)))) {
  const p = await probe(portal, portalBase, t);
  const b = await probe(baseline, baselineBase, t, p);
  if (p.status !== 200 || b.status !== 200) throw new Error(`${t.path}: portal ${p.status}, baseline ${b.status}`);
  // unrecorded load first: the first seconds of a page measure the JIT compiling it, not its cost
  if (warmup > 0) {
    await autocannon({ url: portalBase + t.path, connections, duration: warmup, headers: headersFor(t) });
    await autocannon({ url: baselineBase + t.path, connections, duration: warmup, headers: headersFor(t, p) });
  }
  const portalRuns: Run[] = [];
  const baseRuns: Run[] = [];
  for (let r = 0; r < rounds; r++) {
    if (profileDir && r === 0) await ask(portal, { profile: 'start' });
    portalRuns.push(await drive(portal, portalBase, t));
    if (profileDir && r === 0) {
      const file = path.join(profileDir, `${t.label.replace(/\W+/g, '-')}.cpuprofile`);
      await ask(portal, { profile: 'stop', file });
      console.log(`  CPU profile of the portal under load: ${file}`);
    }
    if (profileDir && r === 0) await ask(baseline, { profile: 'start' });
    baseRuns.push(await drive(baseline, baselineBase, t, p));
    if (profileDir && r === 0) {
      const file = path.join(profileDir, `${t.label.replace(/\W+/g, '-')}.baseline.cpuprofile`);
      await ask(baseline, { profile: 'stop', file });
    }
  }
  const avg = (xs: Run[], k: keyof Run) => xs.reduce((s, x) => s + x[k], 0) / xs.length;
  const ratio = avg(portalRuns, 'rps') / avg(baseRuns, 'rps');
  rows.push([t.label, `${p.queries}/${b.queries}`, `${(p.bytes / 1024).toFixed(1)}/${(b.bytes / 1024).toFixed(1)}`,
    avg(portalRuns, 'rps').toFixed(0), `${avg(portalRuns, 'p50').toFixed(0)}/${avg(portalRuns, 'p99').toFixed(0)}`,
    avg(baseRuns, 'rps').toFixed(0), `${avg(baseRuns, 'p50').toFixed(0)}/${avg(baseRuns, 'p99').toFixed(0)}`,
    `${avg(portalRuns, 'cpu').toFixed(1)}/${avg(baseRuns, 'cpu').toFixed(1)}`,
    `${avg(portalRuns, 'db').toFixed(1)}/${avg(baseRuns, 'db').toFixed(1)}`,
    `${ratio.toFixed(2)}×`, String(avg(portalRuns, 'errors') + avg(baseRuns, 'errors'))]);
  console.log(`  ${t.label}: portal ${avg(portalRuns, 'rps').toFixed(0)} req/s, baseline ${avg(baseRuns, 'rps').toFixed(0)} req/s, ${ratio.toFixed(2)}×`);
}

const head = ['page', 'SQL p/b', 'KB p/b', 'portal req/s', 'p50/p99 ms', 'baseline req/s', 'p50/p99 ms', 'CPU ms/req p/b', 'DB CPU ms/req p/b', 'ratio', 'errors'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(`\n${connections} connections × ${duration} s × ${rounds} round(s) after ${warmup} s of warm-up, ${databaseUrl ? 'PostgreSQL of DATABASE_URL' : 'embedded PostgreSQL'}, ${useDist ? 'compiled' : 'tsx'}, NODE_ENV=${process.env.NODE_ENV ?? 'development'}${gzip ? ', gzip' : ', no compression'}`);
console.log(line(head));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
await cleanup();
process.exit(0);
