/**
 * Login timing for a known id (wrong password) against an unknown id: the median time of each
 * over 100 samples, and their ratio, which should stay within 0.9–1.1 (issue 12, item 18).
 * Drives the login use case directly at the production argon2 cost, without HTTP.
 * Run with: npm run bench:login
 */
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { boot } from '../src/boot';
import { systemClock } from '../src/adapters/clock';
import { createLogger } from '../src/adapters/logger';
import { hashPassword } from '../src/adapters/passwords';
import { customerPasswordStep } from '../src/services/login';
import type { AccountCtx } from '../src/services/account-context';

const SAMPLES = 100;
const KNOWN = '55600001Z';

const config = loadConfig({
  ...process.env, DATA_DIR: path.join(os.tmpdir(), `area-clientes-bench-login-${process.pid}`), EMBEDDED_DB_MEMORY: '1',
  DEMO_DATA: '0', LOG_LEVEL: 'silent',
  DATABASE_URL: process.env.DATABASE_URL ?? '',
}, []);
const booted = await boot(config, systemClock, createLogger('silent'));
const knex = booted.db.knex;
await knex('users').where({ login_id: KNOWN }).delete();
await knex('users').insert({
  login_id: KNOWN, first_name: 'Bench', last_name: 'Login', email: 'bench.login@example.com',
  email_verified_at: new Date(),
  password_hash: await hashPassword('Bench-Login-Clave-2026', config.argon2), status: 'active',
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function once(loginId: string): Promise<number> {
  // neither the throttle nor the lockout may change the path between samples
  await knex('rate_limits').delete();
  await knex('users').where({ login_id: KNOWN }).update({ failed_logins: 0, status: 'active' });
  const ctx: AccountCtx = { db: knex, now: new Date(), config, ip: '192.0.2.1', dataKey: Buffer.alloc(32) };
  const t = performance.now();
  const r = await customerPasswordStep(
    ctx, { loginId, password: 'Clave-Equivocada-Total-9', userAgent: 'bench', failedBefore: 0 },
  );
  const ms = performance.now() - t;
  if (r.kind !== 'failure') throw new Error(`unexpected outcome ${r.kind}`);
  return ms;
}

// warm-up: the dummy hash, the pools and the query plans
for (let i = 0; i < 5; i++) {
  await once(KNOWN);
  await once('55600002S');
}
const known: number[] = [];
const unknown: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  // interleaved, so drift of the machine affects both alike
  known.push(await once(KNOWN));
  unknown.push(await once(`556${String(10_000 + i).padStart(5, '0')}X`));
}
const k = median(known);
const u = median(unknown);
console.log(`login, wrong password, ${SAMPLES} samples each on ${booted.db.description}`);
console.log(`  known id:   median ${k.toFixed(1)} ms`);
console.log(`  unknown id: median ${u.toFixed(1)} ms`);
console.log(`  ratio known/unknown: ${(k / u).toFixed(3)}`);
await booted.close();
