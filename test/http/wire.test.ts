import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import type { Express } from 'express';
import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../support/context';

/** Issue 13, the wire: compressed transfer and year-long caching of fingerprinted files. */

function assetUrls(html: string): string[] {
  return [...html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1]!);
}

// supertest decompresses on its own: read the raw bytes with node:http
async function raw(app: Express, url: string, acceptEncoding: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: url, headers: { 'Accept-Encoding': acceptEncoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
  } finally {
    server.close();
  }
}

describe('the wire: compression and static caching', function () {
  this.timeout(60_000);
  it('links every stylesheet, script and image by a content-hashed URL, htmx included', async () => {
    const { app } = await testContext();
    const page = await request(app).get('/').expect(200);
    const urls = assetUrls(page.text);
    expect(urls.some((u) => /^\/static\/app\.[0-9a-f]{10}\.css$/.test(u)), urls.join()).to.equal(true);
    expect(urls.some((u) => /^\/static\/app\.[0-9a-f]{10}\.js$/.test(u)), urls.join()).to.equal(true);
    expect(urls.some((u) => /^\/static\/vendor\/htmx\.[0-9a-f]{10}\.min\.js$/.test(u)), urls.join()).to.equal(true);
    for (const url of urls) {
      const res = await request(app).get(url).expect(200);
      expect(res.headers['cache-control'], url).to.equal('public, max-age=31536000, immutable');
    }
  });

  it('describes the public pages for search engines and link previews', async () => {
    const { app } = await testContext();
    for (const path of ['/', '/registro', '/empresas']) {
      const res = await request(app).get(path).expect(200);
      expect(res.text, path).to.match(/<meta name="description" content="[^"]{50,}">/);
    }
  });

  it('keeps the plain URLs working, revalidated, and a stale fingerprint never cached for a year', async () => {
    const { app } = await testContext();
    const plain = await request(app).get('/static/app.css').expect(200);
    expect(plain.headers['cache-control']).to.equal('no-cache');
    const stale = await request(app).get('/static/app.0123456789.css').expect(200);
    expect(stale.headers['cache-control']).to.equal('no-cache');
    expect(stale.text).to.equal(plain.text);
    await request(app).get('/static/nothing.0123456789.css').expect(404);
  });

  it('sends HTML, CSS, JS and SVG brotli- or gzip-compressed, as the browser asks', async () => {
    const { app } = await testContext();
    const page = await request(app).get('/').expect(200);
    const targets = ['/', ...assetUrls(page.text)];
    let compressed = 0;
    for (const url of targets) {
      const identity = await raw(app, url, 'identity');
      // below 1 KB compression costs more than it saves
      if (identity.body.length < 1024) {
        expect(identity.headers['content-encoding'], url).to.equal(undefined);
        continue;
      }
      compressed++;
      const br = await raw(app, url, 'br, gzip');
      expect(br.status, url).to.equal(200);
      expect(br.headers['content-encoding'], url).to.equal('br');
      expect(br.headers.vary ?? '', url).to.match(/Accept-Encoding/i);
      const text = zlib.brotliDecompressSync(br.body).toString('utf8');
      const gz = await raw(app, url, 'gzip');
      expect(gz.headers['content-encoding'], url).to.equal('gzip');
      // the same document either way (the page's CSRF token differs per request)
      if (url !== '/') expect(zlib.gunzipSync(gz.body).toString('utf8'), url).to.equal(text);
      expect(br.body.length, url).to.be.lessThan(Buffer.byteLength(text) / 2);
    }
    expect(compressed).to.be.at.least(4);
    const plain = await raw(app, '/static/app.css', 'identity');
    expect(plain.headers['content-encoding']).to.equal(undefined);
  });
});
