/**
 * Gestiones on the supply point, in the browser with JavaScript on and off, against the demo
 * data. Both runs share one database, so each scenario reads what the page shows first: the
 * reading is built on the last reading shown on the form, and the new power is a standard
 * step different from the current one. The power change is finished by the next file's
 * scenario (the distributor accepts it), so each pass starts with no open power change.
 */
import type { Harness, Scenario } from '../harness';
import { login } from '../login';

/** From the supplies list (the row of that address and energy) to one of the contract's gestiones. */
async function openGestion(h: Harness, address: string, energy: 'Luz' | 'Gas', gestion: string): Promise<void> {
  await h.page.click(`tr:has(td:text-is("${energy}")) a:has-text("${address}")`);
  await h.page.waitForLoadState('load');
  await h.audit('contract');
  await h.page.click(`#h-gestiones ~ ul a:has-text("${gestion}")`);
  await h.page.waitForLoadState('load');
  await h.audit(gestion);
}

/** "12.345 kWh" → 12345 */
function register(text: string | null): number {
  const digits = (text ?? '').replace(/[^\d]/g, '');
  if (!digits) throw new Error(`no reading in "${text}"`);
  return Number(digits);
}

export const scenarios: Scenario[] = [
  {
    name: 'readings: household submits a meter reading, confirms it is right, and follows it in Mis gestiones',
    async run(h) {
      const { page, expect } = h;
      await login(h, '12345678Z', 'Cliente-Demo-2026');
      await openGestion(h, 'Calle de Cirilo Amorós 24', 'Luz', 'Aportar lectura');
      expect(await page.textContent('h1')).to.equal('Aportar lectura');
      const last = {
        p1: register(await page.textContent('#last-reading-p1')),
        p2: register(await page.textContent('#last-reading-p2')),
        p3: register(await page.textContent('#last-reading-p3')),
      };
      const lastDate = (await page.textContent('#last-reading-date'))!.trim();
      expect(lastDate).to.match(/^\d{2}\/\d{2}\/\d{4}$/);
      // the date is today's by default
      expect(await page.inputValue('#f-date')).to.match(/^\d{4}-\d{2}-\d{2}$/);

      // below the last reading: refused by the field, what was typed is kept
      await page.fill('#f-p1', String(last.p1 - 1));
      await page.fill('#f-p2', String(last.p2 + 1));
      await page.fill('#f-p3', String(last.p3 + 1));
      await h.submit('form[action$="/lectura"] button[type="submit"]');
      expect(await page.textContent('#f-p1-error')).to.contain(`La lectura no puede ser inferior a la última`);
      expect(await page.textContent('#f-p1-error')).to.contain(lastDate);
      expect(await page.textContent('.error-summary')).to.contain('La lectura no puede ser inferior a la última');
      expect(await page.inputValue('#f-p1')).to.equal(String(last.p1 - 1));
      expect(await page.inputValue('#f-p2')).to.equal(String(last.p2 + 1));

      // a digit too many in P1: far above the usual consumption, so it asks first
      const p1 = last.p1 + 20_000;
      await page.fill('#f-p1', String(p1));
      await h.submit('form[action$="/lectura"] button[type="submit"]');
      expect(await page.textContent('#confirm-warning')).to.contain('Comprueba la lectura');
      expect(await page.textContent('#confirm-warning')).to.match(/habrías consumido [\d.]+ kWh desde la última lectura/);
      expect(await page.inputValue('#f-p1')).to.equal(String(p1));
      await page.check('#f-confirm');
      await h.submit('form[action$="/lectura"] button[type="submit"]');

      expect(new URL(page.url()).pathname).to.match(/^\/gestiones\/\d+$/);
      const main = (await page.textContent('main'))!;
      expect(main).to.match(/Hemos registrado tu lectura del \d{2}\/\d{2}\/\d{4} con la referencia G-\d{4}-\d{6}/);
      expect(main).to.contain('Completada');
      expect(main).to.contain('Nos confirmaste que es correcta aunque supera tu consumo habitual');
      const reference = /G-\d{4}-\d{6}/.exec((await page.textContent('h1'))!)![0];

      // followed in "Mis gestiones"
      await page.click('nav.main-nav a:has-text("Mis gestiones")');
      await page.waitForLoadState('load');
      await h.audit('mis gestiones');
      const row = page.locator('tbody tr', { hasText: reference });
      expect(await row.textContent()).to.contain('Aportar lectura').and.to.contain('Completada');
      await row.locator(`a:has-text("${reference}")`).click();
      await page.waitForLoadState('load');
      await h.audit('detail');
      expect(await page.textContent('h1')).to.contain(reference);

      // the form now starts from this reading
      await h.visit('/suministros');
      await openGestion(h, 'Calle de Cirilo Amorós 24', 'Luz', 'Aportar lectura');
      expect(register(await page.textContent('#last-reading-p1'))).to.equal(p1);
      expect(await page.textContent('#last-reading')).to.contain('Aportada por el cliente');
    },
  },
  {
    name: 'readings: household asks for a power change on the Dénia supply, seeing the monthly difference first',
    async run(h) {
      const { page, expect } = h;
      await login(h, '12345678Z', 'Cliente-Demo-2026');
      await openGestion(h, 'Calle del Mar 7', 'Luz', 'Modificar potencia');
      expect(await page.textContent('h1')).to.equal('Modificar potencia');
      const current = (await page.textContent('#current-p1'))!.replace(/\s*kW\s*$/, '').trim();
      const currentP2 = (await page.textContent('#current-p2'))!.replace(/\s*kW\s*$/, '').trim();
      // a standard step different from what the page shows
      const [value, label] = current === '4,6' ? ['5.75', '5,75'] : ['4.6', '4,6'];

      if (h.javaScript) {
        // htmx updates the estimate as soon as a power is chosen
        await page.selectOption('#f-p1', value);
        await page.locator('#estimate-change', { hasText: `a P1 ${label} kW y P2 ${currentP2} kW` }).waitFor();
        await page.selectOption('#f-p2', value);
        await page.locator('#estimate-change', { hasText: `a P1 ${label} kW y P2 ${label} kW` }).waitFor();
        await h.audit('estimate (htmx)');
      } else {
        await page.selectOption('#f-p1', value);
        await page.selectOption('#f-p2', value);
        await h.submit('#power-calc button[type="submit"]');
        expect(new URL(page.url()).search).to.equal(`?p1=${value}&p2=${value}`);
      }
      expect(await page.textContent('#estimate-change')).to.equal(`De P1 ${current} kW y P2 ${currentP2} kW a P1 ${label} kW y P2 ${label} kW.`);
      expect(await page.textContent('#estimate-amount')).to.match(/^Tu factura (subiría|bajaría) unos \d+,\d{2}\s€ al mes\.$/);

      const pending = await page.locator('#pending-change').count();
      await h.submit('form[method="post"][action$="/potencia"] button[type="submit"]');
      if (pending) {
        // one open power change per contract (run alone, the first pass left one open): refused with a link to it
        expect(await page.textContent('h1')).to.equal('Ya tienes esta gestión en curso');
        expect(await page.locator('#duplicate-request a').getAttribute('href')).to.match(/^\/gestiones\/\d+$/);
        return;
      }
      expect(new URL(page.url()).pathname).to.match(/^\/gestiones\/\d+$/);
      const main = (await page.textContent('main'))!;
      expect(main).to.match(/Hemos recibido tu solicitud de cambio de potencia con la referencia G-\d{4}-\d{6}/);
      expect(main).to.contain('Recibida');
      expect(main).to.contain(`P1 de ${current} kW a ${label} kW y P2 de ${currentP2} kW a ${label} kW`);
      const reference = /G-\d{4}-\d{6}/.exec((await page.textContent('h1'))!)![0];

      await h.visit('/gestiones?tipo=power_change');
      const row = page.locator('tbody tr', { hasText: reference });
      expect(await row.textContent()).to.contain('Modificar potencia').and.to.contain('Calle del Mar 7').and.to.contain('Recibida');
    },
  },
];
