/**
 * Durability check (run by .ci/run, about a minute): the portal on a fresh data folder with the
 * embedded PostgreSQL; four writers commit rows while the database server's whole process
 * group is killed with SIGKILL three times. The portal must start the server again by itself,
 * and every write that was acknowledged must be there afterwards.
 *   npm run test:durability
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../../src/data/embedded-postgres';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CYCLES = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const deadline = Date.now() + 150_000;

async function main(): Promise<number> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'area-clientes-kill-'));
  const port = await freePort();
  const app = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), DATABASE_URL: '', DEMO_DATA: '0', LOG_LEVEL: 'warn' },
  });
  let appLog = '';
  app.stdout!.on('data', (d: Buffer) => { appLog += d.toString(); });
  app.stderr!.on('data', (d: Buffer) => { appLog += d.toString(); });
  const health = async () => {
    try {
      return (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) })).status;
    } catch {
      return 0;
    }
  };
  const waitHealthy = async (label: string) => {
    while ((await health()) !== 200) {
      if (app.exitCode !== null || Date.now() > deadline) throw new Error(`${label}: the portal is not healthy\n${appLog}`);
      await sleep(100);
    }
  };
  // a visitor with a session (the cookie signed as express-session does), so the page must
  // read the session store, which lives in the database
  const sessionCookie = () => {
    const secret = fs.readFileSync(path.join(dataDir, 'session-secret'), 'utf8').trim();
    const id = crypto.randomBytes(16).toString('hex');
    const mac = crypto.createHmac('sha256', secret).update(id).digest('base64').replace(/=+$/, '');
    return `ac.sid=${encodeURIComponent(`s:${id}.${mac}`)}`;
  };
  const outagePages = async () => {
    const cookie = sessionCookie();
    const page = await fetch(`http://127.0.0.1:${port}/suministros`, { headers: { cookie } });
    const text = await page.text();
    if (page.status !== 503 || !page.headers.get('retry-after') || !text.includes('no está disponible')) {
      throw new Error(`a page during the outage: ${page.status} retry-after=${page.headers.get('retry-after')}`);
    }
    const form = new FormData();
    form.set('_csrf', 'x');
    form.set('documents', new Blob([Buffer.alloc(300_000, 65)], { type: 'application/pdf' }), 'factura.pdf');
    const upload = await fetch(`http://127.0.0.1:${port}/gestiones/reclamacion`, { method: 'POST', body: form, headers: { cookie } });
    if (upload.status !== 503 || !(await upload.text()).includes('no está disponible')) throw new Error(`an upload during the outage: ${upload.status}`);
    console.log('during the outage: pages and multipart uploads get the 503 page with Retry-After');
  };
  let pool: pg.Pool | undefined;
  try {
    await waitHealthy('start');
    const info = () => JSON.parse(fs.readFileSync(path.join(dataDir, 'db-server.json'), 'utf8')) as { pid: number; port: number };
    const password = fs.readFileSync(path.join(dataDir, 'db-password'), 'utf8').trim();
    pool = new pg.Pool({ host: '127.0.0.1', port: info().port, user: 'postgres', password, database: 'postgres', max: 4, connectionTimeoutMillis: 2000 });
    pool.on('error', () => undefined);
    const acknowledged: number[] = [];
    let failures = 0;
    let writing = true;
    const writer = async (w: number) => {
      let n = 0;
      while (writing) {
        try {
          const r = await pool!.query("INSERT INTO audit_log (at, actor_type, action, details) VALUES (now(), 'system', 'durability.probe', $1) RETURNING id", [JSON.stringify({ w, n: n++ })]);
          acknowledged.push(Number(r.rows[0].id));
        } catch {
          failures++;
          await sleep(50);
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    const statuses = new Set<number>();
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      await sleep(1500);
      const { pid } = info();
      const before = acknowledged.length;
      process.kill(-pid, 'SIGKILL');
      const t0 = Date.now();
      // while the server is down, the portal says so: /healthz, a page, and an upload
      if (cycle === 1) await outagePages();
      for (let i = 0; i < 3; i++) statuses.add(await health());
      await waitHealthy(`cycle ${cycle}`);
      // the supervisor records the new server once it answers, a moment after the portal may
      let back = info();
      for (let i = 0; i < 100 && back.pid === pid; i++) {
        await sleep(100);
        back = info();
      }
      if (back.pid === pid) throw new Error(`cycle ${cycle}: the server was not started again`);
      console.log(`cycle ${cycle}: killed process group ${pid} after ${before} acknowledged writes; back as ${back.pid} in ${Date.now() - t0} ms`);
    }
    await sleep(1000);
    writing = false;
    await Promise.all(writers);
    const rows = await pool.query("SELECT id FROM audit_log WHERE action = 'durability.probe'");
    const present = new Set(rows.rows.map((r: { id: string | number }) => Number(r.id)));
    const lost = acknowledged.filter((id) => !present.has(id));
    console.log(`${acknowledged.length} acknowledged writes, ${present.size} rows present, ${lost.length} lost, ${failures} refused during outages; /healthz during outages: ${[...statuses].sort().join(', ')}`);
    if (lost.length > 0) return 1;
    if (!statuses.has(503)) {
      console.log('the portal never answered 503 while its database was down');
      return 1;
    }
    return 0;
  } finally {
    await pool?.end().catch(() => undefined);
    app.kill('SIGINT');
    await new Promise((r) => (app.exitCode !== null ? r(null) : app.once('exit', r)));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
