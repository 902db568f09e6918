/**
 * The supplies overview of users with many clients: search, filters, pagination, the client
 * page, the "acting for" banner, and the bulk downloads (CSV of the overview, ZIP of a month's
 * invoices).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import request from 'supertest';
import type { Knex } from 'knex';
import { testContext, type TestContext } from '../support/context';
import {
  addConsumption, createContractAccount, createCustomer, createHousehold, createSupply, createUser, issueInvoices, linkUser, loginAs, pageText,
  type Agent, type CustomerFixture, type HouseholdFixture, type SupplyFixture, type UserFixture,
} from '../support/factories';
import { insertRequest } from '../../src/data/requests-repo';

const run = promisify(execFile);

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/** The entries of a ZIP written with `store` (no compression), from its central directory. */
function readZip(zip: Buffer): Map<string, Buffer> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(eocd, 'end of central directory').to.be.greaterThan(-1);
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(p)).to.equal(0x02014b50);
    const method = zip.readUInt16LE(p + 10);
    const size = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    expect(method, `${name} is stored`).to.equal(0);
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    out.set(name, zip.subarray(dataAt, dataAt + size));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

async function unzipList(zip: Buffer): Promise<string> {
  const file = path.join(os.tmpdir(), `bulk-${process.pid}-${Math.random().toString(36).slice(2)}.zip`);
  await fs.writeFile(file, zip);
  try {
    return (await run('unzip', ['-l', file])).stdout;
  } finally {
    await fs.rm(file, { force: true });
  }
}

async function pdfText(pdf: Buffer): Promise<string> {
  const file = path.join(os.tmpdir(), `bulk-${process.pid}-${Math.random().toString(36).slice(2)}.pdf`);
  await fs.writeFile(file, pdf);
  try {
    return (await run('pdftotext', [file, '-'])).stdout;
  } finally {
    await fs.rm(file, { force: true });
  }
}

/** Rows of supplies on a page: each one links to its contract. */
function contractLinks(html: string): number[] {
  return [...html.matchAll(/href="\/contratos\/(\d+)"/g)].map((m) => Number(m[1]));
}

interface Client { customer: CustomerFixture; supply: SupplyFixture }

interface World {
  ctx: TestContext;
  db: Knex;
  gestoria: CustomerFixture;
  rep: UserFixture;
  reader: UserFixture;
  own: HouseholdFixture;
  clients: Client[];
  special: Client;
  gasClient: Client;
  injection: Client;
  revoked: Client;
  unrelated: Client;
  repAgent: Agent;
}

const MANAGED = 30;
const MONTHS = ['2026-09'];

async function makeClient(db: Knex, opts: { name?: string; kind?: 'company' | 'community' | 'individual'; street?: string; energy?: 'electricity' | 'gas' } = {}): Promise<Client> {
  const customer = await createCustomer(db, { kind: opts.kind ?? 'company', name: opts.name });
  const account = await createContractAccount(db, customer);
  const supply = await createSupply(db, account, { street: opts.street, energy: opts.energy });
  return { customer, supply };
}

async function manage(db: Knex, gestoria: { id: number }, client: Client, status: 'active' | 'revoked' = 'active'): Promise<void> {
  await db('external_managers').insert({ customer_id: client.customer.id, manager_customer_id: gestoria.id, status, created_at: new Date(), decided_at: new Date() });
}

let world: Promise<World> | null = null;

