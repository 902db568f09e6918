import fs from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface Harness {
  baseUrl: string;
  javaScript: boolean;
  page: Page;
  /** Runs axe-core on what the page shows now; any violation fails the scenario. */
  audit(label?: string): Promise<void>;
  /** Navigates and audits. */
  visit(path: string): Promise<void>;
  /** Submits the form a button belongs to, waits for the next page and audits it. */
  submit(buttonSelector: string): Promise<void>;
  newContext(): Promise<{ context: BrowserContext; page: Page }>;
  expect: typeof expect;
}

export interface Scenario {
  name: string;
  run(h: Harness): Promise<void>;
  /**
   * The scenario spends most of its time waiting out the server's real clock (an idle session
   * limit): it runs in its own browser context beside the others instead of holding them up.
   */
  background?: boolean;
}

export interface AxeReport {
  pages: number;
  violations: string[];
  /** Pages measured at PHONE_WIDTH, and those that scrolled sideways there (issue 13). */
  widths?: { pages: number; overflowing: string[] };
}

/**
 * Waits until a browser-side expression is true. `page.waitForFunction` with a string runs
 * it through eval, which the portal's CSP forbids; `page.evaluate` does not.
 */
export async function until(page: Page, expression: string, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(expression).catch(() => false)) return true;
    if (Date.now() > deadline) return false;
    await page.waitForTimeout(100);
  }
}

/** The narrowest phone the portal is designed for (WCAG 1.4.10 reflow). */
export const PHONE_WIDTH = 320;

/**
 * Audits in a separate JavaScript-enabled page fed with the HTML the user sees, so pages
 * visited with JavaScript disabled are checked exactly as rendered, with their stylesheet.
 */
export async function createHarness(browser: Browser, baseUrl: string, javaScript: boolean, report: AxeReport): Promise<{ h: Harness; close(): Promise<void> }> {
  const contexts: BrowserContext[] = [];
  const newContext = async () => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript, baseURL: baseUrl, locale: 'es-ES' });
    contexts.push(context);
    return { context, page: await context.newPage() };
  };
  const { page } = await newContext();
  const auditContext = await browser.newContext({ javaScriptEnabled: true, bypassCSP: true, baseURL: baseUrl });
  const auditPage = await auditContext.newPage();
  await auditPage.goto('/healthz');

  /** No page may scroll sideways on a phone: measured in the scenario's own page, JS on or off. */
  const measureWidth = async (label?: string) => {
    const size = page.viewportSize() ?? { width: 1280, height: 720 };
    await page.setViewportSize({ width: PHONE_WIDTH, height: size.height });
    const [scrollWidth, clientWidth] = (await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]')) as number[];
    await page.setViewportSize(size);
    const widths = (report.widths ??= { pages: 0, overflowing: [] });
    widths.pages++;
    if (scrollWidth! > clientWidth!) {
      const where = `${label ?? ''} ${new URL(page.url()).pathname}`.trim();
      widths.overflowing.push(`${where}: ${scrollWidth} px`);
      throw new Error(`${where} scrolls sideways at ${PHONE_WIDTH} px: ${scrollWidth} px wide`);
    }
  };

  const audit = async (label?: string) => {
    await measureWidth(label);
    const html = await page.content();
    await auditPage.setContent(html, { waitUntil: 'load' });
    await auditPage.addScriptTag({ content: axeSource });
    // A string, evaluated in the browser, where axe and document exist.
    const result = (await auditPage.evaluate(`(async () => {
      const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
      return r.violations.map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' → ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', '));
    })()`)) as string[];
    report.pages++;
    if (result.length) {
      const where = `${label ?? ''} ${new URL(page.url()).pathname}`.trim();
      report.violations.push(...result.map((v) => `${where}: ${v}`));
      throw new Error(`axe-core found ${result.length} violation(s) on ${where}:\n  ${result.join('\n  ')}`);
    }
  };

  /**
   * A form answered with errors puts focus on its error summary (autofocus, so also without
   * JavaScript) and says so in the title, whatever the form.
   */
  const checkErrorSummary = async () => {
    if ((await page.locator('main .error-summary').count()) === 0) return;
    const focused = await until(page, "document.activeElement !== null && document.activeElement.classList.contains('error-summary')", 3000);
    expect(focused, `the error summary of ${page.url()} has the focus`).to.equal(true);
    expect(await page.title(), 'the title says there is an error').to.match(/^Error: /);
  };

  const h: Harness = {
    baseUrl,
    javaScript,
    page,
    audit,
    async visit(path: string) {
      const res = await page.goto(path);
      if (!res) throw new Error(`No response for ${path}`);
      await audit();
    },
    async submit(buttonSelector: string) {
      await Promise.all([
        page.waitForLoadState('load'),
        javaScript ? page.waitForResponse((r) => r.request().method() !== 'GET' || r.request().isNavigationRequest()) : page.waitForNavigation(),
        page.click(buttonSelector),
      ]);
      await page.waitForLoadState('load');
      // a boosted POST answered with a redirect is still fetching the next page: wait for htmx
      if (javaScript) await until(page, "document.querySelector('.htmx-request') === null", 15_000);
      if (javaScript) await page.waitForTimeout(50);
      await checkErrorSummary();
      await audit();
    },
    newContext,
    expect,
  };
  return {
    h,
    async close() {
      for (const c of contexts) await c.close();
      await auditContext.close();
    },
  };
}
