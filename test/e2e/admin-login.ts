/**
 * Logs a staff member into the admin section through the browser, with JavaScript on or off.
 * A member who is not enrolled yet enrols on the way: the secret is read from the page (as a
 * person would type it into an app) and remembered for the rest of the run, because the demo
 * staff enrol once and the other scenarios (and the JavaScript-off pass) log in again later.
 */
import { generate } from 'otplib';
import type { Harness } from './harness';

export const DEMO_STAFF = {
  admin: { staffId: 'admin', password: 'Admin-Demo-2026' },
  agente: { staffId: 'agente', password: 'Agente-Demo-2026' },
} as const;

const secrets = new Map<string, string>();
const lastStep = new Map<string, number>();
const recoveryCodes = new Map<string, string[]>();

/** Codes of one time step are accepted once: wait for the next step when this one was used. */
async function freshCode(staffId: string, secret: string): Promise<string> {
  let step = Math.floor(Date.now() / 30_000);
  const used = lastStep.get(staffId);
  if (used !== undefined && step <= used) {
    await new Promise((r) => setTimeout(r, (used + 1) * 30_000 - Date.now() + 500));
    step = Math.floor(Date.now() / 30_000);
  }
  lastStep.set(staffId, step);
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) });
}

export function recoveryCodesOf(staffId: string): string[] {
  return recoveryCodes.get(staffId) ?? [];
}

/** Ends on the admin home page (/admin). */
export async function adminLogin(h: Harness, who: { staffId: string; password: string } = DEMO_STAFF.admin): Promise<void> {
  const { page, expect } = h;
  await h.visit('/admin/acceso');
  await page.fill('#f-staffId', who.staffId);
  await page.fill('#f-password', who.password);
  await h.submit('form[action="/admin/acceso"] button[type="submit"]');
  const path = new URL(page.url()).pathname;
  if (path === '/admin/alta-2fa') {
    const secret = (await page.textContent('#totp-secret'))!.replace(/\s+/g, '');
    expect(secret).to.match(/^[A-Z2-7]+$/);
    secrets.set(who.staffId, secret);
    await page.fill('#f-code', await freshCode(who.staffId, secret));
    await h.submit('form[action="/admin/alta-2fa"] button[type="submit"]');
    const codes = await page.locator('#recovery-codes code').allTextContents();
    expect(codes).to.have.length(10);
    recoveryCodes.set(who.staffId, codes);
    await h.submit('form[action="/admin"] button[type="submit"]');
  } else {
    expect(path, 'after the password').to.equal('/admin/acceso/codigo');
    const secret = secrets.get(who.staffId);
    if (!secret) throw new Error(`${who.staffId} is enrolled but this run never saw its secret (was it enrolled by an earlier run on the same database?)`);
    await page.fill('#f-code', await freshCode(who.staffId, secret));
    await h.submit('form[action="/admin/acceso/codigo"] button[type="submit"]');
  }
  expect(new URL(page.url()).pathname).to.equal('/admin');
}

/** Logs out through the header's button; ends on the login page. */
export async function adminLogout(h: Harness): Promise<void> {
  await h.submit('form[action="/admin/salir"] button[type="submit"]');
  h.expect(new URL(h.page.url()).pathname).to.equal('/admin/acceso');
}