function setup(): Promise<World> {
  world ??= (async () => {
    const ctx = await testContext();
    const db = ctx.db.knex;
    const gestoria = await createCustomer(db, { kind: 'company', name: 'Gestoría Prueba Overview S.L.' });
    // the gestoría's representative also holds their own household account
    const own = await createHousehold(db, { eBilling: true });
    const rep = own.user;
    await linkUser(db, rep, gestoria, 'representative');
    const reader = await createUser(db);
    await linkUser(db, reader, gestoria, 'authorized_read');

    const clients: Client[] = [];
    for (let i = 0; i < MANAGED - 3; i++) {
      clients.push(await makeClient(db, { name: `Cliente Gestionado ${String(i).padStart(2, '0')} S.L.`, street: i % 2 ? 'Calle de Sueca' : 'Avenida del Puerto' }));
    }
    const special = await makeClient(db, { name: 'Ñandú Perfumes S.L.', street: 'Calle de la Paz 50% Descuento', kind: 'company' });
    const gasClient = await makeClient(db, { name: 'Comunidad Gas Prueba', kind: 'community', energy: 'gas' });
    const injection = await makeClient(db, { name: '=HYPERLINK("http://malo.example","pulsa")', kind: 'company' });
    clients.push(special, gasClient, injection);
    for (const c of clients) await manage(db, gestoria, c);
    const revoked = await makeClient(db, { name: 'Cliente Revocado S.L.' });
    await manage(db, gestoria, revoked, 'revoked');
    const unrelated = await makeClient(db, { name: 'Cliente Ajeno S.L.', street: 'Avenida del Puerto' });

    // September invoices (issued in October) for two managed clients, the revoked and the unrelated one
    for (const c of [clients[0]!, special, revoked, unrelated]) {
      await addConsumption(db, c.supply.contractId, MONTHS.map((m) => ({ month: m, P1: 80, P2: 90, P3: 110 })));
      await issueInvoices(db, c.supply.contractId, MONTHS);
    }
    const repAgent = await loginAs(request.agent(ctx.app), rep.loginId, rep.password);
    return { ctx, db, gestoria, rep, reader, own, clients, special, gasClient, injection, revoked, unrelated, repAgent };
  })();
  return world;
}

describe('supplies overview', () => {
  it('lists managed clients with the link shown, never unrelated or revoked ones, 25 per page', async () => {
    const w = await setup();
    const first = await w.repAgent.get('/suministros').expect(200);
    const text = pageText(first.text);
    expect(text).to.include(`Suministros 1 a 25 de ${MANAGED + 1}.`);
    expect(contractLinks(first.text)).to.have.length(25);
    expect(first.text).to.include('a través de Gestoría Prueba Overview S.L.');
    expect(first.text).not.to.include(w.unrelated.supply.cups);
    expect(first.text).not.to.include(w.revoked.supply.cups);
    expect(first.text).to.match(/<form method="get" action="\/suministros" role="search"/);
    expect(first.text).to.include('<label for="q">');
    expect(Buffer.byteLength(first.text)).to.be.lessThan(30 * 1024);

    const next = /<a href="([^"]+)" rel="next">/.exec(first.text)?.[1];
    expect(next).to.equal('/suministros?pagina=2');
    const second = await w.repAgent.get(next!).expect(200);
    expect(pageText(second.text)).to.include(`Suministros 26 a ${MANAGED + 1} de ${MANAGED + 1}.`);
    const all = [...contractLinks(first.text), ...contractLinks(second.text)];
    expect(new Set(all).size).to.equal(MANAGED + 1);
    for (const c of [...w.clients, { supply: w.own.supply }]) expect(all).to.include(c.supply.contractId);
    // a page past the end shows the last one
    const past = await w.repAgent.get('/suministros?pagina=99').expect(200);
    expect(contractLinks(past.text)).to.deep.equal(contractLinks(second.text));
  });

  it('searches by CUPS (spaced or lower case), name, tax id and address, in SQL with wildcards taken literally', async () => {
    const w = await setup();
    const search = async (q: string) => contractLinks((await w.repAgent.get('/suministros').query({ q }).expect(200)).text);
    const spaced = w.special.supply.cups.toLowerCase().replace(/(.{4})/g, '$1 ');
    expect(await search(spaced)).to.deep.equal([w.special.supply.contractId]);
    expect(await search('ñandú')).to.deep.equal([w.special.supply.contractId]);
    expect(await search(w.gasClient.customer.taxId)).to.deep.equal([w.gasClient.supply.contractId]);
    expect(await search(`${w.gasClient.customer.taxId.slice(0, 1)}-${w.gasClient.customer.taxId.slice(1)}`)).to.deep.equal([w.gasClient.supply.contractId]);
    expect(await search('50% descuento')).to.deep.equal([w.special.supply.contractId]);
    expect(await search('%')).to.deep.equal([w.special.supply.contractId]);
    expect(await search('_')).to.deep.equal([]);
    // several words: each must match something (here the name and the street)
    const sueca = await search('Gestionado Sueca');
    expect(sueca).to.have.length(13);
    expect(await search('Cliente Ajeno')).to.deep.equal([]);
    expect(await search(w.unrelated.supply.cups)).to.deep.equal([]);
    const none = await w.repAgent.get('/suministros').query({ q: 'no existe nada así' }).expect(200);
    expect(pageText(none.text)).to.include('Ningún suministro coincide con la búsqueda.');
  });

  it('filters by role and energy, keeps the filter in page links, and answers htmx with the results region only', async () => {
    const w = await setup();
    const own = await w.repAgent.get('/suministros?rol=titular').expect(200);
    expect(contractLinks(own.text)).to.deep.equal([w.own.supply.contractId]);
    expect(own.text).not.to.include('a través de');
    const managed = await w.repAgent.get('/suministros?rol=gestoria').expect(200);
    expect(pageText(managed.text)).to.include(`de ${MANAGED}.`);
    expect(contractLinks(managed.text)).not.to.include(w.own.supply.contractId);
    expect(/<a href="([^"]+)" rel="next">/.exec(managed.text)?.[1]).to.equal('/suministros?rol=gestoria&amp;pagina=2');
    const gas = await w.repAgent.get('/suministros?energia=gas').expect(200);
    expect(contractLinks(gas.text)).to.deep.equal([w.gasClient.supply.contractId]);
    expect(contractLinks((await w.repAgent.get('/suministros?rol=representante').expect(200)).text)).to.deep.equal([]);

    const fragment = await w.repAgent.get('/suministros?energia=gas').set('HX-Request', 'true').expect(200);
    expect(fragment.text.trimStart()).to.match(/^<div id="supply-results">/);
    expect(fragment.text).not.to.include('<html');
  });

  it('shows the read-only collaborator the same clients, as read-only through the gestoría', async () => {
    const w = await setup();
    const agent = await loginAs(request.agent(w.ctx.app), w.reader.loginId, w.reader.password);
    const page = await agent.get('/suministros?q=ñandú').expect(200);
    expect(contractLinks(page.text)).to.deep.equal([w.special.supply.contractId]);
    expect(pageText(page.text)).to.include('Autorizado (solo lectura) a través de Gestoría Prueba Overview S.L.');
    expect(contractLinks((await agent.get('/suministros?rol=solo-lectura').expect(200)).text)).to.deep.equal([]);
  });
});

