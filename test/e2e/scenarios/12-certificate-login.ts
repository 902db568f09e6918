import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Harness, Scenario } from '../harness';

// Chromium reads AutoSelectCertificateForUrls only from the machine's managed policies.
const POLICY_DIR = '/etc/chromium/policies/managed';

/**
 * A Chromium whose NSS database (in its own HOME) holds the demo DNIe-like certificate, with a
 * policy that picks it without the selection dialog, as a DNIe user's browser would after the
 * PIN. Returns null when this machine cannot take the policy (not root, no NSS tools).
 */
async function browserWithCertificate(h: Harness, p12: string, ca: string, origin: string) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cert-login-e2e-home-'));
  const db = `sql:${path.join(home, '.pki/nssdb')}`;
  const policyFile = path.join(POLICY_DIR, `area-clientes-e2e-${process.pid}.json`);
  try {
    fs.mkdirSync(path.join(home, '.pki/nssdb'), { recursive: true });
    execFileSync('certutil', ['-d', db, '-N', '--empty-password'], { stdio: 'ignore' });
    execFileSync('pk12util', ['-d', db, '-i', p12, '-W', 'demo'], { stdio: 'ignore' });
    execFileSync('certutil', ['-d', db, '-A', '-n', 'area-clientes-dev-ca', '-t', 'C,,', '-i', ca], { stdio: 'ignore' });
    fs.mkdirSync(POLICY_DIR, { recursive: true });
    fs.writeFileSync(policyFile, JSON.stringify({ AutoSelectCertificateForUrls: [JSON.stringify({ pattern: origin, filter: {} })] }));
  } catch (err) {
    console.log(`    (certificate login in the browser skipped: ${(err as Error).message.split('\n')[0]})`);
    return null;
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, env: { ...process.env, HOME: home },
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
  const context = await browser.newContext({ javaScriptEnabled: h.javaScript, locale: 'es-ES' });
  return {
    page: await context.newPage(),
    async close() {
      await browser.close();
      fs.rmSync(policyFile, { force: true });
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

export const scenarios: Scenario[] = [
  {
    name: 'certificate login: DNIe-like certificate from the browser\'s NSS database lands logged in',
    async run(h) {
      const { expect } = h;
      const dir = path.join(process.env.E2E_DATA_DIR ?? '', 'cert-login');
      const port = process.env.E2E_CERT_LOGIN_PORT;
      await h.visit('/');
      await h.page.click('#cert-login-link');
      await h.page.waitForURL('**/acceso/certificado');
      await h.audit('certificate help');
      const entry = await h.page.getAttribute('#cert-login-start', 'href');
      expect(entry).to.equal('/acceso/certificado/iniciar');

      const b = await browserWithCertificate(h, path.join(dir, '12345678Z-dnie.p12'), path.join(dir, 'ca.pem'), `https://localhost:${port}`);
      if (!b) return;
      try {
        await b.page.goto(h.baseUrl.replace('127.0.0.1', 'localhost') + '/acceso/certificado');
        await b.page.click('#cert-login-start');
        await b.page.waitForURL('**/suministros');
        expect(await b.page.textContent('main')).to.contain('María');
        // the audit page reads the harness page: show it what the certificate browser shows
        await h.page.setContent(await b.page.content());
        await h.audit('logged in by certificate');
      } finally {
        await b.close();
      }

      // a revoked certificate gets its page on the listener, which says which one and why
      const r = await browserWithCertificate(h, path.join(dir, '12345678Z-revocado.p12'), path.join(dir, 'ca.pem'), `https://localhost:${port}`);
      if (!r) return;
      try {
        await r.page.goto(h.baseUrl.replace('127.0.0.1', 'localhost') + '/acceso/certificado');
        await r.page.click('#cert-login-start');
        await r.page.waitForSelector('#cert-refused-reason');
        expect(await r.page.getAttribute('#cert-refused-reason', 'data-reason')).to.equal('revoked');
        expect(await r.page.textContent('main')).to.contain('GARCÍA LÓPEZ, MARÍA');
        await h.page.setContent(await r.page.content());
        await h.audit('revoked certificate');
      } finally {
        await r.close();
      }
    },
  },
];
