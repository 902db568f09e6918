/**
 * Issue 14, done-when in the browser (JavaScript on and off): the power change asked for by the
 * previous file's scenario is open, so a second one is refused with a link to it; the
 * administrator sends it to the distributor and records its acceptance from today; the
 * contract page shows the new powers "desde" today. Each pass leaves no open power change.
 */
import { adminLogin } from '../admin-login';
import type { Harness, Scenario } from '../harness';
import { todayInSpain } from '../../../src/domain/time';
import { formatter } from '../../../src/web/format';

async function login(h: Harness): Promise<void> {
  await h.visit('/');
  await h.page.fill('#f-loginId', '12345678Z');
  await h.page.fill('#f-password', 'Cliente-Demo-2026');
  await h.submit('form[action="/acceso"] button[type="submit"]');
  h.expect(new URL(h.page.url()).pathname).to.equal('/suministros');
}

async function openDenia(h: Harness): Promise<string> {
  await h.page.click('tr:has(td:text-is("Luz")) a:has-text("Calle del Mar 7")');
  await h.page.waitForLoadState('load');
  await h.audit('contract');
  return new URL(h.page.url()).pathname;
}

export const scenarios: Scenario[] = [
  {
    name: 'power effects: a second change is refused, the distributor accepts the open one, the contract shows it "desde" today',
    async run(h) {
      const { page, expect } = h;
      await login(h);
      const contractPath = await openDenia(h);
      await h.visit(`${contractPath}/potencia`);
      let pendingLink = await page.locator('#pending-change a').getAttribute('href').catch(() => null);
      const current = (await page.textContent('#current-p1'))!.replace(/\s*kW\s*$/, '').trim();
      const other = current === '6,928' ? '3.45' : '6.928';
      if (!pendingLink) {
        // run alone: ask for one first
        await page.selectOption('#f-p1', other);
        await page.selectOption('#f-p2', other);
        if (!h.javaScript) await h.submit('#power-calc button[type="submit"]');
        await h.submit('form[method="post"][action$="/potencia"] button[type="submit"]');
        pendingLink = new URL(page.url()).pathname;
        await h.visit(`${contractPath}/potencia`);
      }
      const requestId = /^\/gestiones\/(\d+)$/.exec(pendingLink!)![1]!;

      // a second change while one is open: refused, with a link to the open one
      await page.selectOption('#f-p1', current === '6,928' ? '9.2' : '6.928');
      await page.selectOption('#f-p2', current === '6,928' ? '9.2' : '6.928');
      if (!h.javaScript) await h.submit('#power-calc button[type="submit"]');
      await h.submit('form[method="post"][action$="/potencia"] button[type="submit"]');
      expect(await page.textContent('h1')).to.equal('Ya tienes esta gestión en curso');
      expect(await page.locator('#duplicate-request a').getAttribute('href')).to.equal(`/gestiones/${requestId}`);
      await h.visit(`/gestiones/${requestId}`);
      const asked = /Potencia que pides\s*P1 ([\d,]+) kW · P2 ([\d,]+) kW/.exec((await page.textContent('main'))!);
      expect(asked, 'the requested powers on the request').to.not.equal(null);
      const [p1, p2] = [asked![1]!, asked![2]!];
      expect(await page.textContent('#next-step')).to.contain('Enviaremos tu solicitud a la distribuidora');

      // the administrator: sent to the distributor, then accepted from today
      await adminLogin(h);
      await h.visit(`/admin/gestiones/${requestId}`);
      await h.submit(`form[action="/admin/gestiones/${requestId}/distribuidora/envio"] button[type="submit"]`);
      expect(await page.textContent('main')).to.contain('Enviada a la distribuidora. Registra su respuesta cuando llegue.');
      expect(await page.locator(`a[href="/admin/gestiones/${requestId}/distribuidora"]`).count()).to.equal(1);
      await h.visit(`/admin/gestiones/${requestId}/distribuidora`);
      // nothing chosen: the errors by the fields
      await h.submit('form[action$="/distribuidora"] button[type="submit"]');
      expect(await page.textContent('.error-summary')).to.contain('Elige si la distribuidora ha aceptado o rechazado el cambio');
      // the app under test runs on the real clock: its day in Spain is the effective day
      const today = todayInSpain(new Date());
      await page.check('input[name="answer"][value="accepted"]');
      await page.fill('#f-effectiveDate', today);
      await h.submit('form[action$="/distribuidora"] button[type="submit"]');
      expect(new URL(page.url()).pathname).to.equal(`/admin/gestiones/${requestId}`);
      expect(await page.textContent('main')).to.contain('Completada');

      // the customer: the request says from when, and the contract page shows the powers "desde" today
      const dmy = formatter('es').date(today);
      await h.visit(`/gestiones/${requestId}`);
      if (new URL(page.url()).pathname !== `/gestiones/${requestId}`) {
        await login(h);
        await h.visit(`/gestiones/${requestId}`);
      }
      expect(await page.textContent('#effective-date')).to.equal(`desde el ${dmy}`);
      await h.visit(contractPath);
      expect((await page.textContent('#contract-power'))!.replace(/\s+/g, ' ').trim()).to.equal(`P1 ${p1} kW · P2 ${p2} kW desde el ${dmy}`);
    },
  },
];