describe('client page and acting-for banner', () => {
  it('shows a managed client with its supplies and links, without contact management through the gestoría', async () => {
    const w = await setup();
    const c = w.special;
    const page = await w.repAgent.get(`/clientes/${c.customer.id}`).expect(200);
    const text = pageText(page.text);
    expect(text).to.include(c.customer.name);
    expect(text).to.include(c.customer.taxId);
    expect(page.text).to.include(`href="/contratos/${c.supply.contractId}"`);
    expect(page.text).to.include(`href="/gestiones?cliente=${c.customer.id}"`);
    expect(page.text).not.to.include(`/clientes/${c.customer.id}/contactos`);
    expect(text).to.include(`Estás actuando en nombre de ${c.customer.name} (${c.customer.taxId}) como representante de Gestoría Prueba Overview S.L.`);

    const ownPage = await w.repAgent.get(`/clientes/${w.own.customer.id}`).expect(200);
    expect(ownPage.text).to.include(`href="/clientes/${w.own.customer.id}/contactos"`);
    expect(ownPage.text).to.include(`href="/clientes/${w.own.customer.id}/gestor-externo"`);
    expect(ownPage.text).not.to.include(`/clientes/${w.own.customer.id}/representante`);
    expect(ownPage.text).not.to.include('id="acting-for"');

    const gestoriaPage = await w.repAgent.get(`/clientes/${w.gestoria.id}`).expect(200);
    expect(gestoriaPage.text).to.include(`href="/clientes/${w.gestoria.id}/representante"`);
    expect(pageText(gestoriaPage.text)).to.include('como representante.');

    await w.repAgent.get(`/clientes/${w.unrelated.customer.id}`).expect(404);
    await w.repAgent.get(`/clientes/${w.revoked.customer.id}`).expect(404);
    await w.repAgent.get('/clientes/abc').expect(404);
  });

  it('shows the banner on a managed client\'s contract and invoice pages, not on the own household contract', async () => {
    const w = await setup();
    const c = w.clients[0]!;
    const contract = await w.repAgent.get(`/contratos/${c.supply.contractId}`).expect(200);
    expect(contract.text).to.include('id="acting-for"');
    expect(pageText(contract.text)).to.include(`Estás actuando en nombre de ${c.customer.name} (${c.customer.taxId})`);
    const invoices = await w.repAgent.get(`/contratos/${c.supply.contractId}/facturas`).expect(200);
    expect(invoices.text).to.include('id="acting-for"');
    const own = await w.repAgent.get(`/contratos/${w.own.supply.contractId}`).expect(200);
    expect(own.text).not.to.include('id="acting-for"');
    expect(pageText(own.text)).not.to.include('Estás actuando en nombre de');
  });

  it('narrows the request list to one client with ?cliente=, ignoring clients the user cannot read', async () => {
    const w = await setup();
    const now = w.ctx.clock.now();
    const mk = (customerId: number, reference: string) => insertRequest(w.db, {
      reference, type: 'complaint', customer_id: customerId, contract_id: null, created_by: w.rep.id, via_manager_customer_id: null, payload: {}, status: 'recibida', created_at: now,
    });
    await mk(w.special.customer.id, 'OVW-REQ-1');
    await mk(w.own.customer.id, 'OVW-REQ-2');
    await mk(w.unrelated.customer.id, 'OVW-REQ-3');
    const one = await w.repAgent.get(`/gestiones?cliente=${w.special.customer.id}`).expect(200);
    expect(one.text).to.include('OVW-REQ-1');
    expect(one.text).not.to.include('OVW-REQ-2');
    const ignored = await w.repAgent.get(`/gestiones?cliente=${w.unrelated.customer.id}`).expect(200);
    expect(ignored.text).to.include('OVW-REQ-1');
    expect(ignored.text).to.include('OVW-REQ-2');
    expect(ignored.text).not.to.include('OVW-REQ-3');
  });
});

