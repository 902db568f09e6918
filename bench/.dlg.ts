import { chromium } from 'playwright-core';
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page = await (await browser.newContext({ viewport: { width: 320, height: 640 }, baseURL: 'http://127.0.0.1:3302' })).newPage();
  await page.goto('/');
  await page.fill('#f-loginId', '12345678Z'); await page.fill('#f-password', 'Cliente-Demo-2026');
  await page.click('form[action="/acceso"] button[type="submit"]'); await page.waitForURL('**/suministros');
  await page.goto('/contratos/1/reclamacion');
  await page.evaluate("document.getElementById('session-warning').show(); document.querySelector('[data-session-keepalive]').focus()");
  await page.screenshot({ path: '/tmp/dialog-320.png' });
  await browser.close();
})();
