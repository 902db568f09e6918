/**
 * Gestiones on the contract account, in the browser with JavaScript on and off, against the
 * demo data. Both runs share one database, so each scenario is repeatable: the payment day
 * alternates between 5 and 15, the correspondence address and the IBAN are set to the same
 * values every time (allowed: a new mandate is signed each time).
 */
import type { Harness, Scenario } from '../harness';
import { login } from '../login';

const TEST_IBAN = 'ES79 2100 0813 6101 2345 6789';
const MASKED_TEST_IBAN = 'ES79 **** **** **** **** 6789';

/** From the supplies list to a contract page, then to one of its gestiones. */
async function openGestion(h: Harness, address: string, gestion: string): Promise<string> {
  await h.page.click(`a:has-text("${address}")`);
  await h.page.waitForLoadState('load');
  await h.audit('contract');
  const contractPath = new URL(h.page.url()).pathname;
  await h.page.click(`#h-gestiones ~ ul a:has-text("${gestion}")`);
  await h.page.waitForLoadState('load');
  await h.audit(gestion);
  return contractPath;
}

export const scenarios: Scenario[] = [
  {
    name: 'account changes: business representative changes the payment day of Panadería Ruiz',
    async run(h) {
      const { page, expect } = h;
      await login(h, '71234567W', 'Empresa-Demo-2026');
      const contractPath = await openGestion(h, 'Calle de Sueca 51', 'Día de pago');
      expect(await page.textContent('h1')).to.equal('Día de pago');
      expect(await page.textContent('main')).to.contain('se aplica a las facturas que se emitan a partir de ahora');
      const current = (await page.textContent('#current-day'))!;
      const day = /el día 5 de cada mes/.test(current) ? 15 : 5;
      const currentDay = day === 5 ? 15 : 5;

      // the day already in force is refused with the error by the field, and nothing changes
      if (/el día (5|15) de cada mes/.test(current)) {
        await page.selectOption('#f-paymentDay', String(currentDay));
        await h.submit('form[action$="/dia-pago"] button[type="submit"]');
        expect(await page.textContent('#f-paymentDay-error')).to.contain(`Ya pagas el día ${currentDay}`);
        expect(await page.textContent('.error-summary')).to.contain(`Ya pagas el día ${currentDay}`);
      }

      await page.selectOption('#f-paymentDay', String(day));
      const option = (await page.textContent(`#f-paymentDay option[value="${day}"]`))!;
      expect(option).to.match(new RegExp(`^Día ${day} · vencería el \\d{2}/\\d{2}/\\d{4}$`));
      await h.submit('form[action$="/dia-pago"] button[type="submit"]');
      expect(new URL(page.url()).pathname).to.match(/^\/gestiones\/\d+$/);
      const main = (await page.textContent('main'))!;
      expect(main).to.contain(`pagarás las nuevas facturas el día ${day} de cada mes`);
      expect(main).to.contain('Completada');

      await h.visit(contractPath);
      expect(await page.textContent('main')).to.contain(`Día ${day} de cada mes`);
    },
  },
  {
    name: 'account changes: household sets a correspondence address and changes the IBAN of the Dénia supply',
    async run(h) {
      const { page, expect } = h;
      await login(h, '12345678Z', 'Cliente-Demo-2026');
      const contractPath = await openGestion(h, 'Calle del Mar 7', 'Dirección de correspondencia');
      expect(await page.textContent('h1')).to.equal('Dirección de correspondencia');

      // a postal code of another province is refused, what was typed is kept
      await page.fill('#f-street', 'Calle de Colón');
      await page.fill('#f-number', '12');
      await page.fill('#f-floorDoor', '2º 1ª');
      await page.fill('#f-postalCode', '28001');
      await page.fill('#f-municipality', 'València');
      await page.selectOption('#f-province', 'Valencia');
      await h.submit('form[action$="/correspondencia"] button[type="submit"]');
      expect(await page.textContent('#f-postalCode-error')).to.contain('El código postal 28001 es de la provincia de Madrid, no de Valencia');
      expect(await page.inputValue('#f-street')).to.equal('Calle de Colón');

      await page.fill('#f-postalCode', '46004');
      await h.submit('form[action$="/correspondencia"] button[type="submit"]');
      expect(new URL(page.url()).pathname).to.match(/^\/gestiones\/\d+$/);
      let main = (await page.textContent('main'))!;
      expect(main).to.contain('Hemos cambiado la dirección de correspondencia');
      expect(main).to.contain('Calle de Colón 12, 2º 1ª, 46004 València (Valencia)');

      // direct debit, through the confirmation step
      await h.visit(contractPath);
      await page.click('#h-gestiones ~ ul a:has-text("Domiciliación y cuenta bancaria")');
      await page.waitForLoadState('load');
      await h.audit('direct debit');
      expect(await page.textContent('main')).to.contain('ES11ZZZB12345674');
      await page.fill('#f-iban', TEST_IBAN);
      await page.fill('#f-holder', 'María García López');
      await page.check('#f-mandate');
      await h.submit('form[action$="/domiciliacion"] button[type="submit"]');
      expect(await page.textContent('h1')).to.equal('Confirma la domiciliación');
      expect(await page.textContent('main')).to.contain(MASKED_TEST_IBAN);
      await h.submit('button[value="confirm"]');
      expect(new URL(page.url()).pathname).to.match(/^\/gestiones\/\d+$/);
      main = (await page.textContent('main'))!;
      expect(main).to.contain(`Hemos domiciliado la cuenta contrato en ${MASKED_TEST_IBAN}`);
      expect(main).not.to.contain(TEST_IBAN);
      expect(main).not.to.contain(TEST_IBAN.replace(/ /g, ''));

      await h.visit(contractPath);
      expect(await page.textContent('main')).to.contain(`Domiciliación bancaria en ${MASKED_TEST_IBAN}`);
    },
  },
];
