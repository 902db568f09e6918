/**
 * Issue 7 (review queue): Panadería Ruiz's representative asks for a change of representative
 * with a PDF; the supervisor downloads it and approves; the representative, now a total
 * contact, sees the request completed in "Mis gestiones". The proposed representative is the
 * household demo user (already registered), who then hands the role back the same way, so the
 * demo accounts are as before for the next scenarios and the second (JavaScript off) run.
 */
import { adminLogin, DEMO_STAFF } from '../admin-login';
import type { Page } from 'playwright-core';
import type { Harness, Scenario } from '../harness';
import { loginOn } from '../login';

const REPRESENTATIVE = { login: '71234567W', password: 'Empresa-Demo-2026', name: 'Antonio Ruiz Martínez' };
const PROPOSED = { login: '12345678Z', password: 'Cliente-Demo-2026', name: 'María García López', email: 'maria.garcia@example.com' };
const COMPANY = 'Panadería Ruiz S.L.';

function tinyPdf(label: string): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n% ${label}\ntrailer<</Root 1 0 R>>\n%%EOF\n`, 'latin1');
}

/** Logs a customer in on `page` (the harness page, or a second browser's). */
async function customerLogin(h: Harness, page: Page, loginId: string, password: string): Promise<void> {
  await loginOn(page, loginId, password);
  if (page === h.page) await h.audit('supplies after login');
}

/** Files the change on the representative page and returns the request's reference. */
async function fileChange(h: Harness, page: Page, customerPath: string, choose: () => Promise<void>, label: string): Promise<string> {
  const { expect } = h;
  await page.goto(`${customerPath}/representante`);
  if (page === h.page) await h.audit('representative form');
  expect(await page.textContent('h1')).to.contain('representante');
  await choose();
  await page.selectOption('#f-documentType', 'poder_notarial');
  await page.setInputFiles('#f-documents', { name: `${label}.pdf`, mimeType: 'application/pdf', buffer: tinyPdf(`${label}-${Date.now()}`) });
  // an upload is a plain form post with JavaScript on and off
  await Promise.all([page.waitForURL(/\/gestiones\/\d+$/), page.click(`form[action="${customerPath}/representante"] button[type="submit"]`)]);
  if (page === h.page) await h.audit('request filed');
  const reference = /G-\d{4}-\d{6}/.exec((await page.textContent('main')) ?? '')?.[0];
  expect(reference, 'reference on the request page').to.be.a('string');
  return reference!;
}

/** The supervisor opens the request from the queue, downloads its document and approves. */
async function approve(h: Harness, reference: string, fileName: string, note: string): Promise<void> {
  const { page, expect } = h;
  await h.visit('/admin/revision');
  expect(await page.textContent('h1')).to.equal('Revisión de documentación');
  const row = page.locator('#review-queue tbody tr', { hasText: reference });
  expect(await row.textContent()).to.contain(COMPANY).and.to.contain('Cambio de representante');
  await h.visit((await row.locator('a').first().getAttribute('href'))!);
  expect(await page.textContent('h1')).to.contain(reference);
  const link = page.locator(`a[href^="/admin/documentos/"]:has-text("${fileName}")`);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).to.equal(fileName);
  await page.fill('#f-note', note);
  await h.submit('form[action$="/aprobar"] button[type="submit"]');
  expect(new URL(page.url()).pathname).to.equal('/admin/revision');
  expect(await page.textContent('main')).to.contain(`Solicitud ${reference} aprobada`);
}

export const scenarios: Scenario[] = [
  {
    name: 'admin: a supervisor approves a change of representative with its document; the customer sees it completed',
    async run(h) {
      const { page, expect } = h;
      const mode = h.javaScript ? 'js' : 'nojs';

      // The login throttle counts every attempt from this address, so each person logs in once:
      // the representative and the supervisor share this browser (the admin cookie is confined
      // to /admin), the proposed representative uses a second one. The supervisor goes first
      // because the customer session of the browser tests expires after one idle minute.
      await adminLogin(h, DEMO_STAFF.admin);

      // 1. the representative proposes a registered person; he stays as a total contact
      await customerLogin(h, page, REPRESENTATIVE.login, REPRESENTATIVE.password);
      const clientLink = page.locator(`a[href^="/clientes/"]:has-text("${COMPANY}")`).first();
      const customerPath = new URL((await clientLink.getAttribute('href'))!, h.baseUrl).pathname;
      const fileName = `poder-notarial-${mode}`;
      const reference = await fileChange(h, page, customerPath, async () => {
        await page.check('input[name="choice"][value="new"]');
        await page.fill('#f-nif', PROPOSED.login);
        await page.fill('#f-name', PROPOSED.name);
        await page.fill('#f-email', PROPOSED.email);
        await page.check('input[name="previous"][value="authorized_full"]');
      }, fileName);

      // 2. the supervisor reviews and approves
      await approve(h, reference, `${fileName}.pdf`, `Poder notarial revisado (${mode}).`);

      // 3. the customer: completed, with the note
      await h.visit('/gestiones');
      const row = page.locator('tbody tr', { hasText: reference });
      expect(await row.textContent()).to.contain('Completada');
      await h.visit((await row.locator('a').first().getAttribute('href'))!);
      expect(await page.textContent('main')).to.contain('Completada').and.to.contain(`Poder notarial revisado (${mode}).`);
      // a total contact no longer manages the representative
      const forbidden = await page.goto(`${customerPath}/representante`);
      expect(forbidden?.status()).to.equal(403);

      // 4. the new representative hands the role back (and leaves), approved the same way
      const other = (await h.newContext()).page;
      await customerLogin(h, other, PROPOSED.login, PROPOSED.password);
      const backName = `devolucion-${mode}`;
      const back = await fileChange(h, other, customerPath, async () => {
        await other.check(`label:has-text("${REPRESENTATIVE.login}")`);
        await other.check('input[name="previous"][value="revoke"]');
      }, backName);
      await approve(h, back, `${backName}.pdf`, 'Vuelve el representante anterior.');
      await h.visit(`${customerPath}/representante`);
      expect(await page.textContent('main')).to.contain(REPRESENTATIVE.name).and.to.contain(REPRESENTATIVE.login);
      expect(await page.locator(`form[action="${customerPath}/representante"]`).count()).to.equal(1);
    },
  },
];
