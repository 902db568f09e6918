/**
 * Issue 14 item 4 in the browser (JavaScript on and off): the demo holder asks to change the
 * holder of a supply; the bad IBAN is refused by its field with what was typed kept; both
 * sides confirm from the links in the dev mailbox, in a browser that is not logged in; the
 * request's letter shows both confirmations; an administrator refuses it with a note, so each
 * pass leaves the demo contract with its holder and no open change (completion, which ends the
 * demo contract, is proved by test/http/holder-change.test.ts).
 */
import { adminLogin } from '../admin-login';
import type { Harness, Scenario } from '../harness';

async function login(h: Harness): Promise<void> {
  await h.visit('/');
  await h.page.fill('#f-loginId', '12345678Z');
  await h.page.fill('#f-password', 'Cliente-Demo-2026');
  await h.submit('form[action="/acceso"] button[type="submit"]');
  h.expect(new URL(h.page.url()).pathname).to.equal('/suministros');
}

/** The confirmation link of the newest message with this subject, as a local path. */
async function confirmationLink(h: Harness, subject: string): Promise<string> {
  await h.visit('/dev/buzon');
  await h.visit((await h.page.getAttribute(`tbody tr a:text-is("${subject}")`, 'href'))!);
  const href = await h.page.getAttribute('pre.mail-body a[href*="/cambio-titular/confirmar?token="]', 'href');
  // mails carry PUBLIC_URL; follow them on the address the browser uses
  const url = new URL(href!);
  return url.pathname + url.search;
}

async function confirm(h: Harness, link: string, who: string): Promise<void> {
  await h.visit(link);
  h.expect(await h.page.textContent('#agreement')).to.contain('Marta Ribas Puig');
  await h.audit(`holder-confirm-${who}`);
  await h.submit('form[action="/cambio-titular/confirmar"] button[type="submit"]');
  h.expect(await h.page.textContent('#confirmed')).to.contain('hemos registrado tu confirmación');
}

export const scenarios: Scenario[] = [
  {
    name: 'holder change: errors by the fields, both sides confirm from the mailbox links, the admin refuses it',
    async run(h) {
      const { page, expect } = h;
      await login(h);
      // the link's own address: with htmx the click's URL changes only after the swap
      const link = 'tr:has(td:text-is("Luz")) a:has-text("Calle del Mar 7")';
      const contractPath = (await page.getAttribute(link, 'href'))!;
      await h.visit(`${contractPath}/titular`);
      await h.audit('holder-change');
      // a change left open by an interrupted run: refuse it first so this pass starts clean
      const leftOpen = await page.locator('#pending-change a').count()
        ? await page.getAttribute('#pending-change a', 'href') : null;
      if (leftOpen) {
        await adminLogin(h);
        await h.visit(`/admin${leftOpen}`);
        await page.selectOption('#f-status', 'rechazada');
        await page.fill('#f-note', 'Prueba interrumpida');
        await h.submit(`form[action="/admin${leftOpen}/estado"] button[type="submit"]`);
        await h.visit(`${contractPath}/titular`);
      }

      const nif = h.javaScript ? '39740191D' : '47361725X';
      await page.fill('#f-taxId', nif);
      await page.fill('#f-name', 'Marta Ribas Puig');
      await page.fill('#f-email', `marta.ribas.${h.javaScript ? 'js' : 'nojs'}@example.com`);
      await page.fill('#f-iban', 'ES91 2100 0418 4502 0005 1333');
      await page.check('#f-consent');
      await h.submit(`form[action="${contractPath}/titular"] button[type="submit"]`);
      expect(await page.textContent('#f-iban-error')).to.contain('El IBAN no es válido');
      expect(await page.inputValue('#f-name')).to.equal('Marta Ribas Puig');
      await page.fill('#f-iban', 'ES91 2100 0418 4502 0005 1332');
      await h.submit(`form[action="${contractPath}/titular"] button[type="submit"]`);
      const requestPath = new URL(page.url()).pathname;
      expect(requestPath).to.match(/^\/gestiones\/\d+$/);
      const reference = (await page.textContent('main'))!.match(/G-\d{4}-\d{6}/)?.[0];
      expect(reference, 'the reference on the request page').to.be.a('string');
      expect(await page.textContent('main')).to.contain('Esperamos que el titular actual y el nuevo titular confirmen');

      // each side, from the dev mailbox, confirms without logging in
      const newLink = await confirmationLink(h, `Confirma que te quedas el suministro (${reference})`);
      const currentLink = await confirmationLink(h, `Confirma el cambio de titular (${reference})`);
      await page.context().clearCookies();
      await confirm(h, newLink, 'new');
      await confirm(h, currentLink, 'current');
      expect(await page.textContent('#confirmed')).to.contain('Ya están todas las confirmaciones');
      // a link works once
      await h.visit(newLink);
      expect(await page.textContent('main')).to.contain('Este enlace ya no es válido');

      await login(h);
      await h.visit(requestPath);
      expect(await page.textContent('main')).to.contain('(nuevo titular) ha confirmado el cambio')
        .and.to.contain('(titular actual) ha confirmado el cambio');

      // leave the demo as it was: the administrator refuses it with a note
      await adminLogin(h);
      await h.visit(`/admin${requestPath}`);
      await page.selectOption('#f-status', 'rechazada');
      await page.fill('#f-note', 'Prueba del navegador');
      await h.submit(`form[action="/admin${requestPath}/estado"] button[type="submit"]`);
      expect(await page.textContent('main')).to.contain('Rechazada');
    },
  },
];
