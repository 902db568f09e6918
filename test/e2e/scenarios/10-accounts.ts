/**
 * Accounts in the browser, with JavaScript on and off, against the demo data: register the
 * unregistered demo household and business from the dev mailbox's link to the supplies page,
 * and recover a password by each of the two paths.
 *
 * Both JavaScript modes run against the same app and database, so every scenario is
 * idempotent: a second registration of the same NIF gets the "already registered" email (whose
 * link resets the password) instead of an activation link, and María's password is put back
 * to the demo one at the end, because later scenarios log in with it.
 *
 * Session expiry (15 min idle, 8 h absolute) cannot be waited for in a browser: it is proven
 * with the test clock in test/http/accounts-session.test.ts.
 */
import { monthInSpain, todayInSpain } from '../../../src/domain/time';
import { buildDemoPlan, type DemoCustomer } from '../../../src/demo/plan';
import { draftInvoice } from '../../../src/domain/invoicing';
import { ibanLast4 } from '../../../src/domain/ids';
import { generate } from 'otplib';
import type { Harness, Scenario } from '../harness';
import { login } from '../login';

const SUBJECT = {
  activation: 'Activa tu usuario del Área Clientes',
  alreadyRegistered: 'Intento de alta en el Área Clientes',
  reset: 'Restablece tu contraseña del Área Clientes',
};

/** The same 24 months the demo seed bills (identifiers do not depend on them; totals do). */
function demoMonths(now: Date): string[] {
  const [y, m] = monthInSpain(now).split('-').map(Number) as [number, number];
  const months: string[] = [];
  for (let i = 24; i >= 1; i--) months.push(new Date(Date.UTC(y, m - 1 - i, 1)).toISOString().slice(0, 7));
  return months;
}

const now = new Date();
const months = demoMonths(now);
const plan = buildDemoPlan(months);

function customer(name: string): DemoCustomer {
  const c = plan.customers.find((x) => x.name === name);
  if (!c) throw new Error(`${name} is not in the demo plan`);
  return c;
}

/**
 * What a company paying by transfer types as proof: the total of its newest paid invoice,
 * computed with the billing code the demo seed uses (transfer invoices count as paid when due
 * more than 45 days ago).
 */
