import { expect } from 'chai';
import request from 'supertest';
import type { Knex } from 'knex';
import { testContext } from '../support/context';
import {
  createContractAccount, createCustomer, createHousehold, createSupply, createUser, csrfFrom, GOOD_PASSWORD, lastMailTo, linkIn, linkUser,
  loginAs, mailsTo, pageText, uniqueEmail, uniqueNif, type Agent, type UserFixture,
} from '../support/factories';

/** A company with one supply and its representative, logged in. */
async function company() {
  const ctx = await testContext();
  const db = ctx.db.knex;
  const customer = await createCustomer(db, { kind: 'company' });
  const account = await createContractAccount(db, customer);
  const supply = await createSupply(db, account);
  const rep = await createUser(db, { loginId: customer.representativeNif!, firstName: 'Marta', lastName: 'Representante Pruebas' });
  await linkUser(db, rep, customer, 'representative');
  const agent = await loginAs(request.agent(ctx.app), rep.loginId, rep.password);
  return { ctx, db, customer, supply, rep, agent };
}

function fieldError(html: string, field: string): string {
  const m = new RegExp(`id="f-${field}-error"[^>]*>([\\s\\S]*?)</p>`).exec(html);
  return m ? pageText(m[1]!).replace(/^Error:\s*/, '') : '';
}

function inputValue(html: string, field: string): string | undefined {
  const tag = new RegExp(`<input[^>]*id="f-${field}"[^>]*>`).exec(html)?.[0];
  return tag ? /value="([^"]*)"/.exec(tag)?.[1] : undefined;
}

async function addContact(agent: Agent, customerId: number, fields: Record<string, string>) {
  const page = await agent.get(`/clientes/${customerId}/contactos`).expect(200);
  return agent.post(`/clientes/${customerId}/contactos`).type('form').send({ _csrf: csrfFrom(page.text), ...fields });
}

async function postOnContact(agent: Agent, customerId: number, linkId: number, fields: Record<string, string>) {
  const page = await agent.get(`/clientes/${customerId}/contactos`).expect(200);
  return agent.post(`/clientes/${customerId}/contactos/${linkId}`).type('form').send({ _csrf: csrfFrom(page.text), ...fields });
}

async function liveLinkOf(db: Knex, userId: number, customerId: number) {
  return db('customer_links').where({ user_id: userId, customer_id: customerId }).whereNot('status', 'revoked').first();
}

async function auditActions(db: Knex, customerId: number): Promise<string[]> {
  return (await db('audit_log').where({ customer_id: customerId }).orderBy('id').select('action')).map((r: { action: string }) => r.action);
}

/** Posting a reading is an act (a request is created): read-only contacts are refused. */
async function postReading(agent: Agent, contractId: number) {
  const page = await agent.get(`/contratos/${contractId}/lectura`);
  expect(page.status, 'the reading form is readable').to.equal(200);
  return agent.post(`/contratos/${contractId}/lectura`).type('form').send({ _csrf: csrfFrom(page.text), date: '' });
}

async function registerFromInvitation(app: unknown, link: string, fields: Record<string, string>) {
  const agent = request.agent(app as Parameters<typeof request.agent>[0]);
  const page = await agent.get(link);
  return { agent, page, post: (extra: Record<string, string> = {}) => agent.post('/registro/invitacion').type('form').send({ _csrf: csrfFrom(page.text), token: new URL(link, 'http://x').searchParams.get('token')!, ...fields, ...extra }) };
}

