/**
 * Issue 15, advantages and promotions: a supervisor publishes a promotion for Valencia
 * households in /admin; the demo household (supplied in Valencia) finds it under Ventajas and
 * the gestoría does not; withdrawn, it is gone. The validity covers any day the run happens on.
 */
import type { Scenario } from '../harness';
import { adminLogin, adminLogout } from '../admin-login';
import { login } from '../login';

export const scenarios: Scenario[] = [
  {
    name: 'promotions: a supervisor publishes one for Valencia households; the household sees it, not the gestoría',
    async run(h) {
      const { page, expect } = h;
      const title = `Revisión de caldera al 50 % ${h.javaScript ? 'JS' : 'sin JS'} ${Date.now()}`;
      await adminLogin(h);
      await h.visit('/admin/promociones/nueva');
      await h.audit('new promotion');
      // sent empty first: the errors are by the fields
      await h.submit('form[action="/admin/promociones"] button[type="submit"]');
      expect(await page.locator('#f-titleEs-error').count(), 'error by the Spanish title').to.equal(1);
      await page.fill('#f-titleEs', title);
      await page.fill('#f-titleCa', `Revisió de caldera al 50 % ${Date.now()}`);
      await page.fill('#f-bodyEs', 'La primera revisión de tu caldera a mitad de precio.');
      await page.fill('#f-bodyCa', 'La primera revisió de la teva caldera a meitat de preu.');
      await page.fill('#f-validFrom', '2000-01-01');
      await page.fill('#f-validTo', '2099-12-31');
      await page.check('input[name="kinds"][value="household"]');
      await page.selectOption('#f-province', 'Valencia');
      await h.submit('form[action="/admin/promociones"] button[type="submit"]');
      expect(new URL(page.url()).pathname).to.equal('/admin/promociones');
      expect(await page.textContent('main')).to.contain(title);
      await adminLogout(h);

      await login(h, '12345678Z', 'Cliente-Demo-2026');
      await h.visit('/ventajas');
      expect(await page.textContent('main'), 'the Valencia household').to.contain(title);

      await page.context().clearCookies();
      await login(h, '45678123P', 'Gestoria-Demo-2026');
      await h.visit('/ventajas');
      expect(await page.textContent('main'), 'the gestoría').not.to.contain(title);

      // withdrawn by the supervisor: gone for the household too
      await page.context().clearCookies();
      await adminLogin(h);
      await h.visit('/admin/promociones');
      await h.submit(`tr:has(th:has-text("${title}")) form[action$="/estado"] button[type="submit"]`);
      await adminLogout(h);
      await login(h, '12345678Z', 'Cliente-Demo-2026');
      await h.visit('/ventajas');
      expect(await page.textContent('main')).not.to.contain(title);
    },
  },
];
