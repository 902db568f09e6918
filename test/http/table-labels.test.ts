/**
 * Tables on phones, written by the templates (issue 17): every body cell of a stacked table
 * carries its column's heading as `data-label` (plain text, what the stylesheet shows before the
 * value), and a captioned scroll box is a focusable group named by its caption. The main table
 * pages of a customer, read cell by cell; test/support/context.ts holds every other page the
 * suite renders to the reference (test/support/tables.ts).
 */
import { expect } from 'chai';
import request from 'supertest';
import type { Eta } from 'eta';
import { testContext, type TestContext } from '../support/context';
import {
  addConsumption, appointManager, createContractAccount, createCustomer, createHousehold, createSupply, createUser,
  issueInvoices, linkUser, loginAs, type Agent, type HouseholdFixture,
} from '../support/factories';
import { createRequest } from '../../src/services/requests';

const MONTHS = ['2026-08', '2026-09', '2026-10'];

/** The table whose opening tag or caption contains `marker`, up to its end. */
function tableWith(html: string, marker: string): string {
  const at = html.indexOf(marker);
  expect(at, `no table with ${marker}`).to.be.at.least(0);
  const start = html.lastIndexOf('<table', at);
  expect(start, `no table before ${marker}`).to.be.at.least(0);
  return html.slice(start, html.indexOf('</table>', at) + '</table>'.length);
}

/** The `data-label` of each cell of each body row (`null` for a cell without one), group rows apart. */
function bodyLabels(table: string): (string | null)[][] {
  const bodies = [...table.matchAll(/<tbody\b[^>]*>([\s\S]*?)<\/tbody>/g)].map((m) => m[1]!).join('');
  return [...bodies.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)]
    .filter((row) => !/\scolspan="/.test(row[0]))
    .map((row) => [...row[1]!.matchAll(/<t[dh]\b([^>]*)>/g)].map((cell) => /\sdata-label="([^"]*)"/.exec(cell[1]!)?.[1] ?? null));
}

/** Every body row of the table labelled with exactly `headings`, and at least `rows` of them. */
function expectLabels(html: string, marker: string, headings: string[], rows = 1): void {
  const labels = bodyLabels(tableWith(html, marker));
  expect(labels.length, `rows of the table with ${marker}`).to.be.at.least(rows);
  for (const row of labels) expect(row, `a row of the table with ${marker}`).to.deep.equal(headings);
}

const INVOICE_COLUMNS = ['Número', 'Periodo', 'Fecha de emisión', 'Importe', 'Estado', 'Vencimiento'];
const SUPPLY_COLUMNS = ['Dirección de suministro', 'Energía', 'CUPS', 'Tarifa'];