describe('authorised contacts', () => {
  // issue 12, item 16: invitations are limited per inviter and per invited NIF
  it('limits invitations per invited NIF whoever sends them, and per inviter', async () => {
    const { db, customer, agent } = await company();
    // logging in resets the throttles: both inviters log in first
    const other = await company();
    const nif = uniqueNif();
    for (let i = 1; i <= 5; i++) {
      const res = await addContact(agent, customer.id, { nif, email: uniqueEmail(`diana${i}`), firstName: 'Diana', lastName: 'Objetivo Ruiz', role: 'authorized_read' });
      expect(res.status, `invitation ${i}`).to.equal(303);
    }
    // another company inviting the same NIF is refused too
    const refused = await addContact(other.agent, other.customer.id, { nif, email: uniqueEmail('diana'), firstName: 'Diana', lastName: 'Objetivo Ruiz', role: 'authorized_read' });
    expect(refused.status).to.equal(429);
    expect(pageText(refused.text)).to.include('Espera unos minutos antes de volver a intentarlo.');
    expect(await db('contact_invitations').where({ customer_id: other.customer.id })).to.have.length(0);

    await db('rate_limits').where('bucket', 'like', 'invite-to:%').delete();
    await db('rate_limits').where('bucket', 'like', 'invite-by:%').update({ hits: 20 });
    const byInviter = await addContact(agent, customer.id, { nif: uniqueNif(), email: uniqueEmail('otra'), firstName: 'Otra', lastName: 'Persona Distinta', role: 'authorized_read' });
    expect(byInviter.status).to.equal(429);
  });

  it('refuses to give a user created from someone else\'s invitation another customer\'s data under a different email', async () => {
    const { db, customer, agent } = await company();
    const invited = await createUser(db, { firstName: 'Pedro', lastName: 'Invitado Ruiz' });
    await db('users').where({ id: invited.id }).update({ identity_proven: false });
    const res = await addContact(agent, customer.id, { nif: invited.loginId, email: uniqueEmail('real'), firstName: 'Pedro', lastName: 'Invitado Ruiz', role: 'authorized_full' });
    expect(res.status).to.equal(422);
    expect(await liveLinkOf(db, invited.id, customer.id)).to.equal(undefined);
    expect(await mailsTo(db, invited.email)).to.have.length(0);
    // the same mailbox as the one on that user is fine
    const same = await addContact(agent, customer.id, { nif: invited.loginId, email: invited.email, firstName: 'Pedro', lastName: 'Invitado Ruiz', role: 'authorized_full' });
    expect(same.status).to.equal(303);
  });

  it('invites an unregistered person, who registers from the emailed link, logs in and sees the client', async () => {
    const { ctx, db, customer, supply, rep, agent } = await company();
    const nif = uniqueNif();
    const email = uniqueEmail('invitada');
    const res = await addContact(agent, customer.id, { nif: nif.toLowerCase().replace(/(\d{2})(\d{3})/, '$1.$2.'), email, firstName: 'Nuria', lastName: 'Invitada Soler', role: 'authorized_read' });
    expect(res.status).to.equal(303);
    const list = await agent.get(res.headers.location!).expect(200);
    expect(pageText(list.text)).to.include(`Hemos enviado la invitación a ${email}`);
    expect(pageText(list.text)).to.match(/Nuria Invitada Soler .* Solo lectura Invitación enviada/);

    const mail = (await lastMailTo(db, email))!;
    expect(mail.subject).to.equal('Marta Representante Pruebas te ha autorizado en el Área Clientes');
    expect(mail.text_body).to.include(customer.name).and.to.include('Solo lectura');
    const link = linkIn(mail.text_body, '/registro/invitacion');

    // the form comes pre-filled with what the representative typed
    const { agent: invited, page, post } = await registerFromInvitation(ctx.app, link, {});
    expect(page.status).to.equal(200);
    expect(inputValue(page.text, 'nif')).to.equal(nif);
    expect(inputValue(page.text, 'firstName')).to.equal('Nuria');
    expect(inputValue(page.text, 'lastName')).to.equal('Invitada Soler');
    expect(inputValue(page.text, 'email')).to.equal(email);
    expect(pageText(page.text)).to.include(`Marta Representante Pruebas te ha autorizado en el Área Clientes de ${customer.name} (Solo lectura)`);

    // another NIF than the invited one is refused, keeping what was typed
    const other = uniqueNif();
    const wrong = await post({ nif: other, firstName: 'Nuria', lastName: 'Invitada Soler', password: GOOD_PASSWORD, passwordConfirm: GOOD_PASSWORD, terms: 'on' });
    expect(wrong.status).to.equal(422);
    expect(fieldError(wrong.text, 'nif')).to.include('El NIF no coincide con el de la invitación');
    expect(inputValue(wrong.text, 'nif')).to.equal(other);
    expect(await db('users').where({ login_id: other }).first()).to.equal(undefined);

    // a weak password and no terms: errors next to the fields
    const weak = await post({ nif, firstName: 'Nuria', lastName: 'Invitada Soler', password: 'corta', passwordConfirm: 'corta' });
    expect(weak.status).to.equal(422);
    expect(fieldError(weak.text, 'password')).to.include('al menos 12 caracteres');
    expect(weak.text).to.include('id="f-terms-error"');

    const ok = await post({ nif, firstName: 'Nuria', lastName: 'Invitada Soler', password: GOOD_PASSWORD, passwordConfirm: GOOD_PASSWORD, terms: 'on' });
    expect(ok.status).to.equal(303);
    expect(ok.headers.location).to.equal('/acceso');
    const user = await db('users').where({ login_id: nif }).first();
    expect(user.status).to.equal('active');
    expect(user.email).to.equal(email);
    expect(user.email_verified_at).to.not.equal(null);
    const link2 = await liveLinkOf(db, user.id, customer.id);
    expect(link2).to.include({ role: 'authorized_read', status: 'active' });
    expect(Number(link2.granted_by)).to.equal(rep.id);
    expect(pageText((await invited.get('/acceso').expect(200)).text)).to.include(`Tu usuario está creado y autorizado en ${customer.name}`);

    // single use
    const again = await request(ctx.app).get(link);
    expect(again.status).to.equal(410);
    expect(pageText(again.text)).to.include('Esta invitación ya se ha usado');

    // the new contact logs in and sees the client, read-only
    const contact = await loginAs(request.agent(ctx.app), nif, GOOD_PASSWORD);
    expect(pageText((await contact.get('/suministros').expect(200)).text)).to.include(customer.name);
    await contact.get(`/contratos/${supply.contractId}`).expect(200);
    expect((await postReading(contact, supply.contractId)).status).to.equal(403);

    // the list shows them as active now, and everything is in the audit log
    expect(pageText((await agent.get(`/clientes/${customer.id}/contactos`).expect(200)).text)).to.match(/Nuria Invitada Soler .* Solo lectura Activo/);
    expect(await auditActions(db, customer.id)).to.include.members(['contact.invited', 'contact.invitation_accepted']);
  });

  it('links an existing user at once and emails them at the address of their account', async () => {
    const { ctx, db, customer, supply, agent } = await company();
    const existing = await createUser(db, { firstName: 'Pere', lastName: 'Existent Vidal' });
    const res = await addContact(agent, customer.id, { nif: existing.loginId, email: 'otra.direccion@example.com', firstName: 'Pe', lastName: 'Otro nombre', role: 'authorized_full' });
    expect(res.status).to.equal(303);
    expect(pageText((await agent.get(res.headers.location!)).text)).to.include('Pere Existent Vidal ya tenía usuario del Área Clientes');
    expect(await liveLinkOf(db, existing.id, customer.id)).to.include({ role: 'authorized_full', status: 'active' });
    const mail = (await lastMailTo(db, existing.email))!;
    expect(mail.template).to.equal('contact_added');
    expect(mail.subject).to.equal('Marta Representante Pruebas te ha autorizado en el Área Clientes');
    expect(await mailsTo(db, 'otra.direccion@example.com')).to.have.length(0);
    expect(await auditActions(db, customer.id)).to.include('contact.added');

    const contact = await loginAs(request.agent(ctx.app), existing.loginId, existing.password);
    await contact.get(`/contratos/${supply.contractId}`).expect(200);

    // adding them again is refused next to the NIF field
    const dup = await addContact(agent, customer.id, { nif: existing.loginId, email: existing.email, firstName: 'Pere', lastName: 'Existent Vidal', role: 'authorized_read' });
    expect(dup.status).to.equal(422);
    expect(fieldError(dup.text, 'nif')).to.include('ya es un contacto autorizado activo');
  });

  it('a read-only contact can read but not act; changed to total, the next request may act', async () => {
    const { ctx, db, customer, supply, agent } = await company();
    const reader = await createUser(db);
    await addContact(agent, customer.id, { nif: reader.loginId, email: reader.email, firstName: reader.firstName, lastName: reader.lastName, role: 'authorized_read' });
    const link = await liveLinkOf(db, reader.id, customer.id);
    const contact = await loginAs(request.agent(ctx.app), reader.loginId, reader.password);

    const refused = await postReading(contact, supply.contractId);
    expect(refused.status).to.equal(403);
    expect(pageText(refused.text)).to.match(/permiso/i);
    expect(await db('requests').where({ customer_id: customer.id }).count('* as n').first()).to.deep.include({ n: 0 });

    const changed = await postOnContact(agent, customer.id, link.id, { action: 'role', role: 'authorized_full' });
    expect(changed.status).to.equal(303);
    expect(pageText((await agent.get(changed.headers.location!)).text)).to.include('es ahora «Autorización total»');
    expect((await lastMailTo(db, reader.email))!.template).to.equal('contact_role_changed');

    // same session, next request: the form is validated, not refused
    const allowed = await postReading(contact, supply.contractId);
    expect(allowed.status).to.not.equal(403);
    expect(allowed.status).to.be.oneOf([400, 422]);

    // changing to the same role again says so
    const same = await postOnContact(agent, customer.id, link.id, { action: 'role', role: 'authorized_full' });
    expect(same.status).to.equal(422);
    expect(pageText(same.text)).to.include('El contacto ya tiene ese rol');
    expect(await auditActions(db, customer.id)).to.include('contact.role_changed');
  });

  it('deactivation takes effect on the contact’s next request', async () => {
    const { ctx, db, customer, supply, agent } = await company();
    const full = await createUser(db, { firstName: 'Iván', lastName: 'Desactivado Ruiz' });
    await linkUser(db, full, customer, 'authorized_full');
    const link = await liveLinkOf(db, full.id, customer.id);
    const contact = await loginAs(request.agent(ctx.app), full.loginId, full.password);
    await contact.get(`/contratos/${supply.contractId}`).expect(200);

    // issue 13, item 7: one click never destroys access; a confirmation page (no JavaScript needed) asks first
    const unconfirmed = await postOnContact(agent, customer.id, link.id, { action: 'deactivate' });
    expect(unconfirmed.status).to.equal(303);
    expect(unconfirmed.headers.location).to.equal(`/clientes/${customer.id}/contactos/${link.id}/desactivar`);
    expect((await db('customer_links').where({ id: link.id }).first()).status).to.equal('active');
    const confirm = await agent.get(unconfirmed.headers.location!).expect(200);
    expect(pageText(confirm.text)).to.include('Iván Desactivado Ruiz dejará de tener acceso');
    expect(confirm.text).to.include('name="confirmed" value="1"');
    await contact.get(`/contratos/${supply.contractId}`).expect(200);

    const res = await agent.post(`/clientes/${customer.id}/contactos/${link.id}`).type('form').send({ _csrf: csrfFrom(confirm.text), action: 'deactivate', confirmed: '1' });
    expect(res.status).to.equal(303);
    const list = pageText((await agent.get(res.headers.location!)).text);
    expect(list).to.include('Iván Desactivado Ruiz se ha desactivado');
    expect(list).to.match(/Iván Desactivado Ruiz .* Desactivado/);
    const row = await db('customer_links').where({ id: link.id }).first();
    expect(row.status).to.equal('revoked');
    expect(row.revoked_at).to.not.equal(null);
    expect((await lastMailTo(db, full.email))!.template).to.equal('contact_deactivated');
    expect(await auditActions(db, customer.id)).to.include('contact.deactivated');

    await contact.get(`/contratos/${supply.contractId}`).expect(404);

    // deactivating again is refused with a message, and they can be added back later
    const again = await postOnContact(agent, customer.id, link.id, { action: 'deactivate', confirmed: '1' });
    expect(again.status).to.equal(422);
    expect(pageText(again.text)).to.include('ya está desactivado');
    const back = await addContact(agent, customer.id, { nif: full.loginId, email: full.email, firstName: 'Iván', lastName: 'Desactivado Ruiz', role: 'authorized_read' });
    expect(back.status).to.equal(303);
    await contact.get(`/contratos/${supply.contractId}`).expect(200);
  });

  it('shows the representative marked and unchangeable; a forged change is refused', async () => {
    const { db, customer, rep, agent } = await company();
    const page = await agent.get(`/clientes/${customer.id}/contactos`).expect(200);
    expect(pageText(page.text)).to.match(/Marta Representante Pruebas .* Representante Activo/);
    expect(pageText(page.text)).to.include('No se puede cambiar aquí');
    // …but the representative's row leads to the documented change (seed 001 "cambiar representante")
    expect(page.text).to.include(`<a href="/clientes/${customer.id}/representante">Cambiar representante</a>`);
    const repLink = await liveLinkOf(db, rep.id, customer.id);
    expect(page.text).to.not.include(`action="/clientes/${customer.id}/contactos/${repLink.id}"`);

    // a holder/representative of a second link (another person) cannot be demoted either
    const holderish = await createUser(db);
    await linkUser(db, holderish, customer, 'representative');
    const other = await liveLinkOf(db, holderish.id, customer.id);
    for (const fields of [{ action: 'role', role: 'authorized_read' }, { action: 'deactivate', confirmed: '1' }] as Record<string, string>[]) {
      const res = await postOnContact(agent, customer.id, other.id, fields);
      expect(res.status).to.equal(422);
      expect(pageText(res.text)).to.include('no se puede cambiar desde esta página');
    }
    expect(await liveLinkOf(db, holderish.id, customer.id)).to.include({ role: 'representative', status: 'active' });
  });

  it('validation errors are shown next to the fields and keep what was typed', async () => {
    const { db, customer, rep, agent } = await company();
    const bad = await addContact(agent, customer.id, { nif: '12345678A', email: 'no-es-un-email', firstName: 'Ana', lastName: '', role: 'authorized_full' });
    expect(bad.status).to.equal(422);
    expect(fieldError(bad.text, 'nif')).to.include('Formato de NIF o NIE incorrecto');
    expect(fieldError(bad.text, 'email')).to.not.equal('');
    expect(fieldError(bad.text, 'lastName')).to.not.equal('');
    expect(inputValue(bad.text, 'nif')).to.equal('12345678A');
    expect(inputValue(bad.text, 'email')).to.equal('no-es-un-email');
    expect(inputValue(bad.text, 'firstName')).to.equal('Ana');
    expect(bad.text).to.match(/id="f-role" [^>]*value="authorized_full"[^>]*checked/);
    expect(bad.text).to.include('aria-describedby="f-nif-hint f-nif-error"');

    const cif = await addContact(agent, customer.id, { nif: customer.taxId, email: 'a@example.com', firstName: 'Ana', lastName: 'López', role: 'authorized_full' });
    expect(fieldError(cif.text, 'nif')).to.include('no con un CIF');

    const self = await addContact(agent, customer.id, { nif: rep.loginId, email: rep.email, firstName: 'Marta', lastName: 'Yo', role: 'authorized_full' });
    expect(self.status).to.equal(422);
    expect(fieldError(self.text, 'nif')).to.include('No puedes añadirte a ti mismo');

    const noRole = await addContact(agent, customer.id, { nif: uniqueNif(), email: 'b@example.com', firstName: 'Ana', lastName: 'López', role: 'representative' });
    expect(noRole.status).to.equal(422);
    expect(noRole.text).to.include('id="f-role-error"');
    expect(await db('contact_invitations').where({ customer_id: customer.id }).count('* as n').first()).to.deep.include({ n: 0 });
  });

  it('only the holder or representative opens the page: authorised contacts get 403, other customers 404', async () => {
    const { ctx, db, customer } = await company();
    const full = await createUser(db);
    await linkUser(db, full, customer, 'authorized_full');
    const fullAgent = await loginAs(request.agent(ctx.app), full.loginId, full.password);
    await fullAgent.get(`/clientes/${customer.id}/contactos`).expect(403);
    await fullAgent.post(`/clientes/${customer.id}/contactos`).type('form').send({ _csrf: csrfFrom((await fullAgent.get('/ajustes')).text), nif: uniqueNif() }).expect(403);

    const stranger = await createHousehold(db);
    const strangerAgent = await loginAs(request.agent(ctx.app), stranger.user.loginId, stranger.user.password);
    await strangerAgent.get(`/clientes/${customer.id}/contactos`).expect(404);
    await strangerAgent.get(`/clientes/${stranger.customer.id}/contactos`).expect(200);
    await strangerAgent.get('/clientes/abc/contactos').expect(404);

    await request(ctx.app).get(`/clientes/${customer.id}/contactos`).expect(303).expect('Location', '/');
  });

  it('refuses a POST without the CSRF token', async () => {
    const { db, customer, agent } = await company();
    const res = await agent.post(`/clientes/${customer.id}/contactos`).type('form').send({ nif: uniqueNif(), email: 'x@example.com', firstName: 'Sin', lastName: 'Token', role: 'authorized_full' });
    expect(res.status).to.equal(403);
    expect(await db('contact_invitations').where({ customer_id: customer.id }).count('* as n').first()).to.deep.include({ n: 0 });
  });

  it('expired, cancelled and replaced invitations no longer open the form', async () => {
    const { ctx, db, customer, agent } = await company();
    const nif = uniqueNif();
    const email = uniqueEmail('caduca');
    await addContact(agent, customer.id, { nif, email, firstName: 'Elena', lastName: 'Caducada', role: 'authorized_full' });
    const first = linkIn((await lastMailTo(db, email))!.text_body, '/registro/invitacion');
    // inviting again replaces the first link
    await addContact(agent, customer.id, { nif, email, firstName: 'Elena', lastName: 'Caducada', role: 'authorized_full' });
    const second = linkIn((await lastMailTo(db, email))!.text_body, '/registro/invitacion');
    expect((await request(ctx.app).get(first)).status).to.equal(410);
    await request(ctx.app).get(second).expect(200);
    expect(await db('contact_invitations').where({ customer_id: customer.id, status: 'pending' }).count('* as n').first()).to.deep.include({ n: 1 });

    await db('contact_invitations').where({ customer_id: customer.id, status: 'pending' }).update({ expires_at: new Date(ctx.clock.now().getTime() - 1000) });
    const expired = await request(ctx.app).get(second);
    expect(expired.status).to.equal(410);
    expect(pageText(expired.text)).to.include('ha caducado');
    expect(pageText((await agent.get(`/clientes/${customer.id}/contactos`)).text)).to.include('Invitación caducada');

    // "send again" from the list gives a fresh link; cancelling kills it
    const inv = await db('contact_invitations').where({ customer_id: customer.id, status: 'pending' }).first();
    const page = await agent.get(`/clientes/${customer.id}/contactos`);
    await agent.post(`/clientes/${customer.id}/contactos/invitaciones/${inv.id}`).type('form').send({ _csrf: csrfFrom(page.text), action: 'resend' }).expect(303);
    const third = linkIn((await lastMailTo(db, email))!.text_body, '/registro/invitacion');
    await request(ctx.app).get(third).expect(200);
    const inv3 = await db('contact_invitations').where({ customer_id: customer.id, status: 'pending' }).first();
    await agent.post(`/clientes/${customer.id}/contactos/invitaciones/${inv3.id}`).type('form').send({ _csrf: csrfFrom(page.text), action: 'cancel' }).expect(303);
    expect((await request(ctx.app).get(third)).status).to.equal(410);
    expect(await auditActions(db, customer.id)).to.include('contact.invitation_cancelled');
    await request(ctx.app).get('/registro/invitacion?token=nonsense-token-that-does-not-exist').expect(404);
  });

  it('/ajustes links to the contacts page of each customer the user manages', async () => {
    const { ctx, db, customer, agent } = await company();
    const settings = await agent.get('/ajustes').expect(200);
    expect(settings.text).to.include(`href="/clientes/${customer.id}/contactos"`);
    const reader = await createUser(db);
    await linkUser(db, reader, customer, 'authorized_read');
    const readerAgent = await loginAs(request.agent(ctx.app), reader.loginId, reader.password);
    expect((await readerAgent.get('/ajustes').expect(200)).text).to.not.include('/contactos"');
  });

  describe('gestorías (rule 18)', () => {
    async function gestoria() {
      const { ctx, db, customer: g, rep, agent } = await company();
      const client = await createCustomer(db, { kind: 'community' });
      const supply = await createSupply(db, await createContractAccount(db, client));
      await db('external_managers').insert({ customer_id: client.id, manager_customer_id: g.id, status: 'active', created_at: ctx.clock.now(), decided_at: ctx.clock.now() });
      return { ctx, db, g, rep, agent, client, supply };
    }

    it('the gestoría representative manages the gestoría’s collaborators, never the client’s contacts', async () => {
      const { ctx, db, g, agent, client, supply } = await gestoria();
      await agent.get(`/clientes/${client.id}/contactos`).expect(403);
      await agent.get(`/contratos/${supply.contractId}`).expect(200);

      const collaborator: UserFixture = await createUser(db, { firstName: 'Jordi', lastName: 'Col·laborador' });
      const res = await addContact(agent, g.id, { nif: collaborator.loginId, email: collaborator.email, firstName: 'Jordi', lastName: 'Col·laborador', role: 'authorized_read' });
      expect(res.status).to.equal(303);
      const collab = await loginAs(request.agent(ctx.app), collaborator.loginId, collaborator.password);
      // through the gestoría: the managed client is readable but read-only
      expect(pageText((await collab.get('/suministros').expect(200)).text)).to.include(client.name);
      await collab.get(`/contratos/${supply.contractId}`).expect(200);
      expect((await postReading(collab, supply.contractId)).status).to.equal(403);
      await collab.get(`/clientes/${g.id}/contactos`).expect(403);

      // made "total" on the gestoría, they act for its clients on the next request
      const link = await liveLinkOf(db, collaborator.id, g.id);
      await postOnContact(agent, g.id, link.id, { action: 'role', role: 'authorized_full' });
      expect((await postReading(collab, supply.contractId)).status).to.not.equal(403);

      // deactivated on the gestoría, they lose its clients too
      await postOnContact(agent, g.id, link.id, { action: 'deactivate', confirmed: '1' });
      await collab.get(`/contratos/${supply.contractId}`).expect(404);
    });
  });
});
