/**
 * The one query behind every logged-in request (`findSessionUser`): the user's columns, links
 * and which linked customers are gestorías, equal to what the separate reads give, and the
 * access built from it equal to the access built by asking for every link's relations.
 */
import { expect } from 'chai';
import { testContext } from '../support/context';
import { appointManager, createCompanyWithSupply, createUser, linkUser, queriesDuring } from '../support/factories';
import { findSessionUser, findUserById } from '../../src/data/users-repo';
import { linksForUser } from '../../src/data/links-repo';
import { loadUserAccess } from '../../src/services/access';

const client = createCompanyWithSupply;
const manage = appointManager;

describe('the session user: one query for the user, the links and the gestorías among them', () => {
  it('gives the same columns and links as the separate reads, and names only active managing links', async () => {
    const { db: { knex: db } } = await testContext();
    const user = await createUser(db);
    const gestoria = await client(db, 'Sesión Gestoría Activa S.L.');
    const pendingGestoria = await client(db, 'Sesión Gestoría Pendiente S.L.');
    const invitedGestoria = await client(db, 'Sesión Gestoría Invitada S.L.');
    const own = await client(db, 'Sesión Hogar Propio');
    const revoked = await client(db, 'Sesión Revocada S.L.');
    const [a, b, c] = await Promise.all(['A', 'B', 'C'].map((n) => client(db, `Sesión Cliente ${n} S.L.`)));
    await linkUser(db, user, gestoria, 'representative');
    await linkUser(db, user, pendingGestoria, 'authorized_read');
    await linkUser(db, user, invitedGestoria, 'holder', 'invited');
    await linkUser(db, user, own, 'holder');
    await linkUser(db, user, revoked, 'authorized_full', 'revoked');
    await manage(db, gestoria, a!);
    await manage(db, pendingGestoria, b!, 'pending_review'); // not managing yet
    await manage(db, invitedGestoria, c!); // manages, but the user's link is not active
    await manage(db, revoked, c!);

    const found = (await findSessionUser(db, user.id))!;
    const full = (await findUserById(db, user.id))!;
    expect(found.user).to.deep.equal({
      id: full.id, login_id: full.login_id, first_name: full.first_name, last_name: full.last_name,
      email: full.email, language: full.language, status: full.status,
    });
    const byCustomer = (xs: { customerId: number }[]) => [...xs].sort((x, y) => x.customerId - y.customerId);
    expect(byCustomer(found.links)).to.deep.equal(byCustomer(await linksForUser(db, user.id)));
    expect(found.links.map((l) => l.customerId)).not.to.include(revoked.id);
    expect(found.managing).to.deep.equal([gestoria.id]);

    // the access built from it is the access built by asking about every active link
    const fromSession = await loadUserAccess(db, user.id, found.links, found.managing);
    const asked = await loadUserAccess(db, user.id);
    expect(fromSession.managers).to.deep.equal(asked.managers);
    for (const id of [gestoria, pendingGestoria, invitedGestoria, own, revoked, a!, b!, c!].map((x) => x.id)) {
      expect(fromSession.to(id), `customer ${id}`).to.deep.equal(asked.to(id));
    }
    expect(fromSession.customerIds().sort()).to.deep.equal(asked.customerIds().sort());
  });

  it('a household (no gestoría among its links) gets its access without asking for relations', async () => {
    const { db: { knex: db } } = await testContext();
    const user = await createUser(db);
    const home = await client(db, 'Sesión Hogar Solo');
    await linkUser(db, user, home, 'holder');
    const found = (await findSessionUser(db, user.id))!;
    expect(found.managing).to.deep.equal([]);
    const sent = await queriesDuring(db, () => loadUserAccess(db, user.id, found.links, found.managing));
    expect(sent).to.deep.equal([]);
    const withoutKnowing = await queriesDuring(db, () => loadUserAccess(db, user.id, found.links));
    expect(withoutKnowing).to.have.length(1);
  });

  it('is undefined for an unknown user, and has no links for a user without any', async () => {
    const { db: { knex: db } } = await testContext();
    expect(await findSessionUser(db, 2 ** 31 - 1)).to.equal(undefined);
    const user = await createUser(db);
    const found = (await findSessionUser(db, user.id))!;
    expect(found.links).to.deep.equal([]);
    expect(found.managing).to.deep.equal([]);
  });
});
