import type { Scenario } from '../harness';
import { login } from '../login';

// The e2e app runs with SESSION_IDLE_MINUTES=1 (see run.ts): waiting out that minute is the
// only honest way to let the server, with its real clock, end the session.
const IDLE_WAIT_MS = 62_000;

export const scenarios: Scenario[] = [
  {
    name: 'accounts: an idle session expires, the page explains it, and logging in again returns to the same page',
    background: true,
    async run(h) {
      const { page, expect } = h;
      await login(h, '12345678Z', 'Cliente-Demo-2026');
      await page.click('a:has-text("Calle del Mar 7")');
      // with htmx the navigation is a boosted swap: wait for the URL, not for a load event
      await page.waitForURL(/\/contratos\/\d+$/);
      const contractPath = new URL(page.url()).pathname;
      expect(contractPath).to.match(/^\/contratos\/\d+$/);

      await page.waitForTimeout(IDLE_WAIT_MS);
      await page.click('nav.tabs a:has-text("Facturas")');
      await page.waitForURL('**/sesion-caducada**');
      await page.waitForLoadState('load');
      await h.audit('session expired');
      expect(await page.textContent('.notice-warning')).to.contain('Tu sesión ha caducado');
      expect(await page.textContent('main')).to.contain('Tras un tiempo de inactividad tu sesión de usuario ha caducado');

      // back where the user was going, not to the start page
      await login(h, '12345678Z', 'Cliente-Demo-2026', { visit: false, landsOn: `${contractPath}/facturas` });
    },
  },
];
