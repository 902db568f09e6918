/**
 * Issue 15 item 2 in the browser: the demo household contracts gas at its electricity-only
 * address (Calle del Mar 7, Dénia) with JavaScript on; with JavaScript off (the gas is there by
 * then) it asks for a new supply at a new address with a new IBAN. Each time the administrator
 * creates the contract from the request, and the customer sees it on the supplies list.
 */
import type { Harness, Scenario } from '../harness';
import { adminLogin } from '../admin-login';
import { cups } from '../../../src/demo/plan';

async function login(h: Harness): Promise<void> {
  await h.visit('/');
  await h.page.fill('#f-loginId', '12345678Z');
  await h.page.fill('#f-password', 'Cliente-Demo-2026');
  await h.submit('form[action="/acceso"] button[type="submit"]');
  h.expect(new URL(h.page.url()).pathname).to.equal('/suministros');
}

/** The administrator opens the request, creates its contract with this CUPS, and it is completed. */
async function complete(h: Harness, requestPath: string, supplyCups: string): Promise<void> {
  const { page, expect } = h;
  await adminLogin(h);
  await h.visit(`/admin${requestPath}`);
  expect(await page.textContent('#lead-facts')).to.contain('Factura estimada al mes');
  await h.visit(`/admin${requestPath}/alta`);
  await page.fill('#f-cups', 'ES0234');
  await h.submit('form[action$="/alta"] button[type="submit"]');
  expect(await page.textContent('.error-summary')).to.contain('Este CUPS no es válido');
  await page.fill('#f-cups', supplyCups);
  await h.submit('form[action$="/alta"] button[type="submit"]');
  expect(new URL(page.url()).pathname).to.equal(`/admin${requestPath}`);
  expect(await page.textContent('main')).to.match(/contrato \d{12} creado desde el/);
}

export const scenarios: Scenario[] = [
  {
    name: 'new products: the household contracts gas where it only has electricity (JS on), or a new supply (JS off); the admin creates the contract',
    async run(h) {
      const { page, expect } = h;
      const supplyCups = cups('0234', Date.now() % 1e12);
      await login(h);
      if (h.javaScript) {
        await page.click('#energy-offers-card a[href$="/otra-energia"]');
        await page.waitForURL(/\/otra-energia$/);
        await h.audit('another energy');
        expect(await page.textContent('h1')).to.contain('Contrata gas en Calle del Mar 7');
        expect(await page.textContent('#offer-gas')).to.contain('29,74 €');
        await h.submit('form[method="post"][action$="/otra-energia"] button[type="submit"]');
        expect(await page.textContent('.error-summary')).to.contain('Elige un producto').and.to.contain('Tienes que aceptar las condiciones');
        await page.check('#f-product');
        await page.check('#f-conditions');
        await h.submit('form[method="post"][action$="/otra-energia"] button[type="submit"]');
      } else {
        await h.visit('/nuevos-productos');
        await page.click('a[href$="/nuevo-suministro"]');
        await page.waitForURL(/\/nuevo-suministro$/);
        await h.audit('new supply');
        await page.fill('#f-street', 'Calle de la Paz');
        await page.fill('#f-number', '3');
        await page.fill('#f-postalCode', '28001');
        await page.fill('#f-municipality', 'València');
        await page.selectOption('#f-province', 'Valencia');
        await page.check('#f-energy-gas');
        await page.check('#f-product-tarifa-gas-rl1');
        await page.check('#f-payment-iban');
        await page.fill('#f-iban', 'ES91 2100 0418 4502 0005 1332');
        await page.fill('#f-holder', 'María García López');
        await page.check('#f-conditions');
        await h.submit('form[method="post"][action$="/nuevo-suministro"] button[type="submit"]');
        expect(await page.textContent('#f-postalCode-error')).to.contain('es de la provincia de Madrid');
        expect(await page.inputValue('#f-street')).to.equal('Calle de la Paz');
        await page.fill('#f-postalCode', '46003');
        await page.check('#f-conditions');
        await h.submit('form[method="post"][action$="/nuevo-suministro"] button[type="submit"]');
      }
      const requestPath = new URL(page.url()).pathname;
      expect(requestPath).to.match(/^\/gestiones\/\d+$/);
      expect(await page.textContent('main')).to.match(/Contratar otra energía|Alta de un suministro nuevo/);
      await complete(h, requestPath, supplyCups);
      await h.visit(requestPath);
      expect(await page.textContent('main')).to.contain('ya está dado de alta');
      await h.visit('/suministros');
      expect(await page.textContent('main')).to.contain(supplyCups);
    },
  },
];
