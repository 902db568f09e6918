import fs from 'node:fs/promises';
import type { Page } from 'playwright-core';
import type { Scenario } from '../harness';
import { login } from '../login';

async function download(page: Page, selector: string): Promise<{ name: string; bytes: Buffer }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), bytes: await fs.readFile(file) };
}

export const scenarios: Scenario[] = [
  {
    name: 'household chooses an address, opens an invoice summary and downloads the PDF',
    async run(h) {
      const { page, expect } = h;
      await login(h, '12345678Z', 'Cliente-Demo-2026');
      // two supply addresses: pick the second home in Dénia
      await page.click('a:has-text("Calle del Mar 7")');
      await page.waitForLoadState('load');
      await h.audit('contract');
      expect(await page.textContent('h1')).to.contain('Calle del Mar 7');
      await page.click('nav.tabs a:has-text("Facturas")');
      await page.waitForLoadState('load');
      await h.audit('invoices');
      const rows = await page.locator('table.invoice-table tbody tr').count();
      expect(rows).to.equal(12);
      await page.locator('table.invoice-table tbody tr').first().locator('td.num a').click();
      await page.waitForLoadState('load');
      await h.audit('summary');
      expect(await page.textContent('h1')).to.match(/Factura FE\d{10}/);
      expect(await page.textContent('.invoice-summary')).to.contain('Término de potencia');
      const pdf = await download(page, '.invoice-summary a.button-primary');
      expect(pdf.name).to.match(/^factura-FE\d{10}(-duplicado)?\.pdf$/);
      expect(pdf.bytes.subarray(0, 5).toString()).to.equal('%PDF-');
      // paper contract: always a duplicate
      expect(pdf.name).to.contain('-duplicado');
    },
  },
  {
    name: 'e-billing household takes the signed original once with the button, then gets duplicates',
    async run(h) {
      const { page, expect } = h;
      await login(h, '12345678Z', 'Cliente-Demo-2026');
      await page.click('a:has-text("Calle de Cirilo Amorós 24")');
      await page.waitForLoadState('load');
      await page.click('nav.tabs a:has-text("Facturas")');
      await page.waitForLoadState('load');
      // one invoice per run (JavaScript on, then off, share the demo data)
      await page.locator('table.invoice-table tbody tr').nth(h.javaScript ? 2 : 3).locator('td.num a').click();
      await page.waitForLoadState('load');
      await h.audit('summary with the original');
      const url = page.url();
      // the plain link never uses the original up
      const viaLink = await download(page, '.invoice-summary a[href$="/pdf"]');
      expect(viaLink.name).to.contain('-duplicado');
      const original = await download(page, '.invoice-summary form[action$="/original"] button');
      expect(original.name).to.match(/^factura-FE\d{10}\.pdf$/);
      expect(original.bytes.subarray(0, 5).toString()).to.equal('%PDF-');
      await h.visit(new URL(url).pathname);
      expect(await page.locator('.invoice-summary form[action$="/original"]').count()).to.equal(0);
      const after = await download(page, '.invoice-summary a.button-primary');
      expect(after.name).to.contain('-duplicado');
    },
  },
  {
    name: 'consumption history chart and table',
    async run(h) {
      const { page, expect } = h;
      await login(h, '12345678Z', 'Cliente-Demo-2026');
      await page.click('a:has-text("Calle de Cirilo Amorós 24")');
      await page.waitForLoadState('load');
      await page.click('nav.tabs a:has-text("Consumos")');
      await page.waitForLoadState('load');
      await h.audit('consumption');
      // one chart on screen: the wide one here, the phone one below 40rem
      expect(await page.locator('svg[role="img"]:visible').count()).to.equal(1);
      expect(await page.locator('table tbody tr').count()).to.equal(24);
    },
  },
  {
    name: 'business representative switches e-billing off and on again',
    async run(h) {
      const { page, expect } = h;
      await login(h, '71234567W', 'Empresa-Demo-2026');
      await page.click('a:has-text("Calle de Sueca 51")');
      await page.waitForLoadState('load');
      await h.audit('contract');
      const before = await page.textContent('#factura-electronica');
      const wasOn = before!.includes('está activada');
      await h.submit('#factura-electronica button[type="submit"]');
      expect(await page.textContent('#factura-electronica')).to.contain(wasOn ? 'en papel' : 'está activada');
      await h.submit('#factura-electronica button[type="submit"]');
      expect(await page.textContent('#factura-electronica')).to.contain(wasOn ? 'está activada' : 'en papel');
      expect(await page.textContent('main')).to.contain(wasOn ? 'Has activado la factura electrónica' : 'Has desactivado la factura electrónica');
    },
  },
];
