/**
 * Issue 15 item 3 in the browser (JavaScript on and off): the demo household contracts a
 * maintenance service on its Dénia electricity supply (confirm step, conditions required) and
 * sees it on the contract page; the fee line on an invoice is shown by its Valencia gas supply,
 * whose boiler maintenance the demo contracted three months back, so the invoices the demo's
 * billing run issued since carry it. (The app runs on the real clock and the current month
 * cannot be billed yet; the HTTP test bills the month of a service contracted through the form.)
 */
import type { Harness, Scenario } from '../harness';

async function login(h: Harness): Promise<void> {
  await h.visit('/');
  await h.page.fill('#f-loginId', '12345678Z');
  await h.page.fill('#f-password', 'Cliente-Demo-2026');
  await h.submit('form[action="/acceso"] button[type="submit"]');
  h.expect(new URL(h.page.url()).pathname).to.equal('/suministros');
}

async function openSupply(h: Harness, energy: 'Luz' | 'Gas', street: string): Promise<string> {
  await h.visit('/suministros');
  await h.page.click(`tr:has(td:text-is("${energy}")) a:has-text("${street}")`);
  await h.page.waitForLoadState('load');
  await h.audit('contract');
  return new URL(h.page.url()).pathname;
}

export const scenarios: Scenario[] = [
  {
    name: 'maintenance services: household contracts a service and sees the fee line on the invoice',
    async run(h) {
      const { page, expect } = h;
      await login(h);
      const contractPath = await openSupply(h, 'Luz', 'Calle del Mar 7');
      await page.click('#contract-services a[href$="/servicios"]');
      await page.waitForLoadState('load');
      await h.audit('services');
      // one service per pass, so the second pass has one left to contract
      const [code, name] = h.javaScript
        ? ['electric_urgent', 'Urgencias eléctricas 24 h'] : ['electric_check', 'Revisión de instalación eléctrica'];
      if ((await page.locator(`#contract-${code}`).count()) > 0) {
        await page.click(`#contract-${code}`);
        await page.waitForLoadState('load');
        await h.audit('confirm');
        expect(await page.textContent('#service-summary')).to.contain(name).and.to.contain('al mes + IVA');
        // the conditions must be accepted
        await h.submit('form[action$="/contratar"] button[type="submit"]');
        expect(await page.textContent('.error-summary')).to.contain('Para contratar el servicio tienes que aceptar sus condiciones');
        await page.check('#f-conditions');
        await h.submit('form[action$="/contratar"] button[type="submit"]');
        expect(new URL(page.url()).pathname).to.equal(`${contractPath}/servicios`);
        expect(await page.textContent('main')).to.contain(`Has contratado «${name}»`);
      }
      expect(await page.textContent('#contracted-services')).to.contain(name);
      await h.visit(contractPath);
      expect(await page.textContent('#contract-services')).to.contain(name);

      // the fee on the invoices: the gas supply at home, with the demo's boiler maintenance
      await openSupply(h, 'Gas', 'Calle de Cirilo Amorós 24');
      expect(await page.textContent('#contract-services')).to.contain('Mantenimiento de caldera de gas');
      await page.click('section[aria-labelledby="h-latest"] a[href^="/facturas/"]');
      await page.waitForLoadState('load');
      await h.audit('invoice');
      const main = (await page.textContent('main'))!;
      expect(main).to.contain('Servicio de mantenimiento').and.to.contain('Mantenimiento de caldera de gas: 9,90 €/mes');
    },
  },
];
