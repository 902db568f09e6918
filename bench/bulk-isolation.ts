/**
 * Does one user's bulk downloading slow everybody else? (issue 12 item 5; a measurement, not a
 * test). Boots the portal on a fresh in-memory database, creates a gestoría with BULK_CLIENTS
 * clients (two supplies each, one invoice per supply in the ZIP month), then measures another
 * user's page (/ajustes) alone, and again while the gestoría's session asks for 12 month ZIPs
 * at once. Prints the other user's latencies and what the 12 downloads got.
 *   npm run bench:bulk-isolation
 */
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config';
import { boot } from '../src/boot';
import { systemClock } from '../src/adapters/clock';
import { createLogger } from '../src/adapters/logger';
import { hashPassword } from '../src/adapters/passwords';
import { BULK_LOGIN, BULK_PASSWORD, createBulkGestoria } from './bulk-data';
import { loginThroughForm } from './login';

const CLIENTS = Number(process.env.BULK_CLIENTS ?? 60);
const PARALLEL = 12;
const OTHER_LOGIN = '00000023T';
const OTHER_PASSWORD = 'Otra-Persona-Bench-2026';

function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${s[s.length - 1]!.toFixed(1)} ms (n=${s.length})`;
}

const config = loadConfig(
  {
    ...process.env, DATA_DIR: path.join(os.tmpdir(), `area-clientes-bench-${process.pid}`), EMBEDDED_DB_MEMORY: '1',
    DEMO_DATA: '0', LOG_LEVEL: 'silent', DATABASE_URL: process.env.DATABASE_URL ?? '',
  },
  [],
);
config.argon2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
const booted = await boot(config, systemClock, createLogger('silent'));
const knex = booted.db.knex;
const bulk = await createBulkGestoria(knex, config.argon2, CLIENTS);
const zipInvoices = await knex('invoices').whereIn('contract_id', bulk.contracts).where(
  'issue_date', '>=', `${bulk.zipMonth}-01`,
).where('issue_date', '<', knex.raw(`(?::date + interval '1 month')`, [`${bulk.zipMonth}-01`])).count<{ n: number }[]>(
  '* as n',
).first();
await knex('users').insert(
  {
    login_id: OTHER_LOGIN, first_name: 'Otra', last_name: 'Persona', email: 'otra@example.com',
    email_verified_at: new Date(), password_hash: await hashPassword(OTHER_PASSWORD, config.argon2), status: 'active',
  },
);

const server = booted.app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const loginCookie = (loginId: string, password: string) => loginThroughForm(base, loginId, password);

const gestoria = await loginCookie(BULK_LOGIN, BULK_PASSWORD);
const other = await loginCookie(OTHER_LOGIN, OTHER_PASSWORD);

async function otherPage(): Promise<number> {
  const s = performance.now();
  const res = await fetch(`${base}/ajustes`, { headers: { cookie: other }, redirect: 'manual' });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`/ajustes → ${res.status}`);
  return performance.now() - s;
}

async function zip(): Promise<{ status: number; ms: number; bytes: number }> {
  const s = performance.now();
  const res = await fetch(`${base}/suministros/facturas.zip?mes=${bulk.zipMonth}`, { headers: { cookie: gestoria } });
  const bytes = (await res.arrayBuffer()).byteLength;
  return { status: res.status, ms: performance.now() - s, bytes };
}

// warm-up (first PDF thread, templates, pool connections)
await zip();
for (let i = 0; i < 10; i++) await otherPage();

const alone: number[] = [];
for (let i = 0; i < 40; i++) alone.push(await otherPage());
console.log(
  `gestoría: ${CLIENTS} clients, ${bulk.contracts.length} supplies, ${zipInvoices?.n} invoices in the ZIP month ${bulk.zipMonth}`,
);
console.log(`other user's /ajustes, alone:                      ${stats(alone)}`);

const during: number[] = [];
let running = true;
const t0 = performance.now();
const zips = Promise.all(Array.from({ length: PARALLEL }, () => zip())).finally(() => { running = false; });
// the other user keeps browsing until every ZIP has finished (at most 50 s)
while (running && performance.now() - t0 < 50_000) during.push(await otherPage());
const results = await zips;
const wall = performance.now() - t0;
const byStatus = new Map<number, number>();
for (const r of results) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
console.log(`other user's /ajustes, during ${PARALLEL} ZIPs of one user: ${stats(during)}`);
console.log(`the ${PARALLEL} ZIP requests: ${[...byStatus].map(([s, n]) => `${n}× ${s}`).join(', ')}; all answered in ${(wall / 1000).toFixed(1)} s; `
  + `ZIP time ${stats(results.filter((r) => r.status === 200).map((r) => r.ms))}`);

server.close();
await booted.close();
process.exit(0);
