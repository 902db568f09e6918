/**
 * Issue 13: Back and Forward after filtering a list show whole pages (header, heading and the
 * filter form), never the bare htmx fragment, on the three filtered lists.
 */
import { until, type Harness, type Scenario } from '../harness';
import { login } from '../login';

/** Goes by a link as a person does (a boosted swap with JavaScript, a page load without). */
async function follow(h: Harness, selector: string, url: RegExp): Promise<void> {
  await h.page.click(selector);
  await h.page.waitForURL(url);
  await h.page.waitForLoadState('load');
  // a boosted navigation is a new page to a screen reader too: focus starts at its heading
  if (h.javaScript) {
    h.expect(await until(h.page, "document.activeElement !== null && document.activeElement.matches('main h1')"), `focus on the heading of ${h.page.url()}`).to.equal(true);
  }
}

/** Chooses a filter: with JavaScript the change alone filters; without, the button sends the form. */
async function filter(h: Harness, select: string, value: string, param: string): Promise<void> {
  await h.page.selectOption(select, value);
  if (!h.javaScript) await h.page.click('form.filter-form button[type="submit"]');
  await h.page.waitForURL(new RegExp(`[?&]${param}=`));
  await h.page.waitForLoadState('load');
}

async function expectWholePage(h: Harness, heading: string, where: string, inTitle = heading): Promise<void> {
  const { page, expect } = h;
  // htmx restores history with a request of its own: wait for the page it brings back
  await until(page, `(() => { const h1 = document.querySelector('main h1'); return h1 !== null && h1.textContent.includes(${JSON.stringify(heading)}); })()`, 30_000);
  expect(await page.locator('header.site-header nav.main-nav').count(), `${where}: header and navigation`).to.equal(1);
  expect(await page.textContent('main h1'), `${where}: heading`).to.contain(heading);
  expect(await page.title(), `${where}: title`).to.contain(inTitle);
}

async function backAndForward(h: Harness, o: { before: string; beforeTitle?: string; list: string; select: string; value: string; param: string }): Promise<void> {
  const { page, expect } = h;
  await filter(h, o.select, o.value, o.param);
  const filtered = page.url();
  // the result count is said in the one polite live region that stays on the page
  if (h.javaScript) expect(await until(page, "document.getElementById('live-region').textContent.trim().length > 0"), 'results announced').to.equal(true);
  await h.audit('filtered');

  await page.goBack();
  await page.waitForURL((u) => u.href !== filtered);
  // with JavaScript the filter replaced the list's URL, so Back leaves the list; without, it
  // returns to the list as it was before the form was sent
  if (h.javaScript) await expectWholePage(h, o.before, 'after Back', o.beforeTitle);
  else await expectWholePage(h, o.list, 'after Back');
  await h.audit('after Back');

  await page.goForward();
  await page.waitForURL(filtered);
  await expectWholePage(h, o.list, 'after Forward');
  expect(await page.locator(`main form ${o.select}`).count(), 'the filter form is there').to.equal(1);
  expect(await page.inputValue(o.select), 'the filter is kept').to.equal(o.value);
  await h.audit('after Forward');
}

export const scenarios: Scenario[] = [
  {
    name: 'issue 13 history: filter the invoices, Mis gestiones and the supplies overview, then Back and Forward show whole pages',
    async run(h) {
      const { page } = h;
      await login(h, '12345678Z', 'Cliente-Demo-2026');
      await follow(h, 'a:has-text("Calle del Mar 7")', /\/contratos\/\d+$/);
      const contractHeading = (await page.textContent('main h1'))!.trim();
      await follow(h, 'nav.tabs a:has-text("Facturas")', /\/facturas$/);
      const year = await page.getAttribute('#f-anio option:nth-child(2)', 'value');
      await backAndForward(h, { before: contractHeading, beforeTitle: 'Calle del Mar 7', list: 'Facturas', select: '#f-anio', value: year!, param: 'anio' });

      await follow(h, 'header a[href="/gestiones"]', /\/gestiones$/);
      await follow(h, 'header a[href="/suministros"]', /\/suministros$/);
      await follow(h, 'header a[href="/gestiones"]', /\/gestiones$/);
      await backAndForward(h, { before: 'Mis suministros', list: 'Mis gestiones', select: '#f-estado', value: 'completada', param: 'estado' });
    },
  },
  {
    name: 'issue 13 history: the gestoría filters its supplies overview, Back and Forward show whole pages',
    async run(h) {
      // the demo gestoría reads the portal in Catalan
      await login(h, '45678123P', 'Gestoria-Demo-2026');
      await follow(h, 'header a[href="/gestiones"]', /\/gestiones$/);
      const before = (await h.page.textContent('main h1'))!.trim();
      await follow(h, 'header a[href="/suministros"]', /\/suministros$/);
      const list = (await h.page.textContent('main h1'))!.trim();
      await backAndForward(h, { before, list, select: '#f-energia', value: 'gas', param: 'energia' });
    },
  },
];
