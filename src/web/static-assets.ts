import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RequestHandler, Response } from 'express';

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

interface Entry { file: string; mtimeMs: number; hash: string }

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
    const mtimeMs = fs.statSync(file).mtimeMs;
    if (cached && cached.mtimeMs === mtimeMs) return cached;
    const hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, HASH_LENGTH);
    const fresh = { file, mtimeMs, hash };
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
      // a stale fingerprint (a page from before a deploy) gets today's file, without a year of caching
      send(res, e.file, found.hash === e.hash ? IMMUTABLE : REVALIDATE);
    },
  };
}