function newestPaidInvoiceTotal(c: DemoCustomer): string {
  const supply = c.accounts[0]!.supplies[0]!;
  // the seed's rule, on Spain's calendar: transfers due more than 45 days ago are paid
  const cutoff = new Date(Date.parse(todayInSpain(now)) - 45 * 86_400_000).toISOString().slice(0, 10);
  const drafts = supply.monthly.map((m) => draftInvoice({
    contractId: 0, customerId: 0, energy: supply.energy, productCode: supply.productCode, powerKw: supply.powerKw,
    eBilling: supply.eBilling, directDebit: false, paymentDay: c.accounts[0]!.paymentDay ?? null, consumption: { P1: m.P1, P2: m.P2, P3: m.P3 },
  }, m.month.slice(0, 7)));
  const paid = drafts.filter((d) => d.dueDate < cutoff).sort((a, b) => b.issueDate.localeCompare(a.issueDate));
  const cents = paid[0]!.bill.totals.totalCents;
  return `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
}

/** Opens the newest message to `to` with this subject in the dev mailbox; returns the local path of its link to `path`. */
async function linkFromMailbox(h: Harness, to: string, subjects: string[], path: string): Promise<{ subject: string; link: string }> {
  await h.visit(`/dev/buzon?para=${encodeURIComponent(to)}`);
  const rows = h.page.locator('tbody tr a');
  const count = await rows.count();
  for (let i = 0; i < count; i++) {
    const subject = (await rows.nth(i).textContent())!.trim();
    if (!subjects.includes(subject)) continue;
    await h.visit((await rows.nth(i).getAttribute('href'))!);
    h.expect(await h.page.textContent('h1')).to.equal(subject);
    const href = await h.page.getAttribute(`pre.mail-body a[href*="${path === '/' ? '' : path}?token="]`, 'href');
    // mails carry PUBLIC_URL (localhost); follow them on the address the browser uses
    const url = new URL(href!);
    return { subject, link: url.pathname + url.search };
  }
  throw new Error(`no message "${subjects.join('" or "')}" to ${to} in the dev mailbox`);
}

async function setNewPassword(h: Harness, link: string, password: string): Promise<void> {
  await h.visit(link);
  h.expect(await h.page.textContent('h1')).to.equal('Elige una contraseña nueva');
  await h.page.fill('#f-password', password);
  await h.page.fill('#f-passwordConfirm', password);
  await h.submit('form[action="/restablecer"] button[type="submit"]');
  await h.page.waitForURL('**/acceso');
  h.expect(await h.page.textContent('main')).to.contain('Tu contraseña se ha cambiado.');
}

async function fillPerson(h: Harness, p: { firstName: string; lastName: string; email: string; password: string }): Promise<void> {
  await h.page.fill('#f-firstName', p.firstName);
  await h.page.fill('#f-lastName', p.lastName);
  await h.page.fill('#f-email', p.email);
  await h.page.fill('#f-password', p.password);
  await h.page.fill('#f-passwordConfirm', p.password);
  await h.page.check('#f-terms');
}

/**
 * After the form: the first time, the activation link; when a run before registered the same
 * NIF, the "already registered" email, whose link sets a new password. Either way: log in.
 */
async function finishRegistration(h: Harness, email: string, loginId: string, password: string): Promise<void> {
  await h.page.waitForURL('**/registro/enviado');
  h.expect(await h.page.textContent('main')).to.contain('te hemos enviado un email con el enlace para activar tu usuario');
  const mail = await linkFromMailbox(h, email, [SUBJECT.activation, SUBJECT.alreadyRegistered], '/');
  if (mail.subject === SUBJECT.activation) {
    h.expect(mail.link).to.match(/^\/activar\?token=/);
    await h.visit(mail.link);
    await h.submit('form[action="/activar"] button[type="submit"]');
    await h.page.waitForURL('**/acceso');
    h.expect(await h.page.textContent('main')).to.contain('Tu usuario está activado. Ya puedes acceder con tu NIF y tu contraseña.');
  } else {
    h.expect(mail.link).to.match(/^\/restablecer\?token=/);
    await setNewPassword(h, mail.link, password);
  }
  await login(h, loginId, password, { visit: false });
}

export const scenarios: Scenario[] = [
  {
    name: 'accounts: register the demo household (Carmen Navarro Gil) from the mailbox link to her supplies',
    async run(h) {
      const carmen = customer('Carmen Navarro Gil');
      const account = carmen.accounts[0]!;
      const password = 'Naranjo-Albufera-Barca-91';
      await h.visit('/');
      await h.visit('/registro');
      h.expect(await h.page.textContent('h1')).to.equal('Regístrate en el Área Clientes');
      await h.visit('/registro/hogar');
      await h.page.fill('#f-taxId', carmen.taxId);
      await h.page.fill('#f-contractAccount', account.number);
      await h.page.fill('#f-ibanLast4', ibanLast4(account.iban!));
      await fillPerson(h, { firstName: 'Carmen', lastName: 'Navarro Gil', email: carmen.email, password });
      await h.submit('form[action="/registro/hogar"] button[type="submit"]');
      await finishRegistration(h, carmen.email, carmen.taxId, password);
      const main = (await h.page.textContent('main'))!;
      h.expect(main).to.contain('Hola, Carmen.');
      h.expect(main).to.contain('Calle de Ruzafa 40');
      h.expect(main).to.contain('Titular');
    },
  },
  {
    name: 'accounts: the login form explains a CIF and a wrong password',
    async run(h) {
      await h.visit('/');
      await h.page.fill('#f-loginId', 'B81234569');
      await h.page.fill('#f-password', 'lo-que-sea-123');
      await h.submit('form[action="/acceso"] button[type="submit"]');
      h.expect(await h.page.textContent('main')).to.contain('A partir de ahora no puedes acceder con CIF (NIF de persona jurídica).');
      // an id nobody has: no demo account collects a failure
      await h.page.fill('#f-loginId', '00000000T');
      await h.page.fill('#f-password', 'lo-que-sea-123');
      await h.submit('form[action="/acceso"] button[type="submit"]');
      h.expect(await h.page.textContent('main')).to.contain('El usuario o contraseña no son correctos.');
    },
  },
  {
    name: 'accounts: a wrong proof and a representative who is not on file are explained',
    async run(h) {
      const alcora = customer('Cerámicas Alcora S.L.');
      await h.visit('/registro/empresa');
      await h.page.fill('#f-companyTaxId', alcora.taxId);
      await h.page.check('#proof-invoice');
      await h.page.fill('#f-invoiceTotal', newestPaidInvoiceTotal(alcora));
      // a valid NIF that is not the representative's
      await h.page.fill('#f-personNif', '00000000T');
      await fillPerson(h, { firstName: 'Pau', lastName: 'Ribes Mas', email: 'pau.ribes@example.com', password: 'Naranjo-Albufera-Barca-91' });
      await h.submit('form[action="/registro/empresa"] button[type="submit"]');
      const main = (await h.page.textContent('main'))!;
      h.expect(main).to.contain('Tu NIF no coincide con el del representante legal que nos consta para esta empresa.');
      h.expect(main).to.contain('puedes llamar al 912 100 100 o al 900 385 425');
    },
  },
  {
    name: 'accounts: register the business Cerámicas Alcora with an invoice total, as its representative',
    async run(h) {
      const alcora = customer('Cerámicas Alcora S.L.');
      const email = 'vicente.soler@ceramicasalcora.es';
      const password = 'Azulejo-Castellon-Horno-73';
      await h.visit('/registro/empresa');
      await h.page.fill('#f-companyTaxId', alcora.taxId);
      // no direct debit: the total of one of the last three paid invoices proves it
      await h.page.check('#proof-invoice');
      await h.page.fill('#f-invoiceTotal', newestPaidInvoiceTotal(alcora));
      await h.page.fill('#f-personNif', alcora.representativeNif!);
      await fillPerson(h, { firstName: 'Vicente', lastName: 'Soler Bou', email, password });
      await h.submit('form[action="/registro/empresa"] button[type="submit"]');
      await finishRegistration(h, email, alcora.representativeNif!, password);
      const main = (await h.page.textContent('main'))!;
      h.expect(main).to.contain('Cerámicas Alcora S.L.');
      h.expect(main).to.contain('Avenida de Castellón 3');
      h.expect(main).to.contain('Representante');
    },
  },
  {
    name: 'accounts: recover a password with the contract data, set a secret question, recover with it',
    async run(h) {
      const { page, expect } = h;
      const maria = customer('María García López');
      const email = maria.email; // the demo user 12345678Z registered with it
      const byContract = `Cometa-Lavanda-Muralla-${h.javaScript ? 'js' : 'sin'}`;
      const byQuestion = `Puerto-Girasol-Tranvia-${h.javaScript ? 'js' : 'sin'}`;

      // 1. without the secret question: contract account + email + last 4 IBAN digits
      await h.visit('/');
      await h.visit('/recuperar');
      expect(await page.textContent('main')).to.contain('Recuperar contraseña sin pregunta secreta');
      await h.visit('/recuperar/contrato');
      await page.fill('#f-contractAccount', maria.accounts[0]!.number);
      await page.fill('#f-email', email);
      await page.fill('#f-ibanLast4', ibanLast4(maria.accounts[0]!.iban!));
      await h.submit('form[action="/recuperar/contrato"] button[type="submit"]');
      await page.waitForURL('**/recuperar/enviado');
      expect(await page.textContent('main')).to.contain('nunca enviamos contraseñas por email');
      const first = await linkFromMailbox(h, email, [SUBJECT.reset], '/restablecer');
      await setNewPassword(h, first.link, byContract);
      await login(h, '12345678Z', byContract, { visit: false });

      // 2. the demo user has no secret question: set one in Ajustes, then log out
      await h.visit('/ajustes');
      // questions are chosen from the translated list (issue 12, item 9)
      await page.selectOption('#f-secretQuestion', 'primary_school');
      await page.fill('#f-secretAnswer', 'Esperanza');
      await page.fill('#f-questionPassword', byContract);
      await h.submit('form[action="/ajustes/pregunta"] button[type="submit"]');
      expect(await page.textContent('main')).to.contain('Hemos guardado tu pregunta secreta.');
      await h.submit('form[action="/salir"] button[type="submit"]');
      expect(await page.textContent('main')).to.contain('Has cerrado sesión.');

      // 3. with the secret question: NIF → the question → the answer
      await h.visit('/recuperar/pregunta');
      await page.fill('#f-loginId', '12345678Z');
      await h.submit('form[action="/recuperar/pregunta"] button[type="submit"]');
      expect(await page.textContent('.question-text')).to.equal('¿Cuál era el nombre de tu colegio de primaria?');
      await page.fill('#f-answer', 'esperanza');
      await h.submit('form[action="/recuperar/pregunta/respuesta"] button[type="submit"]');
      await page.waitForURL('**/recuperar/enviado');
      const second = await linkFromMailbox(h, email, [SUBJECT.reset], '/restablecer');
      expect(second.link).not.to.equal(first.link);
      await setNewPassword(h, second.link, byQuestion);
      await login(h, '12345678Z', byQuestion, { visit: false });
      expect(await page.textContent('main')).to.contain('Calle de Cirilo Amorós');

      // 4. put the demo password back (other scenarios log in with it), in Ajustes
      await h.visit('/ajustes');
      await page.fill('#f-currentPassword', byQuestion);
      await page.fill('#f-password', 'Cliente-Demo-2026');
      await page.fill('#f-passwordConfirm', 'Cliente-Demo-2026');
      await h.submit('form[action="/ajustes/contrasena"] button[type="submit"]');
      expect(await page.textContent('main')).to.contain('Tu contraseña se ha cambiado.');
      await h.submit('form[action="/salir"] button[type="submit"]');
    },
  },
  {
    // issue 12, item 10; left switched off at the end, as the JavaScript-off pass runs it again
    name: 'accounts: switch on the second factor in Ajustes, log in with a recovery code, switch it off',
    async run(h) {
      const { page, expect } = h;
      const carmen = customer('Carmen Navarro Gil');
      const password = 'Naranjo-Albufera-Barca-91';
      await h.visit('/');
      await login(h, carmen.taxId, password, { visit: false });
      await h.visit('/ajustes/suministros');
      expect(await page.textContent('h1')).to.equal('Añadir un suministro');
      await h.visit('/ajustes/2fa');
      const secret = (await page.textContent('#totp-secret'))!.replace(/\s+/g, '');
      await page.fill('#f-code', await generate({ secret, epoch: Math.floor(Date.now() / 1000) }));
      await h.submit('form[action="/ajustes/2fa"] button[type="submit"]');
      const codes = await page.locator('#recovery-codes code').allTextContents();
      expect(codes).to.have.length(10);
      await h.submit('form[action="/salir"] button[type="submit"]');

      await login(h, carmen.taxId, password, { visit: false, landsOn: '/acceso/codigo' });
      await page.fill('#f-code', codes[0]!);
      await h.submit('form[action="/acceso/codigo"] button[type="submit"]');
      await page.waitForURL('**/suministros');
      expect(await page.textContent('main')).to.contain('Has accedido con un código de recuperación. Te quedan 9.');

      await h.visit('/ajustes/2fa');
      await page.fill('#f-password', password);
      await h.submit('form[action="/ajustes/2fa/desactivar"] button[type="submit"]');
      expect(await page.textContent('main')).to.contain('Hemos desactivado la verificación en dos pasos.');
      await h.submit('form[action="/salir"] button[type="submit"]');
    },
  },
];
