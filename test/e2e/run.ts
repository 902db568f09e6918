/**
 * Browser tests: starts the portal on a free port with a fresh database (the embedded server in
 * a temporary data folder) and the
 * demo data, then runs every scenario in Debian's Chromium twice, with JavaScript enabled
 * and disabled, auditing every page with axe-core.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { createHarness, type AxeReport, type Scenario } from './harness';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const only = process.argv.slice(2).find((a) => !a.startsWith('-'));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * How long to wait for the app to answer /healthz, in seconds (E2E_START_TIMEOUT): a first start
 * creates the demo data, which takes minutes on a slow or busy machine.
 */
function startTimeoutSeconds(raw = process.env.E2E_START_TIMEOUT): number {
  const n = Number(raw);
  return raw && Number.isFinite(n) && n > 0 ? n : 600;
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'area-clientes-e2e-'));

async function startApp(port: number): Promise<ChildProcess> {
  // the certificate-login scenario finds the listener and the development certificates here
  process.env.E2E_DATA_DIR = dataDir;
  let certPort = await freePort();
  while (certPort === port) certPort = await freePort();
  process.env.E2E_CERT_LOGIN_PORT = String(certPort);
  // the compiled portal, as `npm start` runs it (built first when a source is newer than dist/);
  // E2E_TSX=1 runs the TypeScript sources through tsx instead
  const entry = process.env.E2E_TSX === '1' ? ['--import', 'tsx', 'src/server.ts'] : ['dist/src/server.js'];
  if (process.env.E2E_TSX !== '1') execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: root, stdio: 'inherit' });
  const child = spawn(process.execPath, entry, {
    cwd: root,
    env: {
      ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO_DATA: '1', DEV_MAILBOX: '1', SANDBOX_GATEWAY: '1',
      SESSION_IDLE_MINUTES: '1', LOG_LEVEL: 'warn', DATABASE_URL: '', CERT_LOGIN_PORT: process.env.E2E_CERT_LOGIN_PORT,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // listening is announced once the first start (database, demo data) is done; only then is
  // the port ours (polling it earlier could reach another process that took the same port)
  let listening = false;
  child.stdout!.on('data', (d: Buffer) => {
    if (d.toString().includes('escuchando en')) listening = true;
    process.stdout.write(`  [app] ${d.toString().trimEnd().split('\n').join('\n  [app] ')}\n`);
  });
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`  [app] ${d}`));
  const waitSeconds = startTimeoutSeconds();
  const deadline = Date.now() + waitSeconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The app exited with ${child.exitCode}`);
    if (!listening) {
      await new Promise((r) => setTimeout(r, 300));
      continue;
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return child;
    } catch { /* not yet listening */ }
    await new Promise((r) => setTimeout(r, 300));
  }
  child.kill('SIGTERM');
  throw new Error(`The app did not become healthy within ${waitSeconds} s (E2E_START_TIMEOUT)`);
}

async function loadScenarios(): Promise<Scenario[]> {
  const dir = path.join(root, 'test/e2e/scenarios');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
  const all: Scenario[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as { scenarios: Scenario[] };
    all.push(...mod.scenarios);
  }
  return only ? all.filter((s) => s.name.includes(only)) : all;
}

async function main(): Promise<number> {
  if (!fs.existsSync(chromiumPath)) {
    const msg = `Chromium not found at ${chromiumPath}: install Debian's "chromium" package (or set CHROMIUM_PATH). Browser tests skipped.`;
    if (process.env.REQUIRE_BROWSER === '1') {
      console.error(msg);
      return 1;
    }
    console.warn(msg);
    return 0;
  }
  const scenarios = await loadScenarios();
  const port = await freePort();
  const app = await startApp(port);
  const baseUrl = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const report: AxeReport = { pages: 0, violations: [] };
  let passed = 0;
  let failed = 0;
  try {
    const runOne = async (s: Scenario, javaScript: boolean): Promise<void> => {
      const { h, close } = await createHarness(browser, baseUrl, javaScript, report);
      const t0 = Date.now();
      const mode = s.background ? `, JavaScript ${javaScript ? 'on' : 'off'}, beside the others` : '';
      try {
        await s.run(h);
        passed++;
        console.log(`  ✓ ${s.name} (${Date.now() - t0} ms${mode})`);
      } catch (err) {
        failed++;
        console.log(`  ✗ ${s.name}${mode}\n    ${String((err as Error).stack ?? err).split('\n').slice(0, 8).join('\n    ')}`);
        const shot = path.join(os.tmpdir(), `e2e-${javaScript ? 'js' : 'nojs'}-${s.name.replace(/\W+/g, '-')}.png`);
        await h.page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
        console.log(`    screenshot: ${shot}`);
      } finally {
        await close();
      }
    };
    for (const javaScript of [true, false]) {
      console.log(`\nJavaScript ${javaScript ? 'enabled' : 'disabled'}`);
      // a scenario that waits out the server's clock starts in its place and runs beside the
      // ones after it (never beside the earlier ones, which may end the demo users' sessions)
      const waiting: Promise<void>[] = [];
      for (const s of scenarios) {
        if (s.background) waiting.push(runOne(s, javaScript));
        else await runOne(s, javaScript);
      }
      await Promise.all(waiting);
    }
  } finally {
    await browser.close();
    app.kill('SIGINT');
    await new Promise((r) => app.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`\naxe-core: ${report.pages} page audits, ${report.violations.length} violations`);
  console.log(`phone width: ${report.widths?.pages ?? 0} pages measured at 320 px, ${report.widths?.overflowing.length ?? 0} scroll sideways`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
