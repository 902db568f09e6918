/**
 * Issue 7 (seed 000: "ponte en contacto con nosotros"): a customer locks their user with five
 * wrong passwords, calls support, an agent finds them in /admin and unlocks them with a
 * reason, and the customer logs in. Runs with JavaScript on and then off against the same
 * app and data, so it must work twice: the user is unlocked at the end of each run.
 *
 * The user is the gestoría's read-only collaborator (X1234567L), whom no other scenario uses.
 */
import type { Page } from 'playwright-core';
import type { Harness, Scenario } from '../harness';
import { adminLogin, DEMO_STAFF } from '../admin-login';
import { fillLogin, LOGIN_BUTTON } from '../login';

const COLLABORATOR = { login: 'X1234567L', password: 'Colabora-Demo-2026', name: 'Jordi Puig Ferrer' };
const GESTORIA = 'Gestoría Fincas Levante S.L.';

async function customerLogin(h: Harness, page: Page, password: string): Promise<void> {
  await page.goto('/acceso');
  await fillLogin(page, COLLABORATOR.login, password);
  // with JavaScript the boosted form is posted by htmx: wait for its answer, not for a navigation
  await Promise.all([
    h.javaScript ? page.waitForResponse((r) => r.request().method() === 'POST' || r.request().isNavigationRequest()) : page.waitForNavigation(),
    page.click(LOGIN_BUTTON),
  ]);
  await page.waitForLoadState('load');
  if (h.javaScript) await page.waitForTimeout(100);
}

export const scenarios: Scenario[] = [
  {
    name: 'admin: an agent unlocks a customer locked by wrong passwords, who then logs in',
    async run(h) {
      const { page, expect } = h;
      const mode = h.javaScript ? 'js' : 'nojs';

      // 1. the collaborator gets the password wrong five times, in their own browser
      const customer = (await h.newContext()).page;
      for (let i = 1; i <= 5; i++) {
        await customerLogin(h, customer, `Equivocada-${mode}-${i}-2026`);
        expect(new URL(customer.url()).pathname, `attempt ${i} stays on the login page`).to.equal('/acceso');
      }
      expect(await customer.textContent('main')).to.contain('es posible que tu usuario esté bloqueado');

      // 2. the agent finds them by NIF
      await adminLogin(h, DEMO_STAFF.agente);
      await h.visit('/admin/clientes');
      await page.fill('#q', COLLABORATOR.login);
      if (h.javaScript) {
        await Promise.all([page.waitForURL(/[?&]q=X1234567L/), page.click('form[role="search"] button[type="submit"]')]);
        await page.locator(`#customer-results a:has-text("${GESTORIA}")`).waitFor();
        await h.audit('customer search (htmx)');
      } else {
        await h.submit('form[role="search"] button[type="submit"]');
      }
      expect(await page.textContent('#customer-results')).to.contain('Búsqueda por NIF, NIE, CIF o pasaporte');
      await Promise.all([page.waitForURL(/\/admin\/clientes\/\d+$/), page.click(`#customer-results a:has-text("${GESTORIA}")`)]);
      await page.waitForLoadState('load');
      await h.audit('customer page');
      const row = page.locator('#usuarios tr', { hasText: COLLABORATOR.login });
      expect(await row.textContent()).to.contain('Bloqueado');

      // 3. unlocks with a reason: first without one (the form says so), then with it
      await Promise.all([page.waitForURL(/\/desbloquear\?cliente=\d+$/), row.locator('a:has-text("Desbloquear")').click()]);
      await page.waitForLoadState('load');
      await h.audit('unlock form');
      expect(await page.textContent('h1')).to.contain('Desbloquear usuario');
      await page.fill('#f-reason', 'corto');
      await h.submit('main form button[type="submit"]');
      expect(await page.textContent('#f-reason-error')).to.contain('al menos 10 caracteres');
      expect(await page.inputValue('#f-reason')).to.equal('corto');
      await page.fill('#f-reason', `Llamada de ${COLLABORATOR.name}: usuario bloqueado tras varios intentos (${mode}).`);
      await h.submit('main form button[type="submit"]');
      expect(new URL(page.url()).pathname).to.match(/^\/admin\/clientes\/\d+$/);
      expect(await page.textContent('main .notice-success')).to.contain(`Usuario ${COLLABORATOR.login} desbloqueado`);
      expect(await page.locator('#usuarios tr', { hasText: COLLABORATOR.login }).textContent()).to.contain('Activo');
      expect(await page.textContent('main')).to.contain(`usuario bloqueado tras varios intentos (${mode})`);

      // 4. the customer logs in with the right password
      await customerLogin(h, customer, COLLABORATOR.password);
      // htmx follows the redirect after the POST's answer, then updates the address bar
      await customer.waitForURL(/\/suministros$/, { timeout: 10_000 });
      expect(await customer.textContent('main')).to.contain('Jordi');
    },
  },
];
