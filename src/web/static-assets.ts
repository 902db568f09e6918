import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Request, RequestHandler, Response } from 'express';

/**
 * Static files under fingerprinted URLs (`/static/app.<hash>.css`): the hash is of the
 * content, so a URL never changes meaning and browsers may keep it for a year without
 * asking again. The plain URLs keep working (old pages, e-mails) but must be revalidated.
 */

export interface StaticAssets {
  /** The fingerprinted URL of a file of `public/` (or `vendor/htmx.min.js`), for the views. */
  url(name: string): string;
  middleware: RequestHandler;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
const HASH_LENGTH = 10;
const RECHECK_MS = 500;

interface Entry {
  file: string; mtimeMs: number; hash: string; checkedAt: number; packed?: { br: Buffer; gzip: Buffer };
}

const TEXT_TYPES = /\.(css|js|svg|txt|json)$/;

/**
 * A fingerprinted file never changes, so it is compressed once, as hard as brotli and gzip
 * go (a per-response compressor cannot afford that), and kept in memory.
 */
function packed(e: Entry): { br: Buffer; gzip: Buffer } {
  if (!e.packed) {
    const bytes = fs.readFileSync(e.file);
    e.packed = {
      br: zlib.brotliCompressSync(
        bytes,
        {
          params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
        },
      ),
      gzip: zlib.gzipSync(bytes, { level: 9 }),
    };
  }
  return e.packed;
}

/** Sends the precompressed copy the browser accepts; false when it accepts neither. */
function sendPacked(req: Request, res: Response, e: Entry): boolean {
  if (!TEXT_TYPES.test(e.file) || fs.statSync(e.file).size < 1024) return false;
  const encoding = req.acceptsEncodings('br', 'gzip');
  if (encoding !== 'br' && encoding !== 'gzip') return false;
  const body = packed(e)[encoding];
  res.vary('Accept-Encoding');
  res.type(path.extname(e.file));
  res.set(
    {
      'Cache-Control': IMMUTABLE, 'Content-Encoding': encoding, 'Content-Length': String(body.length),
      ETag: `"${e.hash}-${encoding}"`,
    },
  );
  if (req.fresh) {
    res.status(304).end();
    return true;
  }
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

/**
 * Every file of `publicDir`, plus `extra` (a public name as in `/static/<name>` → a file on disk). With `watch` the
 * hashes follow edits (development); without it they are computed once.
 */
export function staticAssets(publicDir: string, extra: Record<string, string>, watch: boolean): StaticAssets {
  const entries = new Map<string, Entry>();
  const files = new Map<string, string>(Object.entries(extra));
  for (const f of fs.readdirSync(publicDir)) {
    if (fs.statSync(path.join(publicDir, f)).isFile()) files.set(f, path.join(publicDir, f));
  }

  const entry = (name: string): Entry | undefined => {
    const file = files.get(name);
    if (!file) return undefined;
    const cached = entries.get(name);
    if (cached && !watch) return cached;
    // every page names its assets: an edit is noticed within half a second, not looked for on each use
    const now = Date.now();
    if (cached && now - cached.checkedAt < RECHECK_MS) return cached;
    const mtimeMs = fs.statSync(file).mtimeMs;
    if (cached && cached.mtimeMs === mtimeMs) {
      cached.checkedAt = now;
      return cached;
    }
    const hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, HASH_LENGTH);
    const fresh = { file, mtimeMs, hash, checkedAt: now };
    entries.set(name, fresh);
    return fresh;
  };
  for (const name of files.keys()) entry(name);

  const fingerprinted = (name: string, hash: string) => {
    const ext = name.endsWith('.min.js') ? '.min.js' : path.extname(name);
    return `${name.slice(0, name.length - ext.length)}.${hash}${ext}`;
  };
  const lookup = (requested: string): { name: string; hash?: string } | undefined => {
    if (files.has(requested)) return { name: requested };
    const m = /^(.+)\.([0-9a-f]{10})(\.min\.js|\.[a-z0-9]+)$/.exec(requested);
    if (!m) return undefined;
    const name = `${m[1]}${m[3]}`;
    return files.has(name) ? { name, hash: m[2] } : undefined;
  };

  const send = (res: Response, file: string, cacheControl: string) => {
    res.setHeader('Cache-Control', cacheControl);
    // sendFile's own Cache-Control would overwrite ours
    res.sendFile(file, { cacheControl: false, lastModified: true, etag: true }, (err) => {
      if (err && !res.headersSent) res.status(404).end();
    });
  };

  return {
    url(name: string): string {
      const e = entry(name);
      if (!e) throw new Error(`No static asset named ${name}`);
      return `/static/${fingerprinted(name, e.hash)}`;
    },
    middleware(req, res, next) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      if (!req.path.startsWith('/static/')) return next();
      const found = lookup(decodeURIComponent(req.path.slice('/static/'.length)));
      if (!found) return next();
      const e = entry(found.name)!;
      if (found.hash === e.hash && sendPacked(req, res, e)) return;
      // a stale fingerprint (a page from before a deploy) gets today's file, without a year of caching
      send(res, e.file, found.hash === e.hash ? IMMUTABLE : REVALIDATE);
    },
  };
}
