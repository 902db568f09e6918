import type { Harness, Scenario } from '../harness';
import { login } from '../login';

/** A GET form: with JavaScript, htmx fetches it (no navigation, no POST); without, the browser navigates. */
async function submitGet(h: Harness, selector: string, path: string): Promise<void> {
  await Promise.all([
    h.page.waitForResponse((r) => new URL(r.url()).pathname === path && r.request().method() === 'GET'),
    h.page.click(selector),
  ]);
  await h.page.waitForLoadState('load');
  if (h.javaScript) await h.page.waitForTimeout(100);
  await h.audit();
}

export const scenarios: Scenario[] = [
  {
    name: 'products and help: the search finds "factura electrónica", and the signing certificate page is there',
    async run(h) {
      const { page, expect } = h;
      await h.visit('/');
      await page.click('footer a[href="/ayuda"]');
      await page.waitForLoadState('load');
      await h.audit('help');
      await page.fill('#q', 'factura electrónica');
      await submitGet(h, 'form[action="/ayuda"] button[type="submit"]', '/ayuda');
      expect(await page.textContent('#help-results-heading')).to.match(/\d+ respuestas? para «factura electrónica»/);
      expect(await page.textContent('#help-results')).to.contain('¿Qué es la factura electrónica y cómo la activo?');
      await h.visit('/ayuda/certificado-firma');
      expect(await page.textContent('h1')).to.contain('Certificado de firma de las facturas');
    },
  },
  {
    name: 'products and help: household simulates solar panels on its Valencia supply and asks for a study',
    async run(h) {
      const { page, expect } = h;
      await login(h, '12345678Z', 'Cliente-Demo-2026');
      await page.click('a:has-text("Calle de Cirilo Amorós 24")');
      await page.waitForLoadState('load');
      await page.click('a[href$="/simulador-solar"]');
      await page.waitForLoadState('load');
      await h.audit('solar form');
      await page.check('#f-orientation-SE_SW');
      await page.fill('#f-tilt', '25');
      await page.check('#f-sizing-panels');
      await page.fill('#f-panels', '6');
      await submitGet(h, 'form[action$="/simulador-solar"] button[type="submit"]', new URL(page.url()).pathname);
      expect(await page.textContent('#solar-size')).to.contain('6 placas, 2,70 kWp');
      expect(await page.textContent('#solar-saving')).to.match(/\d+\s€/u);
      await h.submit('#solar-study');
      expect(new URL(page.url()).pathname).to.match(/^\/gestiones\/\d+$/);
      expect(await page.textContent('main')).to.contain('Estudio de instalación solar');
    },
  },
];