describe('tables labelled by their templates', () => {
  let ctx: TestContext;
  let h: HouseholdFixture;
  let agent: Agent;
  let invoiceIds: number[];
  let gasContractId: number;

  before(async function () {
    this.timeout(30_000);
    ctx = await testContext();
    const db = ctx.db.knex;
    h = await createHousehold(db, { consumption: MONTHS.map((month, i) => ({ month, P1: 60 + i, P2: 70, P3: 90 })) });
    invoiceIds = (await issueInvoices(db, h.supply.contractId, MONTHS)).map((i) => i.id);
    const gas = await createSupply(db, h.account, { energy: 'gas' });
    gasContractId = gas.contractId;
    await addConsumption(db, gasContractId, [{ month: '2025-09', P1: 40 }, { month: '2026-09', P1: 55 }]);
    const u = h.user;
    const by = { userId: u.id, email: u.email, firstName: u.firstName, language: 'es' as const, ip: '127.0.0.1' };
    await db.transaction((trx) => createRequest(trx, {
      type: 'complaint', customerId: h.customer.id, contractId: h.supply.contractId, payload: { category: 'billing' },
      access: { read: true, act: true, manageContacts: true, via: null },
    }, by, ctx.clock.now(), ctx.config));
    agent = await loginAs(request.agent(ctx.app), u.loginId, u.password);
  });

  it('invoices: each cell labelled with its heading, the amount with the amount heading', async () => {
    const html = (await agent.get(`/contratos/${h.supply.contractId}/facturas`).expect(200)).text;
    expectLabels(html, 'class="invoice-table stack"', INVOICE_COLUMNS, MONTHS.length);
    for (const id of invoiceIds) {
      expect(html).to.include(`<td data-label="Importe" class="num"><a href="/facturas/${id}">`);
    }
    // the htmx fragment (filter by year, pages) is labelled the same
    const fragment = (await agent.get(`/contratos/${h.supply.contractId}/facturas?anio=2026`)
      .set('HX-Request', 'true').expect(200)).text;
    expect(fragment).not.to.include('<html');
    expectLabels(fragment, 'class="invoice-table stack"', INVOICE_COLUMNS, MONTHS.length);
  });

  it('an invoice summary: its scroll box a focusable group named by the caption', async () => {
    const html = (await agent.get(`/facturas/${invoiceIds[0]}`).expect(200)).text;
    expect(html).to.match(/<div class="table-wrap" role="group" tabindex="0" aria-label="Resumen de la factura">\s*<table>\s*<caption>Resumen de la factura<\/caption>/);
    expect(html).not.to.include('data-label=');
  });

  it('consumption: three periods and the total for electricity, one column for gas', async () => {
    const electricity = (await agent.get(`/contratos/${h.supply.contractId}/consumo`).expect(200)).text;
    expectLabels(electricity, 'class="consumption-table stack"',
      ['Mes', 'P1 punta', 'P2 llano', 'P3 valle', 'Total (kWh)', 'Mismo mes del año anterior', 'Variación'],
      MONTHS.length);
    expect(electricity).to.match(/<th data-label="Mes" scope="row">/);
    expect(electricity).to.match(/<td data-label="Variación" class="num change[^"]*">/);
    const gas = (await agent.get(`/contratos/${gasContractId}/consumo`).expect(200)).text;
    expectLabels(gas, 'class="consumption-table stack"',
      ['Mes', 'Consumo (kWh)', 'Mismo mes del año anterior', 'Variación'], 2);
    expect(gas).not.to.include('data-label="P1 punta"');
  });

  it('supplies: the overview and the client page, the customer rows left whole', async () => {
    const overview = (await agent.get('/suministros').expect(200)).text;
    expectLabels(overview, 'class="supplies-table stack"', SUPPLY_COLUMNS, 2);
    expect(overview).to.match(/<tr class="customer-row"><th scope="rowgroup" colspan="4"/);
    const client = (await agent.get(`/clientes/${h.customer.id}`).expect(200)).text;
    expectLabels(client, '<table class="stack">', SUPPLY_COLUMNS, 2);
    expect(client).to.include(`<td data-label="CUPS"><code>${h.supply.cups}</code></td>`);
  });

  it('requests, unpaid invoices and the sign-in history', async () => {
    const requests = (await agent.get('/gestiones').expect(200)).text;
    expectLabels(requests, '<table class="stack">', ['Referencia', 'Gestión', 'Suministro', 'Fecha', 'Estado']);
    const pay = (await agent.get(`/contratos/${h.supply.contractId}/pagar`).expect(200)).text;
    // the last column's heading is only for screen readers: its label is that text
    expectLabels(pay, '<table class="stack">',
      ['Número', 'Periodo', 'Vencimiento', 'Importe', 'Estado', 'Pago'], MONTHS.length);
    const history = (await agent.get('/ajustes/accesos').expect(200)).text;
    expectLabels(history, '<table class="stack">', ['Fecha y hora', 'Resultado', 'Dirección IP', 'Navegador']);
  });

  it('a company\'s contacts and external managers', async function () {
    this.timeout(20_000);
    const db = ctx.db.knex;
    const rep = await createUser(db);
    const company = await createCustomer(db, { kind: 'company', representativeNif: rep.loginId });
    await createSupply(db, await createContractAccount(db, company));
    await linkUser(db, rep, company, 'representative');
    await linkUser(db, await createUser(db), company, 'authorized_read');
    const gestoria = await createCustomer(db, { kind: 'company', name: 'Gestoría "Tablas" S.L.' });
    await appointManager(db, gestoria, company);
    const repAgent = await loginAs(request.agent(ctx.app), rep.loginId, rep.password);

    const contacts = (await repAgent.get(`/clientes/${company.id}/contactos`).expect(200)).text;
    expectLabels(contacts, '<table class="stack">',
      ['Nombre', 'NIF', 'Email', 'Rol', 'Estado', 'Desde', 'Opciones'], 2);
    const managers = (await repAgent.get(`/clientes/${company.id}/gestor-externo`).expect(200)).text;
    expectLabels(managers, '<table class="stack">',
      ['Gestoría o administración de fincas', 'CIF', 'Estado', 'Fechas', 'Gestión', 'Acciones']);
    expect(managers)
      .to.include('<td data-label="Gestoría o administración de fincas">Gestoría &quot;Tablas&quot; S.L.</td>');
  });

  it('follows the page\'s language', async function () {
    this.timeout(20_000);
    const db = ctx.db.knex;
    const ca = await createHousehold(db, {
      user: { language: 'ca' }, consumption: [{ month: '2026-09', P1: 50, P2: 60, P3: 70 }],
    });
    const [invoice] = await issueInvoices(db, ca.supply.contractId, ['2026-09']);
    const caAgent = await loginAs(request.agent(ctx.app), ca.user.loginId, ca.user.password);
    const html = (await caAgent.get(`/contratos/${ca.supply.contractId}/facturas`).expect(200)).text;
    expect(html).to.include(`<td data-label="Import" class="num"><a href="/facturas/${invoice!.id}">`);
  });

  it('a page whose table misses a label fails to render, naming the template and the table', () => {
    const eta = ctx.app.locals.eta as Eta;
    eta.loadTemplate('@unlabelled-table', '<div class="table-wrap"><table class="stack">'
      + '<thead><tr><th>Número</th><th>Importe</th></tr></thead>'
      + '<tbody><tr><td data-label="Número">FE1</td><td>10 €</td></tr></tbody></table></div>');
    eta.loadTemplate('@wrong-label', '<table class="stack"><thead><tr><th>Número</th></tr></thead>'
      + '<tbody><tr><td data-label="Importe">FE1</td></tr></tbody></table>');
    eta.loadTemplate('@unnamed-group',
      '<div class="table-wrap"><table><caption>Líneas</caption><tbody><tr><td>1</td></tr></tbody></table></div>');
    const quiet = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(() => eta.render('@unlabelled-table', {})).to.throw(/template @unlabelled-table[\s\S]*<td>10 €<\/td>[\s\S]*<td data-label="Importe">10 €<\/td>/);
      expect(() => eta.render('@wrong-label', {})).to.throw(/template @wrong-label/);
      expect(() => eta.render('@unnamed-group', {})).to.throw(/template @unnamed-group[\s\S]*role="group"/);
    } finally {
      process.stderr.write = quiet;
    }
  });
});
