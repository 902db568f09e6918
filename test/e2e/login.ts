/**
 * The customer login through the browser's form, shared by the scenarios (the staff login is
 * in admin-login.ts). With JavaScript the form is boosted by htmx; `h.submit` waits either way.
 */
import type { Page } from 'playwright-core';
import type { Harness } from './harness';

export const LOGIN_BUTTON = 'form[action="/acceso"] button[type="submit"]';

export interface LoginOptions {
  /** Opens the home page's form first (the default); false when the page shown already has it. */
  visit?: boolean;
  /** The path the login must land on (default /suministros); null when the scenario checks it. */
  landsOn?: string | null;
}

/** Types the id and password into the login form of `page`, without sending it. */
export async function fillLogin(page: Page, loginId: string, password: string): Promise<void> {
  await page.fill('#f-loginId', loginId);
  await page.fill('#f-password', password);
}

/** Logs a customer in on the harness page (audited like every page it shows). */
export async function login(h: Harness, loginId: string, password: string, o: LoginOptions = {}): Promise<void> {
  if (o.visit !== false) await h.visit('/');
  await fillLogin(h.page, loginId, password);
  await h.submit(LOGIN_BUTTON);
  const landsOn = o.landsOn === undefined ? '/suministros' : o.landsOn;
  if (landsOn !== null) await h.page.waitForURL((url) => url.pathname === landsOn);
}

/** Logs a customer in on another browser's page (a second person in the same scenario). */
export async function loginOn(page: Page, loginId: string, password: string): Promise<void> {
  await page.goto('/');
  await fillLogin(page, loginId, password);
  await Promise.all([page.waitForURL('**/suministros'), page.click(LOGIN_BUTTON)]);
}
