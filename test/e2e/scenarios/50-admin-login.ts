import type { Scenario } from '../harness';
import { adminLogin, adminLogout, DEMO_STAFF } from '../admin-login';

export const scenarios: Scenario[] = [
  {
    name: 'admin: a supervisor enrols the second factor (or logs in with it), sees the dashboard and logs out',
    async run(h) {
      const { page, expect } = h;
      // a customer's session does not open the admin section
      await page.goto('/admin');
      expect(new URL(page.url()).pathname).to.equal('/admin/acceso');
      await adminLogin(h, DEMO_STAFF.admin);
      await h.audit('admin home');
      const main = (await page.textContent('main')) ?? '';
      expect(main).to.contain('Documentación por revisar');
      expect(main).to.contain('Gestiones abiertas');
      expect(main).to.contain('Correos con error');
      expect(await page.locator('nav a[href="/admin/personal"]').count()).to.equal(1);
      await page.click('nav a[href="/admin/personal"]');
      await page.waitForURL('**/admin/personal');
      await page.waitForLoadState('load');
      await h.audit('staff list');
      expect(await page.textContent('main')).to.contain('agente');
      await adminLogout(h);
      expect(await page.textContent('main')).to.contain('Has cerrado la sesión de administración');
      await page.goto('/admin');
      expect(new URL(page.url()).pathname).to.equal('/admin/acceso');
    },
  },
];