describe('bulk downloads', () => {
  it('exports the filtered overview as a Spanish-Excel CSV with formulas neutralised', async () => {
    const w = await setup();
    const res = await w.repAgent.get('/suministros.csv?rol=gestoria').buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).to.match(/^attachment; filename="suministros-2026-11-20\.csv"$/);
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const lines = body.toString('utf8').slice(1).split('\r\n').filter(Boolean);
    expect(lines[0]).to.equal('Cliente;NIF/CIF;Vínculo;A través de;CUPS;Energía;Tarifa;Dirección;Código postal;Municipio;Contrato;Factura electrónica');
    expect(lines).to.have.length(MANAGED + 1);
    expect(lines.join('\n')).not.to.include(w.own.supply.cups);
    expect(lines.join('\n')).not.to.include(w.unrelated.supply.cups);
    const bad = lines.find((l) => l.includes(w.injection.supply.cups))!;
    expect(bad.startsWith('"\'=HYPERLINK(""http://malo.example"",""pulsa"")";')).to.equal(true);
    const special = lines.find((l) => l.includes(w.special.supply.cups))!;
    expect(special).to.include(`Ñandú Perfumes S.L.;${w.special.customer.taxId};Representante;Gestoría Prueba Overview S.L.;`);

    const searched = await w.repAgent.get('/suministros.csv').query({ q: 'ñandú' }).buffer(true).parse(binary).expect(200);
    expect((searched.body as Buffer).toString('utf8').split('\r\n').filter(Boolean)).to.have.length(2);
    expect(await w.db('audit_log').where({ action: 'supplies.csv_exported', actor_id: w.rep.id }).first()).to.not.equal(undefined);
  });

  it('streams a ZIP of signed duplicates of readable clients only, with a summary, without using up originals', async () => {
    const w = await setup();
    const res = await w.repAgent.get('/suministros/facturas.zip?mes=2026-10').buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).to.equal('application/zip');
    expect(res.headers['content-disposition']).to.equal('attachment; filename="facturas-2026-10.zip"');
    const zip = res.body as Buffer;
    const entries = readZip(zip);
    const invoices = await w.db('invoices').whereIn('contract_id', [w.clients[0]!.supply.contractId, w.special.supply.contractId]).select('number', 'customer_id');
    const expected = ['resumen.csv', ...invoices.map((i) => {
      const taxId = i.customer_id === w.special.customer.id ? w.special.customer.taxId : w.clients[0]!.customer.taxId;
      return `${taxId}/factura-${i.number}-duplicado.pdf`;
    })];
    expect([...entries.keys()].sort()).to.deep.equal(expected.sort());
    const listing = await unzipList(zip);
    expect(listing).to.include('resumen.csv');
    expect(listing).to.include(`${w.special.customer.taxId}/`);

    const summary = entries.get('resumen.csv')!.toString('utf8');
    expect(summary.charCodeAt(0)).to.equal(0xfeff);
    const rows = summary.slice(1).split('\r\n').filter(Boolean);
    expect(rows[0]).to.equal('Cliente;NIF/CIF;CUPS;Factura;Periodo desde;Periodo hasta;Fecha de emisión;Importe total (€);Estado;Archivo');
    expect(rows).to.have.length(3);
    const specialRow = rows.find((r) => r.includes(w.special.supply.cups))!;
    expect(specialRow).to.match(new RegExp(`^Ñandú Perfumes S\\.L\\.;${w.special.customer.taxId};${w.special.supply.cups};[^;]+;2026-09-01;2026-09-30;2026-10-03;\\d+,\\d\\d;Pendiente;${w.special.customer.taxId}/factura-`));
    expect(summary).not.to.include(w.unrelated.supply.cups);
    expect(summary).not.to.include(w.revoked.supply.cups);

    const pdf = [...entries].find(([name]) => name.endsWith('.pdf'))![1];
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    expect(await pdfText(pdf)).to.include('DUPLICADO');
    const claimed = await w.db('invoices').whereIn('contract_id', [w.clients[0]!.supply.contractId, w.special.supply.contractId]).whereNotNull('original_downloaded_at');
    expect(claimed).to.have.length(0);
    const audits = await w.db('audit_log').where({ action: 'invoice.bulk_downloaded', actor_id: w.rep.id }).select('customer_id', 'details');
    expect(audits.map((a) => a.customer_id).sort()).to.deep.equal([w.clients[0]!.customer.id, w.special.customer.id].sort());
    expect(audits[0].details).to.include({ month: '2026-10', copy: 'duplicate' });
  });

  it('respects the overview filters in the ZIP', async () => {
    const w = await setup();
    const res = await w.repAgent.get('/suministros/facturas.zip').query({ mes: '2026-10', q: 'ñandú' }).buffer(true).parse(binary).expect(200);
    const names = [...readZip(res.body as Buffer).keys()];
    expect(names).to.have.length(2);
    expect(names.filter((n) => n.startsWith(`${w.special.customer.taxId}/`))).to.have.length(1);
  });

  it('refuses a bad month next to the field, and says so when a month has no invoices', async () => {
    const w = await setup();
    for (const [mes, message] of [['2026-13', 'El mes no es válido'], ['2027-01', 'todavía no ha llegado'], ['', 'Elige un mes.'], ['2019-01', 'cinco años']] as const) {
      const res = await w.repAgent.get('/suministros/facturas.zip').query({ mes, rol: 'gestoria' }).expect(422);
      expect(res.headers['content-type']).to.match(/^text\/html/);
      expect(res.text).to.match(/<p class="error-message" id="f-mes-error">/);
      expect(res.text).to.include('aria-describedby="f-mes-hint f-mes-error"');
      expect(pageText(res.text)).to.include(message);
      // the overview around it keeps the filter
      expect(res.text).to.include('<input type="hidden" name="rol" value="gestoria">');
    }
    const empty = await w.repAgent.get('/suministros/facturas.zip?mes=2026-08').expect(404);
    expect(pageText(empty.text)).to.include('No hay facturas emitidas en agosto de 2026 para estos suministros.');
    expect(empty.text).to.include('<option value="2026-08" selected>');
  });

  it('needs a login', async () => {
    const ctx = await testContext();
    await request(ctx.app).get('/suministros.csv').expect(303).expect('Location', '/');
    await request(ctx.app).get('/suministros/facturas.zip?mes=2026-10').expect(303).expect('Location', '/');
  });
});
