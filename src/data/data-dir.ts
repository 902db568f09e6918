/**
 * The files of DATA_DIR and its owner lock. One process owns a data folder at a time (the
 * portal, or a command that had to start the embedded server itself); other commands use the
 * owner's running server through the port recorded in db-server.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StartupError } from './startup-error';

export function dataDirFiles(dataDir: string) {
  return {
    pgdata: path.join(dataDir, 'pgdata'),
    password: path.join(dataDir, 'db-password'),
    lock: path.join(dataDir, 'app.lock'),
    serverInfo: path.join(dataDir, 'db-server.json'),
    serverLog: path.join(dataDir, 'postgres.log'),
    dataKey: path.join(dataDir, 'data-key'),
    sessionSecret: path.join(dataDir, 'session-secret'),
    signingDir: path.join(dataDir, 'signing'),
    demoMarker: path.join(dataDir, 'demo-seeding'),
  };
}

export interface ServerInfo { pid: number; port: number; ownerPid: number }
export interface LockInfo { pid: number; what: string; startedAt: string; httpPort?: number }

export function isAlive(pid: number): boolean {
  if (!pid || pid === process.pid) return pid === process.pid;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function readServerInfo(dataDir: string): ServerInfo | undefined {
  return readJson<ServerInfo>(dataDirFiles(dataDir).serverInfo);
}

export function writeServerInfo(dataDir: string, info: ServerInfo): void {
  const file = dataDirFiles(dataDir).serverInfo;
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(info), { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}

/** The live owner of the folder, if any (a lock left by a dead process does not count). */
export function currentOwner(dataDir: string): LockInfo | undefined {
  const info = readJson<LockInfo>(dataDirFiles(dataDir).lock);
  return info && info.pid !== process.pid && isAlive(info.pid) ? info : undefined;
}

export function describeOwner(o: LockInfo, server?: ServerInfo): string {
  const parts = [`process ${o.pid}`, o.what];
  if (o.httpPort) parts.push(`serving http://localhost:${o.httpPort}`);
  if (server) parts.push(`database on 127.0.0.1:${server.port}`);
  return parts.join(', ');
}

export interface DataDirLock {
  /** Records the portal's HTTP port, shown to whoever finds the folder taken. */
  update(extra: Partial<LockInfo>): void;
  release(): void;
}

/**
 * Takes the folder or says who has it. Exclusive creation (O_EXCL) decides between two
 * processes starting at the same moment; a lock whose process is gone is taken over.
 */
export function lockDataDir(dataDir: string, what: string): DataDirLock {
  const file = dataDirFiles(dataDir).lock;
  let info: LockInfo = { pid: process.pid, what, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(file, JSON.stringify(info), { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
          throw new StartupError(
            `The disk holding ${dataDir} is full (no space left on device): free some space and start again.`,
          );
        }
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new StartupError(
            `The data folder ${dataDir} cannot be written (${(err as NodeJS.ErrnoException).code}). ` +
              'Set DATA_DIR to a writable folder.',
          );
        }
      }
      const owner = currentOwner(dataDir);
      if (owner) {
        throw new StartupError(
          `The data folder ${dataDir} is already in use (${describeOwner(owner, readServerInfo(dataDir))}): ` +
            'stop it first or set another DATA_DIR.',
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  let released = false;
  return {
    update(extra) {
      info = { ...info, ...extra };
      if (!released) fs.writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
    },
    release() {
      if (released) return;
      released = true;
      const now = readJson<LockInfo>(file);
      if (now?.pid === process.pid) fs.rmSync(file, { force: true });
    },
  };
}
