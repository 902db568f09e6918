/**
 * Performance figures (not a test): boots the portal on a fresh database (the embedded
 * PostgreSQL server in a temporary folder, or DATABASE_URL) with the demo data, then measures
 * what DESIGN.md §7 budgets, and a billing run of 1,500 contracts while 8 users browse (their
 * p95 during the run against idle, and the cores and PDF threads the run used).
 * Prints medians, p95 and query counts.
 *   npm run bench [-- --billing-contracts=1500]
 * More contracts than the 2,000 supplies of the bulk gestoría make it larger (two per client).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { loadConfig } from '../src/config';
import { boot } from '../src/boot';
import { systemClock } from '../src/adapters/clock';
import { createLogger } from '../src/adapters/logger';
import { issueInvoicesForMonth } from '../src/services/invoicing';
import { cif, cups } from '../src/demo/plan';
import { BULK_LOGIN, BULK_PASSWORD, createBulkGestoria } from './bulk-data';
import { loginThroughForm } from './login';

function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms (n=${s.length})`;
}

const args = new Map(process.argv.slice(2).map((a) => {
  const [k, v] = a.replace(/^--/, '').split('=');
  return [k!, v ?? '1'] as const;
}));
const billingContracts = Number(args.get('billing-contracts') ?? 1500);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'area-clientes-bench-'));
const config = loadConfig(
  {
    ...process.env, DATA_DIR: dataDir, DEMO_DATA: '1', LOG_LEVEL: 'silent',
    DATABASE_URL: process.env.DATABASE_URL ?? '',
  },
  [],
);
const t0 = performance.now();
const booted = await boot(config, systemClock, createLogger('silent'), { what: 'npm run bench' });
console.log(`boot with demo data: ${(performance.now() - t0).toFixed(0)} ms on ${booted.db.description}`);
const knex = booted.db.knex;
const deps = booted.app.locals.deps;

let queries = 0;
knex.on('query', () => queries++);

// A contract with 60 months of consumption, issued month by month through the billing run.
const household = await knex('contracts as c').join('customers as cu', 'cu.id', 'c.customer_id').where(
  'cu.tax_id', '12345678Z',
).first('c.*');
const [sp] = await knex('supply_points').insert(
  {
    cups: 'ES0021999999999999' + 'TZ', energy: 'electricity', tariff: '2.0TD', street: 'Calle de Prueba', number: '1',
    postal_code: '46001', municipality: 'València', province: 'Valencia', power_p1_kw: 4.6, power_p2_kw: 4.6,
    distributor: 'i-DE',
  },
).returning('id');
const [contract] = await knex('contracts').insert(
  {
    number: '399999999999', contract_account_id: household.contract_account_id, supply_point_id: sp.id,
    customer_id: household.customer_id, product_code: 'tarifa-luz-3-periodos', status: 'active',
    start_date: '2020-01-01', e_billing: true,
  },
).returning('id');
const months = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2021, 11 + i, 1)).toISOString().slice(0, 7));
await knex('consumption').insert(
  months.map((m) => ({ contract_id: contract.id, month: `${m}-01`, p1_kwh: 80, p2_kwh: 90, p3_kwh: 110 })),
);
const issue: number[] = [];
for (const m of months) {
  const s = performance.now();
  const r = await issueInvoicesForMonth(knex, m, { signer: deps.signer, now: new Date(), config, notify: true });
  if (r.issued > 0) issue.push(performance.now() - s);
}
console.log(`issue + sign + store one invoice (billing run of one contract): ${stats(issue)}`);

const server = booted.app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const loginCookie = (loginId: string, password: string) => loginThroughForm(base, loginId, password);

async function page(label: string, url: string, cookie: string, n = 50): Promise<void> {
  const times: number[] = [];
  let q = 0;
  let size = 0;
  let gz = 0;
  for (let i = 0; i < n; i++) {
    const before = queries;
    const s = performance.now();
    const res = await fetch(base + url, { headers: { cookie }, redirect: 'manual' });
    const body = Buffer.from(await res.arrayBuffer());
    times.push(performance.now() - s);
    if (res.status !== 200) throw new Error(`${url} → ${res.status}`);
    q = queries - before;
    size = body.length;
    gz = zlib.gzipSync(body).length;
  }
  console.log(`${label}: ${stats(times)}, ${q} SQL queries, HTML ${(size / 1024).toFixed(1)} KB (${(gz / 1024).toFixed(1)} KB gzip)`);
}

const maria = await loginCookie('12345678Z', 'Cliente-Demo-2026');
await page('invoices page, contract with 60 invoices', `/contratos/${contract.id}/facturas`, maria);
await page(
  'invoices page, 60 invoices, year filter + page 2', `/contratos/${contract.id}/facturas?anio=2024&pagina=1`, maria,
);
await page(
  'invoice summary', `/facturas/${(await knex('invoices').where({ contract_id: contract.id }).first('id')).id}`, maria,
);
await page('contract page', `/contratos/${contract.id}`, maria);
await page('consumption page (SVG chart + table)', `/contratos/${contract.id}/consumo`, maria);
const dupTimes: number[] = [];
const inv = await knex('invoices').where({ contract_id: contract.id }).first('id');
for (let i = 0; i < 20; i++) {
  const s = performance.now();
  await (await fetch(`${base}/facturas/${inv.id}/pdf`, { headers: { cookie: maria } })).arrayBuffer();
  dupTimes.push(performance.now() - s);
}
console.log(`PDF download (original once, then signed duplicates): ${stats(dupTimes)}`);
const laura = await loginCookie('45678123P', 'Gestoria-Demo-2026');
await page('supplies overview of the gestoría (42 clients)', '/suministros', laura, 20);

// ---------------------------------------------------------------------------------------------
// A gestoría with 2,000 supplies (1,000 clients × 2) and 24 months of invoices on each.
const bulkStart = performance.now();
const bulk = await createBulkGestoria(knex, config.argon2, Math.max(1000, Math.ceil(billingContracts / 2)));
console.log(`bulk data: ${bulk.clients} clients, ${bulk.contracts.length} supplies, ${bulk.invoices} invoices in ${((performance.now() - bulkStart) / 1000).toFixed(1)} s`);
const zipMonth = bulk.zipMonth;

const bench = await loginCookie(BULK_LOGIN, BULK_PASSWORD);
await page('overview, 2,000 supplies, page 1', '/suministros', bench, 30);
await page('overview, 2,000 supplies, page 40', '/suministros?pagina=40', bench, 30);
await page('overview, search "sueca" (334 supplies)', '/suministros?q=sueca', bench, 30);
await page('overview, search by CUPS', `/suministros?q=${cups('0031', 600_001_234)}`, bench, 30);
await page(
  'overview, search + role + energy filters (2,000 matches)', '/suministros?q=bench&rol=gestoria&energia=luz', bench,
  30,
);

async function download(label: string, url: string, n: number): Promise<void> {
  const times: number[] = [];
  let size = 0;
  let q = 0;
  let peakRss = 0;
  for (let i = 0; i < n; i++) {
    const before = queries;
    const rss0 = process.memoryUsage().rss;
    const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss - rss0); }, 50);
    const s = performance.now();
    const res = await fetch(base + url, { headers: { cookie: bench } });
    if (res.status !== 200) throw new Error(`${url} → ${res.status}`);
    let bytes = 0;
    let first = 0;
    for await (const chunk of res.body!) {
      if (!first) first = performance.now() - s;
      bytes += (chunk as Uint8Array).length;
    }
    times.push(performance.now() - s);
    clearInterval(sampler);
    size = bytes;
    q = queries - before;
    if (i === 0) console.log(`  ${label}: first byte after ${first.toFixed(0)} ms`);
  }
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  console.log(`${label}: ${stats(times)}, ${q} SQL queries, ${(size / 1024 / 1024).toFixed(2)} MB, ${(size / 1024 / 1024 / (median / 1000)).toFixed(2)} MB/s, peak RSS growth ${(peakRss / 1024 / 1024).toFixed(0)} MB`);
}
await download('CSV export of the 2,000-supply overview', '/suministros.csv', 10);
await download(
  'invoice ZIP, one client (2 invoices)', `/suministros/facturas.zip?mes=${zipMonth}&q=${cif('B', 9_200_007)}`, 10,
);
await download(
  `invoice ZIP, whole month ${zipMonth} (2,000 signed duplicates)`, `/suministros/facturas.zip?mes=${zipMonth}`, 3,
);

const css = zlib.gzipSync(await (await fetch(`${base}/static/app.css`)).arrayBuffer() as ArrayBuffer).length;
const htmx = zlib.gzipSync(Buffer.from(await (await fetch(`${base}/static/vendor/htmx.min.js`)).arrayBuffer())).length;
console.log(`static: app.css ${(css / 1024).toFixed(1)} KB gzip, htmx ${(htmx / 1024).toFixed(1)} KB gzip`);

// ---------------------------------------------------------------------------------------------
// Admin audit log viewer over 100,000 audit rows (issue 7 item 7).
{
  const { newTotpSecret } = await import('../src/adapters/totp');
  const { generate } = await import('otplib');
  const { hashPassword: hashStaffPassword } = await import('../src/adapters/passwords');
  const secret = newTotpSecret();
  const now = new Date();
  const [staffRow] = await knex('staff').insert({
    staff_id: 'bench.admin', first_name: 'Banco', last_name: 'Pruebas', email: 'bench.admin@staff.example.com',
    role: 'supervisor',
    password_hash: await hashStaffPassword('Bench-Admin-2026-x', config.argon2), totp_secret: secret,
    totp_enrolled_at: now, created_at: now, updated_at: now,
  }).returning('id');
  const someCustomer = await knex('customers').first('id', 'tax_id');
  await knex.raw(`INSERT INTO audit_log (at, actor_type, actor_id, customer_id, action, target_type, target_id, ip, details)
    SELECT now() - (g * interval '37 seconds'), CASE WHEN g % 3 = 0 THEN 'staff' ELSE 'user' END,
    CASE WHEN g % 3 = 0 THEN ?::bigint ELSE 1 END,
      CASE WHEN g % 50 = 0 THEN ?::bigint ELSE NULL END, (
        ARRAY['login.succeeded','invoice.downloaded','billing.run_started','contact.invited']
      )[1 + g % 4],
      'bench', g::text, '192.0.2.' || (g % 250), jsonb_build_object('n', g)
    FROM generate_series(1, 100000) g`, [staffRow.id, someCustomer.id]);
  await knex.raw('ANALYZE audit_log');
  let cookie = '';
  const take = (h: Headers) => { const c = h.getSetCookie().find((x) => x.startsWith('ac.admin=')); if (c) cookie = c.split(';')[0]!; };
  const tokenOf = async (res: Response) => /name="_csrf" value="([^"]+)"/.exec(await res.text())![1]!;
  const form = (body: Record<string, string>) => (
    {
      method: 'POST', redirect: 'manual' as const,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body),
    }
  );
  let res = await fetch(`${base}/admin/acceso`);
  take(res.headers);
  res = await fetch(
    `${base}/admin/acceso`, form({ _csrf: await tokenOf(res), staffId: 'bench.admin', password: 'Bench-Admin-2026-x' }),
  );
  take(res.headers);
  res = await fetch(`${base}/admin/acceso/codigo`, { headers: { cookie } });
  take(res.headers);
  res = await fetch(`${base}/admin/acceso/codigo`, form({ _csrf: await tokenOf(res), code: await generate({ secret, epoch: Math.floor(Date.now() / 1000) }) }));
  take(res.headers);
  if (res.status !== 303) throw new Error(`admin login failed: ${res.status}`);
  const total = (await knex('audit_log').count<{ n: number }[]>('* as n').first())!.n;
  await page(`admin audit viewer, ${total} rows, newest page`, '/admin/auditoria', cookie, 30);
  await page('admin audit viewer, action prefix "billing."', '/admin/auditoria?accion=billing.', cookie, 30);
  await page(
    'admin audit viewer, one customer by tax id', `/admin/auditoria?cliente=${someCustomer.tax_id}`, cookie, 30,
  );
  await page(
    'admin audit viewer, staff actor + date range',
    `/admin/auditoria?tipo=staff&actor=bench.admin&desde=${new Date(Date.now() - 7 * 86400_000).toISOString().slice(
      0, 10,
    )}`,
    cookie, 30,
  );
  const deep = await knex('audit_log').orderBy(
    [{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }],
  ).offset(90_000).first(knex.raw(`to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as k`), 'id');
  await page(
    'admin audit viewer, page 1,800 (keyset cursor)',
    `/admin/auditoria?antes=${encodeURIComponent(`${deep.k}~${deep.id}`)}`, cookie, 30,
  );
  const csvTimes: number[] = [];
  let csvBytes = 0;
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    const r = await fetch(`${base}/admin/auditoria.csv`, { headers: { cookie } });
    csvBytes = (await r.arrayBuffer()).byteLength;
    csvTimes.push(performance.now() - s);
  }
  console.log(`admin audit CSV export, all ${total} rows (streamed in batches of 1,000): ${stats(csvTimes)}, ${(csvBytes / 1024 / 1024).toFixed(1)} MB`);
}

// ---------------------------------------------------------------------------------------------
// A billing run of 1,500 contracts (`--billing-contracts`) (as the admin section starts it, in the portal's process)
// while 8 users browse: their page times before and during the run.
{
  const runMonth = new Date(
    Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 26, 1),
  ).toISOString().slice(0, 7);
  const runContracts = bulk.contracts.slice(0, billingContracts);
  for (let i = 0; i < runContracts.length; i += 500) {
    await knex('consumption').insert(
      runContracts.slice(i, i + 500).map(
        (id) => ({ contract_id: id, month: `${runMonth}-01`, p1_kwh: 75, p2_kwh: 70, p3_kwh: 90 }),
      ),
    );
  }
  const hh = await knex('contracts as c').join('customers as cu', 'cu.id', 'c.customer_id').where(
    'cu.tax_id', '12345678Z',
  ).first('c.id');
  const browsing = [
    { cookie: maria, url: `/contratos/${hh.id}` }, { cookie: maria, url: `/contratos/${contract.id}/facturas` },
    { cookie: maria, url: `/contratos/${contract.id}/consumo` }, { cookie: laura, url: '/suministros' },
    { cookie: bench, url: '/suministros?pagina=7' }, { cookie: bench, url: '/suministros?q=sueca' },
    { cookie: maria, url: `/facturas/${inv.id}` }, { cookie: laura, url: '/suministros?pagina=2' },
  ];
  const browse = async (ms: number): Promise<number[]> => {
    const times: number[] = [];
    const until = performance.now() + ms;
    await Promise.all(browsing.map(async (u) => {
      while (performance.now() < until) {
        const s = performance.now();
        const res = await fetch(base + u.url, { headers: { cookie: u.cookie }, redirect: 'manual' });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${u.url} → ${res.status}`);
        times.push(performance.now() - s);
      }
    }));
    return times;
  };
  const idle = await browse(5000);
  console.log(`8 users browsing, no billing run: ${stats(idle)}`);
  const { startBillingRun, billingRunSettled, runnerDeps } = await import('../src/services/billing-runs');
  const staff = await knex('staff').first('id');
  const { defaultPdfWorkers, pdfWorkerStats } = await import('../src/adapters/pdf/pool');
  const pdfs0 = pdfWorkerStats().completed;
  let pdfThreads = 0;
  const threadSampler = setInterval(() => { pdfThreads = Math.max(pdfThreads, pdfWorkerStats().threads); }, 200);
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const runStart = performance.now();
  const started = await startBillingRun(runnerDeps(deps), runMonth, { staffId: staff.id, ip: null });
  if (!started.ok) throw new Error('billing run not started');
  let running = true;
  const during: number[] = [];
  const settled = billingRunSettled(started.runId).finally(() => { running = false; });
  while (running) during.push(...await browse(2000));
  await settled;
  const runMs = performance.now() - runStart;
  const elu = performance.eventLoopUtilization(elu0);
  const cpu = process.cpuUsage(cpu0);
  clearInterval(threadSampler);
  const run = await knex('billing_runs').where({ id: started.runId }).first();
  console.log(`billing run of ${run.issued} contracts (${run.status}) in ${(runMs / 1000).toFixed(1)} s (${(run.issued / (runMs / 1000)).toFixed(0)} invoices/s); 8 users browsing meanwhile: ${stats(during)}`);
  const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(0.95 * xs.length))]!;
  console.log(`other users' p95 during the run / idle: ${(p95(during) / p95(idle)).toFixed(2)}× (target ≤ 2×)`);
  // the process serves the browsing users too; PostgreSQL's CPU is not in these
  console.log(`during the run: ${os.availableParallelism()} cores, PDF pool of up to ${pdfThreads} thread(s) (PDF_WORKERS, default cores − 1 = ${defaultPdfWorkers()}), ${pdfWorkerStats().completed - pdfs0} PDFs; this process used ${(((cpu.user + cpu.system) / 1000) / runMs * 100).toFixed(0)}% of one core (main thread and PDF threads), its event loop busy ${(elu.utilization * 100).toFixed(0)}% of the time`);
}

server.close();
await booted.close();
fs.rmSync(dataDir, { recursive: true, force: true });
