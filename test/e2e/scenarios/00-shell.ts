import type { Scenario } from '../harness';

export const scenarios: Scenario[] = [
  {
    name: 'home page in Spanish, switch to Catalan and back',
    async run({ page, visit, submit, expect }) {
      await visit('/');
      expect(await page.getAttribute('html', 'lang')).to.equal('es');
      expect(await page.textContent('h1')).to.contain('Accede a tu Área Clientes');
      expect(await page.isVisible('input[name="loginId"]')).to.equal(true);
      await submit('.lang-switch button[value="ca"]');
      expect(await page.getAttribute('html', 'lang')).to.equal('ca');
      expect(await page.textContent('h1')).to.contain('Accedeix a la teva Àrea Clients');
      await submit('.lang-switch button[value="es"]');
      expect(await page.getAttribute('html', 'lang')).to.equal('es');
    },
  },
  {
    name: 'unknown page shows the friendly 404',
    async run({ page, visit, expect }) {
      await visit('/pagina-que-no-existe');
      expect(await page.textContent('h1')).to.contain('No encontramos esta página');
    },
  },
];
