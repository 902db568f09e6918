/**
 * First-load budgets (issue 13): the bytes a browser with an empty cache downloads for the
 * login page and the dashboard, as sent (brotli, as browsers ask for it), with JavaScript on
 * (HTML + CSS + images + htmx + app.js) and off (the same without scripts).
 *   npx tsx bench/first-load.ts [http://127.0.0.1:3000]
 * against a running portal with the demo data.
 */
import http from 'node:http';

const base = new URL(process.argv[2] ?? 'http://127.0.0.1:3000');
const BUDGET = { on: 30 * 1024, off: 12 * 1024 };

interface Got { status: number; headers: http.IncomingHttpHeaders; bytes: number; text: string }

function get(path: string, cookie = '', method = 'GET', body?: string): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: base.hostname, port: base.port, path, method,
      headers: {
        'Accept-Encoding': 'br, gzip', Cookie: cookie,
        ...(
          body ? { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) } : {}
        ),
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', async () => {
        const raw = Buffer.concat(chunks);
        const zlib = await import('node:zlib');
        const enc = res.headers['content-encoding'];
        const plain = enc === 'br' ? zlib.brotliDecompressSync(raw) : enc === 'gzip' ? zlib.gunzipSync(raw) : raw;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: raw.length, text: plain.toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const cookiesOf = (res: Got) => ([] as string[]).concat(res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');

async function firstLoad(name: string, page: Got, cookie: string): Promise<string[]> {
  const css = [...page.text.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!);
  const js = [...page.text.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
  const img = [...page.text.matchAll(/<img src="([^"]+)"/g), ...page.text.matchAll(/<link rel="icon" href="([^"]+)"/g)].map((m) => m[1]!);
  const size = async (urls: string[]) => {
    let total = 0;
    for (const u of [...new Set(urls)]) total += (await get(u, cookie)).bytes;
    return total;
  };
  const [cssB, jsB, imgB] = [await size(css), await size(js), await size(img)];
  const off = page.bytes + cssB + imgB;
  const on = off + jsB;
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  return [
    `${name.padEnd(22)} HTML ${kb(page.bytes).padStart(8)}  CSS ${kb(cssB).padStart(8)}  images ${kb(imgB).padStart(7)}  JS ${kb(jsB).padStart(8)}`
    + `  | JS off ${kb(off).padStart(8)} ${off <= BUDGET.off ? '≤' : '>'} 12 KB  | JS on ${kb(on).padStart(8)} ${on <= BUDGET.on ? '≤' : '>'} 30 KB`,
  ];
}

async function main(): Promise<void> {
  const login = await get('/');
  const lines = await firstLoad('login page (/)', login, '');
  // log in as the demo household, as the form does
  const cookie = cookiesOf(login);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1]!;
  const posted = await get(
    '/acceso', cookie, 'POST',
    new URLSearchParams({ _csrf: csrf, loginId: '12345678Z', password: 'Cliente-Demo-2026' }).toString(),
  );
  const session = cookiesOf(posted) || cookie;
  const dashboard = await get(String(posted.headers.location ?? '/suministros'), session);
  if (dashboard.status !== 200) throw new Error(`dashboard answered ${dashboard.status}`);
  lines.push(...await firstLoad('dashboard (/suministros)', dashboard, session));
  console.log('first load, compressed as sent (Accept-Encoding: br, gzip), empty cache');
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
