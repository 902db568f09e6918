/**
 * The overview's pages through `overview_entries` (issue 17 item 4) give the same rows, in the
 * same order, with the same total, as the whole list of the user's supplies searched on the
 * contracts themselves (`overviewScope` + `searchSupplies`), page by page: with the gestoría's
 * own supplies and a household listed directly beside its clients, a client of two gestorías,
 * revoked and pending relations, ended contracts, accents, case, CUPS and tax ids, wildcards,
 * and after every kind of change the triggers keep the entries through.
 */
import { expect } from 'chai';
import type { Knex } from 'knex';
import { testContext } from '../support/context';
import {
  appointManager, createContractAccount, createCustomer, createSupply, createUser, linkUser, type CustomerFixture,
  type UserFixture,
} from '../support/factories';
import { loadUserAccess } from '../../src/services/access';
import { overviewScope, overviewSearch } from '../../src/services/bulk-overview';
import { linksForUser } from '../../src/data/links-repo';
import {
  countReachableCustomers, countSupplies, eBillingCandidates, searchSupplies, searchSuppliesPage,
} from '../../src/data/supplies-repo';
import { parseOverviewFilter, pageWindow, ROLE_FILTERS, type RoleFilter } from '../../src/domain/overview';

const SIZE = 4;

interface SupplyOpts { energy?: 'electricity' | 'gas'; street?: string; eBilling?: boolean }

async function client(
  db: Knex, name: string, supplies: SupplyOpts[],
): Promise<CustomerFixture & { contracts: number[]; supplyPoints: number[] }> {
  const customer = await createCustomer(db, { kind: 'company', name });
  const account = await createContractAccount(db, customer);
  const made = [];
  for (const s of supplies) made.push(await createSupply(db, account, s));
  return { ...customer, contracts: made.map((m) => m.contractId), supplyPoints: made.map((m) => m.supplyPointId) };
}

const manage = appointManager;

/** Every page of every filter, against the list searched on the contracts. */
async function samePages(db: Knex, user: UserFixture, queries: string[]): Promise<number> {
  const access = await loadUserAccess(db, user.id);
  const links = await linksForUser(db, user.id);
  let compared = 0;
  for (const q of queries) {
    for (const role of [null, 'gestoria', 'titular'] as (RoleFilter | null)[]) {
      for (const energy of [null, 'gas'] as const) {
        const filter = parseOverviewFilter({ q, rol: role ?? '', energia: energy === 'gas' ? 'gas' : '' });
        const expected = (await searchSupplies(db, overviewScope(access, filter).search)).map((r) => r.contract_id);
        const { search } = await overviewSearch(db, links, filter);
        const label = `q "${q}", role ${role}, energy ${energy}`;
        expect(await countSupplies(db, search), label).to.equal(expected.length);
        const pages = Math.max(1, Math.ceil(expected.length / SIZE));
        for (let page = 1; page <= pages + 1; page++) {
          const win = pageWindow(expected.length, page, SIZE);
          const got = await searchSuppliesPage(db, search, pageWindow(Number.MAX_SAFE_INTEGER, page, SIZE));
          expect(got.total, `${label}, page ${page}`).to.equal(expected.length);
          expect(got.rows.map((r) => r.contract_id), `${label}, page ${page}`)
            .to.deep.equal(expected.slice(win.offset, win.offset + SIZE));
          compared++;
        }
      }
    }
  }
  return compared;
}

/** The entries the triggers keep are exactly the ones built from scratch. */
async function entriesAreFresh(db: Knex): Promise<void> {
  const fresh = await db.raw(`
    SELECT em.manager_customer_id, c.id AS contract_id, c.customer_id, cu.name AS customer_name,
           sp.street, sp.number, sp.energy,
           lower(cu.name) || E'\\n'
             || lower(concat_ws(' ', sp.street, sp.number, sp.floor_door, sp.postal_code, sp.municipality))
             AS search_text,
           cu.tax_id || E'\\n' || sp.cups AS id_text
      FROM contracts c
      JOIN customers cu ON cu.id = c.customer_id
      JOIN supply_points sp ON sp.id = c.supply_point_id
      JOIN external_managers em ON em.customer_id = c.customer_id AND em.status = 'active'
     WHERE c.status = 'active' ORDER BY 1, 2`);
  const kept = await db('overview_entries').orderBy(['manager_customer_id', 'contract_id']).select(
    'manager_customer_id', 'contract_id', 'customer_id', 'customer_name', 'street', 'number', 'energy',
    'search_text', 'id_text',
  );
  expect(kept).to.deep.equal(fresh.rows);
}

