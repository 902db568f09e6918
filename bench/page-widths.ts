/**
 * Which pages scroll sideways on a phone: logs in as each demo user, follows the links it
 * finds (same site, pages only), and prints each page's width at 320 px, with JavaScript on
 * and off. `npx tsx bench/page-widths.ts http://127.0.0.1:3000 [width]` against a running
 * portal with the demo data.
 */
import { chromium, type Page } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const width = Number(process.argv[3] ?? 320);
const MAX_PAGES = Number(process.env.MAX_PAGES ?? 45);

const USERS = [
  ['anonymous', '', ''],
  ['household', '12345678Z', 'Cliente-Demo-2026'],
  ['business', '71234567W', 'Empresa-Demo-2026'],
  ['gestoria', '45678123P', 'Gestoria-Demo-2026'],
] as const;

const SKIP = /\/salir|\/pdf$|\.csv|\.zip|\/documentos\/|\/idioma|\/dev\/|\/admin|\/sandbox|[?&]page=[3-9]|\/clientes\/\d+\/(?!contactos)|\/contratos\/\d+\/(?!facturas|consumo|pagar|domiciliacion|reclamacion|lectura|potencia|correspondencia|dia-pago|simulador-solar$)/;

/** A path with its numbers replaced, so one contract stands for all contracts. */
const shape = (p: string) => p.replace(/\d+/g, 'N').replace(/\?.*$/, '');

async function measure(page: Page): Promise<number> {
  return (await page.evaluate('document.documentElement.scrollWidth')) as number;
}

async function crawl(page: Page, start: string[]): Promise<Map<string, { path: string; width: number }>> {
  const seen = new Map<string, { path: string; width: number }>();
  const queue = [...start];
  while (queue.length && seen.size < MAX_PAGES) {
    const path = queue.shift()!;
    if (seen.has(shape(path))) continue;
    const res = await page.goto(base + path).catch(() => null);
    if (!res || !res.ok() || !(res.headers()['content-type'] ?? '').includes('text/html')) continue;
    const here = new URL(page.url());
    if (seen.has(shape(here.pathname))) continue;
    seen.set(shape(here.pathname), { path: here.pathname + here.search, width: await measure(page) });
    const links = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
    for (const l of links) {
      if (!l.startsWith('/') || l.startsWith('//') || SKIP.test(l)) continue;
      if (!seen.has(shape(l))) queue.push(l);
    }
  }
  return seen;
}

async function main(): Promise<void> {
  const browser = await chromium.launch(
    { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] },
  );
  const rows: string[] = [];
  for (const javaScript of [true, false]) {
    for (const [who, id, password] of USERS) {
      const context = await browser.newContext(
        { javaScriptEnabled: javaScript, viewport: { width, height: 800 }, locale: 'es-ES' },
      );
      const page = await context.newPage();
      let start = [
        '/', '/registro', '/registro/hogar', '/registro/empresa', '/recuperar', '/recuperar/contrato', '/empresas',
        '/legal/accesibilidad',
      ];
      if (id) {
        await page.goto(`${base}/`);
        await page.fill('#f-loginId', id);
        await page.fill('#f-password', password);
        await Promise.all(
          [page.waitForURL('**/suministros**'), page.click('form[action="/acceso"] button[type="submit"]')],
        );
        start = ['/suministros', '/gestiones', '/ajustes', '/ajustes/accesos'];
      }
      for (const { path, width: w } of (await crawl(page, start)).values()) {
        rows.push(
          `${javaScript ? 'js  ' : 'nojs'} ${who.padEnd(9)} ${String(w).padStart(5)} ${w > width ? 'SCROLLS' : 'ok     '} ${path}`,
        );
      }
      await context.close();
    }
  }
  await browser.close();
  console.log(`page widths at ${width} px (document scrollWidth; more than ${width} scrolls sideways)`);
  console.log(rows.join('\n'));
  const bad = rows.filter((r) => r.includes('SCROLLS')).length;
  console.log(`${rows.length} pages, ${bad} scroll sideways`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
