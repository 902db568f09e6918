/**
 * Performance figures (not a test): boots the portal on a fresh in-memory database with the
 * demo data, then measures what DESIGN.md §7 budgets. Prints medians, p95 and query counts.
 *   npm run bench
 */
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { loadConfig } from '../src/config';
import { boot } from '../src/boot';
import { systemClock } from '../src/services/clock';
import { createLogger } from '../src/services/logger';
import { issueInvoicesForMonth } from '../src/services/invoicing';

function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms (n=${s.length})`;
}

const config = loadConfig({ ...process.env, DATA_DIR: path.join(os.tmpdir(), `area-clientes-bench-${process.pid}`), EMBEDDED_DB_MEMORY: '1', DEMO_DATA: '1', LOG_LEVEL: 'silent', DATABASE_URL: process.env.DATABASE_URL ?? '' }, []);
const t0 = performance.now();
const booted = await boot(config, systemClock, createLogger('silent'));
console.log(`boot with demo data: ${(performance.now() - t0).toFixed(0)} ms on ${booted.db.description}`);
const knex = booted.db.knex;
const deps = booted.app.locals.deps;

let queries = 0;
knex.on('query', () => queries++);

// A contract with 60 months of consumption, issued month by month through the billing run.
const household = await knex('contracts as c').join('customers as cu', 'cu.id', 'c.customer_id').where('cu.tax_id', '12345678Z').first('c.*');
const [sp] = await knex('supply_points').insert({ cups: 'ES0021999999999999' + 'TZ', energy: 'electricity', tariff: '2.0TD', street: 'Calle de Prueba', number: '1', postal_code: '46001', municipality: 'València', province: 'Valencia', power_p1_kw: 4.6, power_p2_kw: 4.6, distributor: 'i-DE' }).returning('id');
const [contract] = await knex('contracts').insert({ number: '399999999999', contract_account_id: household.contract_account_id, supply_point_id: sp.id, customer_id: household.customer_id, product_code: 'tarifa-luz-3-periodos', status: 'active', start_date: '2020-01-01', e_billing: true }).returning('id');
const months = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2021, 11 + i, 1)).toISOString().slice(0, 7));
await knex('consumption').insert(months.map((m) => ({ contract_id: contract.id, month: `${m}-01`, p1_kwh: 80, p2_kwh: 90, p3_kwh: 110 })));
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

async function loginCookie(loginId: string, password: string): Promise<string> {
  const home = await fetch(`${base}/`);
  const sid = (h: Headers) => h.getSetCookie().find((c) => c.startsWith('ac.sid='))!.split(';')[0]!;
  const cookie = sid(home.headers);
  const token = /name="_csrf" value="([^"]+)"/.exec(await home.text())![1]!;
  const res = await fetch(`${base}/acceso`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: token, loginId, password }) });
  if (res.status !== 303) throw new Error(`login of ${loginId} failed: ${res.status}`);
  return sid(res.headers);
}

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
await page('invoices page, 60 invoices, year filter + page 2', `/contratos/${contract.id}/facturas?anio=2024&pagina=1`, maria);
await page('invoice summary', `/facturas/${(await knex('invoices').where({ contract_id: contract.id }).first('id')).id}`, maria);
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
const css = zlib.gzipSync(await (await fetch(`${base}/static/app.css`)).arrayBuffer() as ArrayBuffer).length;
const htmx = zlib.gzipSync(Buffer.from(await (await fetch(`${base}/static/vendor/htmx.min.js`)).arrayBuffer())).length;
console.log(`static: app.css ${(css / 1024).toFixed(1)} KB gzip, htmx ${(htmx / 1024).toFixed(1)} KB gzip`);

server.close();
await booted.close();
