/**
 * Issue 6 (seeds 001/002): the gestoría's representative searches the overview, acts for a
 * client, then authorises a read-only collaborator on the gestoría's own contacts page; the
 * collaborator registers from the invitation email and sees the gestoría's clients, but cannot
 * create a request for them. The demo representative's language is Catalan, so the checks use
 * selectors and the Catalan wording.
 */
import { nif } from '../../../src/demo/plan';
import type { Harness, Scenario } from '../harness';
import { login } from '../login';

const GESTORIA = { login: '45678123P', password: 'Gestoria-Demo-2026', name: 'Gestoría Fincas Levante S.L.', representative: 'Laura Sánchez Pérez' };
const CLIENT = 'Comunidad de Propietarios Calle Mayor 15';

/** The link to `path` in the newest message to `to` in the dev mailbox, as a local path. */
async function linkFromMailbox(h: Harness, to: string, path: string): Promise<string> {
  await h.visit(`/dev/buzon?para=${encodeURIComponent(to)}`);
  await h.visit((await h.page.getAttribute('tbody tr a', 'href'))!);
  h.expect(await h.page.textContent('h1')).to.equal(`${GESTORIA.representative} t'ha autoritzat a l'Àrea Clients`);
  const href = await h.page.getAttribute(`pre.mail-body a[href*="${path}?token="]`, 'href');
  // mails carry PUBLIC_URL; follow them on the address the browser uses
  const url = new URL(href!);
  return url.pathname + url.search;
}

export const scenarios: Scenario[] = [
  {
    name: 'gestoría: search the overview, act for a client, invite a read-only collaborator who then cannot create a request',
    async run(h) {
      const { page, expect } = h;
      const mode = h.javaScript ? 'js' : 'nojs';
      const collaborator = { nif: nif(h.javaScript ? 61234501 : 61234502), email: `colaborador.${mode}@fincaslevante.es`, firstName: 'Núria', lastName: `Ferrer Vidal ${mode}`, password: 'Barranco-Alameda-Tranvia-38' };

      // 1. the representative searches the overview (GET /suministros?q=) and opens a client
      await login(h, GESTORIA.login, GESTORIA.password);
      await page.fill('#q', 'Calle Mayor 15');
      if (h.javaScript) {
        // htmx swaps the results in place and pushes the URL
        await Promise.all([page.waitForURL(/[?&]q=Calle/), page.click('form[role="search"] button[type="submit"]')]);
        await page.waitForSelector(`#supply-results a:has-text("${CLIENT}")`);
        await h.audit('overview search (htmx)');
      } else {
        await h.submit('form[role="search"] button[type="submit"]');
        expect(new URL(page.url()).searchParams.get('q')).to.equal('Calle Mayor 15');
      }
      const clientLink = page.locator(`a[href^="/clientes/"]:has-text("${CLIENT}")`).first();
      const clientPath = (await clientLink.getAttribute('href'))!;
      await h.visit(clientPath);
      expect(await page.textContent('h1')).to.contain(CLIENT);
      expect(await page.textContent('#acting-for')).to.contain(CLIENT);
      // through a gestoría nobody manages the client's contacts
      expect(await page.locator(`a[href="${clientPath}/contactos"]`).count()).to.equal(0);
      const contractPath = (await page.getAttribute('a[href^="/contratos/"]', 'href'))!;

      // 2. the gestoría's own contacts page, from Ajustes
      await h.visit('/ajustes');
      const contactsLink = page.locator('a[href$="/contactos"]', { hasText: GESTORIA.name });
      expect(await contactsLink.count()).to.equal(1);
      await h.visit((await contactsLink.getAttribute('href'))!);
      expect(await page.textContent('h1')).to.equal('Contactes autoritzats');
      expect(await page.textContent('tbody')).to.contain(GESTORIA.representative).and.to.contain('Representant');

      // 3. a wrong NIF first: the error is next to the field and the typed values stay
      await page.fill('#f-nif', '12345678A');
      await page.fill('#f-email', collaborator.email);
      await page.fill('#f-firstName', collaborator.firstName);
      await page.fill('#f-lastName', collaborator.lastName);
      await page.check('#f-role-authorized_read');
      await h.submit('form[action$="/contactos"] button[type="submit"]');
      expect(await page.textContent('#f-nif-error')).to.contain('Format de NIF o NIE incorrecte');
      expect(await page.inputValue('#f-email')).to.equal(collaborator.email);
      expect(await page.isChecked('#f-role-authorized_read')).to.equal(true);

      await page.fill('#f-nif', collaborator.nif);
      await h.submit('form[action$="/contactos"] button[type="submit"]');
      expect(await page.textContent('main')).to.contain(`Hem enviat la invitació a ${collaborator.email}`);
      const row = page.locator('tbody tr', { hasText: collaborator.nif });
      expect(await row.textContent()).to.contain('Només lectura').and.to.contain('Invitació enviada');

      // 4. the collaborator registers from the invitation in the dev mailbox (another person: log out)
      await h.submit('form[action="/salir"] button[type="submit"]');
      const link = await linkFromMailbox(h, collaborator.email, '/registro/invitacion');
      await h.visit(link);
      expect(await page.inputValue('#f-nif')).to.equal(collaborator.nif);
      expect(await page.inputValue('#f-firstName')).to.equal(collaborator.firstName);
      expect(await page.inputValue('#f-email')).to.equal(collaborator.email);
      await page.fill('#f-password', collaborator.password);
      await page.fill('#f-passwordConfirm', collaborator.password);
      await page.check('#f-terms');
      await h.submit('form[action="/registro/invitacion"] button[type="submit"]');
      await page.waitForURL('**/acceso');
      expect(await page.textContent('main')).to.contain(`El teu usuari s'ha creat i està autoritzat a ${GESTORIA.name}`);

      // 5. the collaborator sees the gestoría's clients, read-only
      await login(h, collaborator.nif, collaborator.password);
      await h.visit('/suministros?q=Calle+Mayor+15');
      expect(await page.textContent('main')).to.contain(CLIENT);
      await h.visit(clientPath);
      expect(await page.textContent('#acting-for')).to.contain(CLIENT);
      await h.visit(contractPath);

      // the reading page says why there is no form to send
      await h.visit(`${contractPath}/lectura`);
      expect(await page.locator(`form[action="${contractPath}/lectura"]`).count()).to.equal(0);
      expect(await page.textContent('main')).to.contain('La teva autorització és només de lectura');
      // and a request forged with the session's own CSRF token is refused with a clear page
      const csrf = (await page.getAttribute('form[action="/salir"] input[name="_csrf"]', 'value'))!;
      const forged = await page.request.post(`${contractPath}/lectura`, { form: { _csrf: csrf, date: '2026-11-20', P1: '99999', P2: '99999', P3: '99999' } });
      expect(forged.status()).to.equal(403);
      expect(await forged.text()).to.match(/No tens permís per fer això|No tienes permiso para hacer esto/);
    },
  },
];
