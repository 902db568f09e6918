import { expect } from 'chai';
import request from 'supertest';
import type { Knex } from 'knex';
import { testContext } from '../support/context';
import {
  createContractAccount, createCustomer, createSupply, createUser, csrfFrom, GOOD_PASSWORD, lastMailTo, linkIn, linkUser, loginAs, pageText, uniqueCif, uniqueEmail, uniqueNif,
  type UserFixture,
} from '../support/factories';
import { postMultipart, tinyPdf } from '../support/multipart';
import { approveExternalManager } from '../../src/services/external-managers';
import { approveRepresentativeChange } from '../../src/services/representative-change';
import { actOnInvitation, addContact } from '../../src/services/contacts';

function fieldError(html: string, field: string): string {
  const m = new RegExp(`id="f-${field}-error"[^>]*>([\\s\\S]*?)</p>`).exec(html);
  return m ? pageText(m[1]!).replace(/^Error:\s*/, '') : '';
}

function inputValue(html: string, field: string): string {
  const tag = new RegExp(`<input[^>]*id="f-${field}"[^>]*>`).exec(html)?.[0];
  return (tag ? /value="([^"]*)"/.exec(tag)?.[1] : undefined) ?? '';
}

async function as(user: UserFixture) {
  const ctx = await testContext();
  return loginAs(request.agent(ctx.app), user.loginId, user.password);
}

/** A company with one supply and its representative, registered and linked. */
async function company(db: Knex) {
  const rep = await createUser(db, { firstName: 'Antonio' });
  const customer = await createCustomer(db, { kind: 'company', representativeNif: rep.loginId });
  const supply = await createSupply(db, await createContractAccount(db, customer));
  await linkUser(db, rep, customer, 'representative');
  return { customer, rep, supply };
}

/** Opens the emailed link and registers from it, as the invited person does. */
async function register(link: string, fields: Record<string, string>) {
  const ctx = await testContext();
  const agent = request.agent(ctx.app);
  const page = await agent.get(link);
  const token = new URL(link, 'http://x').searchParams.get('token')!;
  const post = (extra: Record<string, string>) => agent.post('/registro/invitacion').type('form').send({ _csrf: csrfFrom(page.text), token, password: GOOD_PASSWORD, passwordConfirm: GOOD_PASSWORD, terms: 'on', ...fields, ...extra });
  return { page, post };
}

async function loginWith(nif: string) {
  const ctx = await testContext();
  return loginAs(request.agent(ctx.app), nif, GOOD_PASSWORD);
}

