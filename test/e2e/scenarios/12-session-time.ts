/**
 * Issue 13, session time (WCAG 2.2.1). The e2e app runs with SESSION_IDLE_MINUTES=1 (see
 * run.ts), so the server with its real clock ends sessions after a minute of inactivity.
 * Without JavaScript: a complaint typed past the limit survives the expiry and the new login.
 * With JavaScript: the warning appears before the limit and "Seguir conectado" extends it.
 */
import { until, type Harness, type Scenario } from '../harness';
import { login } from '../login';

const PASSED_THE_LIMIT_MS = 62_000;
const DESCRIPTION = 'El contador marca 40 kWh menos que la lectura estimada de la última factura.';

/** On the page shown (the home page, or the expired-session page), wherever the login leads. */
const loginHere = (h: Harness) => login(h, '12345678Z', 'Cliente-Demo-2026', { visit: false, landsOn: null });

async function openComplaintForm(h: Harness): Promise<string> {
  await h.visit('/');
  await loginHere(h);
  await h.page.click('a:has-text("Calle de Cirilo Amorós 24")');
  await h.page.waitForURL(/\/contratos\/\d+$/);
  await h.page.click('a[href$="/reclamacion"]');
  await h.page.waitForURL(/\/reclamacion$/);
  await h.page.waitForLoadState('load');
  await h.audit('complaint form');
  return new URL(h.page.url()).pathname;
}

export const scenarios: Scenario[] = [
  {
    name: 'issue 13 session: a complaint typed past the idle limit survives the expiry (JS off); the warning extends the session (JS on)',
    background: true,
    async run(h) {
      const { page, expect } = h;
      const formPath = await openComplaintForm(h);
      expect(await page.textContent('main')).to.contain('tu sesión se cierra tras 1 minuto sin actividad');

      if (!h.javaScript) {
        await page.check('#f-category');
        await page.fill('#f-description', DESCRIPTION);
        await page.waitForTimeout(PASSED_THE_LIMIT_MS);
        await h.submit('form[action$="/reclamacion"] button[type="submit"]');
        expect(new URL(page.url()).pathname).to.equal('/sesion-caducada');
        await loginHere(h);
        // back on the same form, with what was typed and a word about it
        expect(new URL(page.url()).pathname).to.equal(formPath);
        expect(await page.inputValue('#f-description')).to.equal(DESCRIPTION);
        expect(await page.isChecked('#f-category')).to.equal(true);
        expect(await page.textContent('main .notice-info')).to.contain('Hemos recuperado lo que escribiste');
        await h.submit('form[action$="/reclamacion"] button[type="submit"]');
        expect(new URL(page.url()).pathname).to.match(/^\/gestiones\/\d+$/);
        return;
      }

      // halfway through the one-minute limit the warning opens, focused on its button; it does not block the page
      const dialog = page.locator('dialog#session-warning');
      await dialog.waitFor({ state: 'visible', timeout: 45_000 });
      expect(await dialog.textContent()).to.contain('Tu sesión va a caducar');
      expect(await page.evaluate("document.activeElement && document.activeElement.textContent.trim()")).to.equal('Seguir conectado');
      await h.audit('session warning');
      await page.click('dialog#session-warning button[data-session-keepalive]');
      await dialog.waitFor({ state: 'hidden' });
      expect(await until(page, "document.getElementById('live-region').textContent.includes('Tu sesión sigue activa')"), 'announced').to.equal(true);

      // half a minute later it asks again; by then the first minute has passed, and the session lives on
      await dialog.waitFor({ state: 'visible', timeout: 45_000 });
      await page.click('dialog#session-warning button[data-session-keepalive]');
      await dialog.waitFor({ state: 'hidden' });
      await page.check('#f-category');
      await page.fill('#f-description', DESCRIPTION);
      await h.submit('form[action$="/reclamacion"] button[type="submit"]');
      expect(new URL(page.url()).pathname).to.match(/^\/gestiones\/\d+$/);
    },
  },
];
