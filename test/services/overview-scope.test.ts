/**
 * The overview's scope as SQL (`overviewSearch`: direct links decided in code, the gestorías'
 * clients listed by the database) keeps exactly the customers, roles and actions of the whole
 * list built in code (`overviewScope` from `loadUserAccess`), for every role filter, with
 * direct links beside gestoría paths, several gestorías, revoked and pending relations.
 */
import { expect } from 'chai';
import { testContext } from '../support/context';
import { appointManager, createCompanyWithSupply, createUser, linkUser } from '../support/factories';
import { loadUserAccess } from '../../src/services/access';
import { accessToSome, linkLabels, overviewScope, overviewSearch } from '../../src/services/bulk-overview';
import { linksForUser } from '../../src/data/links-repo';
import { findSessionUser } from '../../src/data/users-repo';
import { countReachableCustomers, searchSupplies } from '../../src/data/supplies-repo';
import { ROLE_FILTERS, type RoleFilter } from '../../src/domain/overview';

const client = createCompanyWithSupply;
const manage = appointManager;

describe('overview scope in SQL', () => {
  it('keeps the same customers, links and actions as the list built in code', async () => {
    const { db: { knex: db } } = await testContext();
    const user = await createUser(db);
    const g1 = await client(db, 'Scope Gestoría Uno S.L.');
    const g2 = await client(db, 'Scope Gestoría Dos S.L.');
    const g3 = await client(db, 'Scope Gestoría Tres S.L.');
    const [a, b, c, d, e, f, h, z] = await Promise.all(['A', 'B', 'C', 'D', 'E', 'F', 'H', 'Z'].map((n, i) => client(db, `Scope Cliente ${n} S.L.`, i % 3 ? 'electricity' : 'gas')));
    await linkUser(db, user, g1, 'representative');
    await linkUser(db, user, g2, 'authorized_read');
    await linkUser(db, user, g3, 'holder', 'invited');
    await linkUser(db, user, a!, 'holder'); // direct, also managed by g1
    await linkUser(db, user, c!, 'authorized_read'); // direct read, but acts through g1
    await linkUser(db, user, e!, 'authorized_full'); // direct act, as strong as through g1
    await linkUser(db, user, z!, 'holder', 'revoked');
    for (const x of [a, b, c, e]) await manage(db, g1, x!);
    for (const x of [b, d]) await manage(db, g2, x!);
    await manage(db, g1, f!, 'revoked');
    await manage(db, g3, h!);
    await manage(db, g2, z!, 'pending_review');

    const access = await loadUserAccess(db, user.id);
    const links = await linksForUser(db, user.id);
    const session = (await findSessionUser(db, user.id))!;
    const ids = (rows: { customer_id: number }[]) => [...new Set(rows.map((r) => Number(r.customer_id)))].sort((x, y) => x - y);
    for (const role of [null, ...ROLE_FILTERS] as (RoleFilter | null)[]) {
      for (const energy of [null, 'gas'] as const) {
        const filter = { terms: role === 'gestoria' ? ['scope'] : [], role, energy };
        const old = overviewScope(access, filter);
        const now = await overviewSearch(db, links, filter);
        const oldRows = await searchSupplies(db, old.search);
        const newRows = await searchSupplies(db, now.search);
        expect(newRows.map((r) => r.contract_id), `role ${role}, energy ${energy}`).to.deep.equal(oldRows.map((r) => r.contract_id));
        const oldLabels = await linkLabels(db, old.accessById, ids(oldRows));
        const newLabels = await linkLabels(db, await accessToSome(db, links, ids(newRows)), ids(newRows));
        expect([...newLabels], `labels, role ${role}`).to.deep.equal([...oldLabels]);
        const actIds = [...old.accessById].filter(([, x]) => x.act).map(([id]) => id);
        expect(ids(await searchSupplies(db, now.act)), `act, role ${role}`).to.deep.equal(ids(await searchSupplies(db, { customerIds: actIds, terms: [] })));
        expect(await countReachableCustomers(db, now.directIds)).to.equal(old.accessById.size);
        // knowing which links manage anyone (the session user's read) changes no answer
        const known = await overviewSearch(db, links, filter, session.managing);
        expect(await searchSupplies(db, known.search), `managing known, role ${role}`).to.deep.equal(newRows);
        expect(ids(await searchSupplies(db, known.act))).to.deep.equal(ids(await searchSupplies(db, now.act)));
        expect(await countReachableCustomers(db, known.directIds, undefined, known.managers)).to.equal(old.accessById.size);
        const knownAccess = await accessToSome(db, links, ids(newRows), session.managing);
        expect([...await linkLabels(db, knownAccess, ids(newRows))]).to.deep.equal([...newLabels]);
      }
    }
    expect(session.managing.sort((x, y) => x - y)).to.deep.equal([g1.id, g2.id].sort((x, y) => x - y));
    // what the old list decides for these, for the record
    expect(access.to(c!.id).via).to.deep.include({ kind: 'manager' });
    expect(access.to(h!.id).read).to.equal(false);
    expect(access.to(f!.id).read).to.equal(false);
  });
});