describe('invitation of a representative approved by an administrator', () => {
  it('a gestoría with no user: the approval email invites its representative, who registers and sees the managed client', async () => {
    const { db: { knex: db }, clock, config } = await testContext();
    const client = await company(db);
    const taxId = uniqueCif();
    const nif = uniqueNif();
    const email = uniqueEmail('gestoria');
    const res = await postMultipart(await as(client.rep), `/clientes/${client.customer.id}/gestor-externo`,
      { managerTaxId: taxId, managerName: 'Gestoría Sin Suministros S.L.', representativeNif: nif, representativeEmail: email }, [{ name: 'poder.pdf', bytes: tinyPdf('Poder') }]);
    expect(res.status, pageText(res.text)).to.equal(303);
    const gestoria = await db('customers').where({ tax_id: taxId }).first('id');
    const rel = await db('external_managers').where({ customer_id: client.customer.id, manager_customer_id: gestoria.id }).first('request_id');
    await db.transaction((trx) => approveExternalManager(trx, rel.request_id, { id: null }, null, clock.now(), config));

    const mail = (await lastMailTo(db, email))!;
    expect(mail.template).to.equal('external_manager_active_register');
    expect(mail.text_body).to.include(nif).and.to.include('30 días');
    const link = linkIn(mail.text_body, '/registro/invitacion');
    expect((await db('contact_invitations').where({ customer_id: gestoria.id }).first()).role).to.equal('representative');

    // only a NIF and an email were given: the name fields are empty for the person to fill in
    const { page, post } = await register(link, { firstName: 'Rosa', lastName: 'Gestora Martí' });
    expect(page.status).to.equal(200);
    expect(pageText(page.text)).to.include('Regístrate como representante').and.to.include('constas como representante de Gestoría Sin Suministros S.L.');
    expect(inputValue(page.text, 'nif')).to.equal(nif);
    expect(inputValue(page.text, 'firstName')).to.equal('');
    expect(inputValue(page.text, 'lastName')).to.equal('');

    const wrong = await post({ nif: uniqueNif() });
    expect(wrong.status).to.equal(422);
    expect(fieldError(wrong.text, 'nif')).to.include('no coincide con el que consta en la documentación');
    expect((await post({ nif })).status).to.equal(303);

    const user = await db('users').where({ login_id: nif }).first('id', 'first_name', 'email');
    expect(user).to.include({ first_name: 'Rosa', email });
    expect(await db('customer_links').where({ user_id: user.id, customer_id: gestoria.id }).first('role', 'status')).to.deep.equal({ role: 'representative', status: 'active' });
    const agent = await loginWith(nif);
    await agent.get(`/contratos/${client.supply.contractId}`).expect(200);
    await agent.get(`/clientes/${gestoria.id}/contactos`).expect(200);
    // single use
    expect((await request((await testContext()).app).get(link)).status).to.equal(410);
  });

  it('a new representative of a company: invited by the approval email, registers with their NIF and manages the contacts', async () => {
    const { db: { knex: db }, clock, config } = await testContext();
    const { customer, rep } = await company(db);
    const holder = await createUser(db, { firstName: 'Helena' }); // someone who still manages contacts after the change
    await linkUser(db, holder, customer, 'holder');
    const nif = uniqueNif();
    const email = uniqueEmail('nueva.rep');
    const res = await postMultipart(await as(rep), `/clientes/${customer.id}/representante`,
      { choice: 'new', nif, name: 'Marta Ruiz Soler', email, previous: 'revoke', documentType: 'escritura_constitucion' }, [{ name: 'escritura.pdf', bytes: tinyPdf('Escritura') }]);
    expect(res.status, pageText(res.text)).to.equal(303);
    const requestId = Number(/(\d+)$/.exec(res.headers.location!)?.[1]);
    await db.transaction((trx) => approveRepresentativeChange(trx, requestId, { id: null }, null, clock.now(), config));

    const mail = (await lastMailTo(db, email))!;
    expect(mail.template).to.equal('representative_appointed_register');
    expect(mail.text_body).to.include('crea tu usuario con el enlace');
    const link = linkIn(mail.text_body, '/registro/invitacion');

    // the contacts page shows the pending representative, with nothing to cancel or resend there
    const holderAgent = await as(holder);
    const list = await holderAgent.get(`/clientes/${customer.id}/contactos`).expect(200);
    const inv = await db('contact_invitations').where({ customer_id: customer.id, status: 'pending' }).first('id', 'role', 'first_name', 'last_name');
    expect(inv).to.include({ role: 'representative', first_name: 'Marta Ruiz Soler', last_name: '' });
    const row = pageText(/<tr id="invitacion-\d+">[\s\S]*?<\/tr>/.exec(list.text)![0]);
    expect(row).to.include('Marta Ruiz Soler').and.to.include('Representante').and.to.include('Invitación enviada').and.to.include('No se puede cambiar aquí');
    expect(list.text).not.to.include(`/contactos/invitaciones/${inv.id}`);
    const cancel = await holderAgent.post(`/clientes/${customer.id}/contactos/invitaciones/${inv.id}`).type('form').send({ _csrf: csrfFrom(list.text), action: 'cancel' });
    expect(cancel.status).to.equal(422);
    // adding the same person as a contact would replace the invitation: refused
    const added = await holderAgent.post(`/clientes/${customer.id}/contactos`).type('form')
      .send({ _csrf: csrfFrom(list.text), nif, email, firstName: 'Marta', lastName: 'Ruiz Soler', role: 'authorized_read' });
    expect(added.status).to.equal(422);
    expect((await db('contact_invitations').where({ id: inv.id }).first('status')).status).to.equal('pending');

    // one name field in the request: the registration asks for the parts
    const { page, post } = await register(link, { nif, firstName: 'Marta', lastName: 'Ruiz Soler' });
    expect(inputValue(page.text, 'firstName')).to.equal('');
    expect((await post({})).status).to.equal(303);
    const agent = await loginWith(nif);
    await agent.get(`/clientes/${customer.id}/contactos`).expect(200);
    await agent.get(`/clientes/${customer.id}/representante`).expect(200);
    const user = await db('users').where({ login_id: nif }).first('id');
    expect(await db('customer_links').where({ user_id: user.id, customer_id: customer.id }).first('role')).to.deep.equal({ role: 'representative' });
  });

  it('a later change of representative voids the earlier invitation; the services refuse to cancel or resend it', async () => {
    const { db: { knex: db }, clock, config } = await testContext();
    const { customer, rep } = await company(db);
    const nif = uniqueNif();
    const email = uniqueEmail('anulada');
    const res = await postMultipart(await as(rep), `/clientes/${customer.id}/representante`,
      { choice: 'new', nif, name: 'Pere Vidal', email, previous: 'authorized_full', documentType: 'escritura_constitucion' }, [{ name: 'escritura.pdf', bytes: tinyPdf('Escritura') }]);
    expect(res.status, pageText(res.text)).to.equal(303);
    const requestId = Number(/(\d+)$/.exec(res.headers.location!)?.[1]);
    await db.transaction((trx) => approveRepresentativeChange(trx, requestId, { id: null }, null, clock.now(), config));
    const link = linkIn((await lastMailTo(db, email))!.text_body, '/registro/invitacion');
    const inv = await db('contact_invitations').where({ customer_id: customer.id, status: 'pending' }).first('id');

    const actor = { userId: rep.id, loginId: rep.loginId, firstName: rep.firstName, lastName: rep.lastName, ip: '127.0.0.1' };
    const c = { id: customer.id, name: customer.name };
    const sctx = { db, now: clock.now(), config, ip: '127.0.0.1', dataKey: Buffer.alloc(32) };
    for (const action of ['cancel', 'resend'] as const) {
      expect(await actOnInvitation(sctx, c, inv.id, action, actor, 'es')).to.deep.equal({ ok: false, reason: 'protected' });
    }
    expect(await addContact(sctx, c, { nif, email, firstName: 'Pere', lastName: 'Vidal', role: 'authorized_full' }, actor, 'es'))
      .to.deep.equal({ kind: 'refused', reason: 'is_representative' });

    // the representative on file changed again by other means: the link no longer works
    await db('customers').where({ id: customer.id }).update({ representative_nif: uniqueNif() });
    const { page, post } = await register(link, { nif, firstName: 'Pere', lastName: 'Vidal' });
    expect(page.status).to.equal(200);
    const refused = await post({});
    expect(refused.status).to.equal(410);
    expect(pageText(refused.text)).to.include('ha cambiado el representante');
    expect(await db('users').where({ login_id: nif }).first()).to.equal(undefined);
  });
});