describe('overview through overview_entries', () => {
  it('gives the same pages as the search on the contracts, before and after every kind of change', async function () {
    this.timeout(120_000);
    const { db: { knex: db } } = await testContext();
    const user = await createUser(db);
    const g1 = await client(db, 'Entradas Gestoría Uno S.L.', [
      { street: 'Avenida del Puerto' }, { energy: 'gas', street: 'Calle de Sueca' },
    ]);
    const g2 = await client(db, 'Entradas Gestoría Dos S.L.', []);
    const home = await client(db, 'entradas hogar', [{ street: 'Calle de Ávila' }]);
    await linkUser(db, user, g1, 'representative');
    await linkUser(db, user, g2, 'authorized_read');
    await linkUser(db, user, home, 'holder');
    const names = ['Ñandú Óptica', 'ávila Reformas', 'AVILA Pinturas', 'Àvila Fusteria', 'Bar 50% Descuento',
      'Bar_Guion', 'colón Talleres', 'Entradas Zeta', 'entradas alfa', 'Entradas Alfa', 'Entradas beta',
      'Óscar Mecánica', 'Zapatería Ruiz'];
    const streets = ['Calle de Colón', 'Calle de Sueca', 'Avenida de Blasco Ibáñez', 'CALLE DE COLON'];
    const clients = [];
    for (const [i, name] of names.entries()) {
      clients.push(await client(db, name, Array.from({ length: 1 + (i % 3) }, (_, k) => ({
        energy: (i + k) % 4 === 0 ? 'gas' as const : 'electricity' as const,
        street: streets[(i + k) % streets.length], eBilling: (i + k) % 2 === 0,
      }))));
    }
    for (const [i, c] of clients.entries()) {
      if (i % 5 !== 4) await manage(db, g1, c);
      if (i % 3 === 0) await manage(db, g2, c);
    }
    await manage(db, g1, clients[4]!, 'revoked');
    await manage(db, g2, clients[4]!, 'pending_review');
    await manage(db, g1, home);
    await db('contracts').where('id', clients[2]!.contracts[0]!).update({ status: 'ended', end_date: '2026-01-01' });

    const cups = await db('supply_points').where('id', clients[5]!.supplyPoints[0]!).first('cups');
    const queries = ['', 'colón', 'COLÓN', 'colon', 'ávila', 'AVILA', 'àvila', 'ñandú', 'ÓSCAR', 'sueca 46004',
      'entradas alfa', '50%', 'bar_', '%', cups.cups.toLowerCase(), `${cups.cups.slice(0, 4)} ${cups.cups.slice(4, 8)}`,
      clients[7]!.taxId, 'València', '2º', 'nada-de-esto'];
    expect(await samePages(db, user, queries)).to.be.greaterThan(250);
    await entriesAreFresh(db);

    // every change the entries follow
    await db('customers').where('id', clients[0]!.id).update({ name: 'Aaa Primera' });
    await db('customers').where('id', clients[1]!.id).update({ tax_id: 'B99999999' });
    await db('supply_points').where('id', clients[3]!.supplyPoints[0]!)
      .update({ street: 'Calle Nueva de Sueca', number: '7' });
    await db('supply_points').where('id', clients[6]!.supplyPoints[0]!).update({ energy: 'gas' });
    await db('contracts').where('id', clients[2]!.contracts[0]!).update({ status: 'active', end_date: null });
    await db('contracts').where('id', clients[8]!.contracts[0]!).update({ status: 'ended', end_date: '2026-01-01' });
    await db('external_managers').where({ customer_id: clients[9]!.id, manager_customer_id: g1.id })
      .update({ status: 'revoked' });
    await db('external_managers').where({ customer_id: clients[4]!.id, manager_customer_id: g2.id })
      .update({ status: 'active' });
    await createSupply(db, await createContractAccount(db, clients[10]!), { energy: 'gas', street: 'Calle de Colón' });
    await db('external_managers').where({ customer_id: clients[11]!.id }).delete();
    await db('customers').where('id', clients[12]!.id).delete();
    await entriesAreFresh(db);
    expect(await samePages(db, user, ['', 'sueca', 'b99999999', 'aaa', 'colón'])).to.be.greaterThan(50);
  });

  it('offers e-billing on the same contracts and counts the same customers, up to the cap', async () => {
    const { db: { knex: db } } = await testContext();
    const user = await createUser(db);
    const g = await client(db, 'Oferta Gestoría S.L.', [{ eBilling: false }]);
    const reader = await client(db, 'Oferta Solo Lectura S.L.', []);
    await linkUser(db, user, g, 'representative');
    await linkUser(db, user, reader, 'authorized_read');
    const clients = [];
    for (let i = 0; i < 8; i++) {
      clients.push(await client(db, `Oferta Cliente ${i}`, [{ eBilling: i % 2 === 0 }, { eBilling: true }]));
    }
    for (const c of clients.slice(0, 6)) await manage(db, g, c);
    for (const c of clients.slice(4)) await manage(db, reader, c);
    const access = await loadUserAccess(db, user.id);
    const links = await linksForUser(db, user.id);
    const { act, directIds } = await overviewSearch(db, links, { terms: [], role: null, energy: null });
    const actIds = access.customerIds().filter((id) => access.to(id).act);
    for (const limit of [1, 3, 10]) {
      expect(await eBillingCandidates(db, act, limit), `limit ${limit}`)
        .to.deep.equal(await eBillingCandidates(db, actIds, limit));
    }
    const reachable = access.customerIds().filter((id) => access.to(id).read).length;
    expect(await countReachableCustomers(db, directIds)).to.equal(reachable);
    expect(await countReachableCustomers(db, directIds, 5)).to.equal(5);
    expect(await countReachableCustomers(db, directIds, 1)).to.equal(1);
    expect(await countReachableCustomers(db, directIds, reachable + 1)).to.equal(reachable);
    expect(ROLE_FILTERS).to.include('gestoria');
  });
});
