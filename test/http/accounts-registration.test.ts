import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import {
  addConsumption, createContractAccount, createCustomer, createSupply, createUser, csrfFrom, GOOD_PASSWORD, issueInvoices, lastMailTo,
  linkIn, linkUser, loginAs, mailsTo, pageText, resetThrottles, uniqueEmail, uniqueNif, type Agent,
} from '../support/factories';
import { verifyPassword } from '../../src/adapters/passwords';

const SENT = 'Si los datos son correctos, te hemos enviado un email con el enlace para activar tu usuario.';

interface Person { firstName: string; lastName: string; email: string; phone: string; password: string; passwordConfirm: string; secretQuestion: string; secretAnswer: string; terms?: string }

function person(overrides: Partial<Person> = {}): Person {
  return {
    firstName: 'Carmen', lastName: 'Navarro Gil', email: uniqueEmail('alta'), phone: '', password: GOOD_PASSWORD, passwordConfirm: GOOD_PASSWORD,
    secretQuestion: '', secretAnswer: '', terms: 'on', ...overrides,
  };
}

async function post(agent: Agent, path: '/registro/hogar' | '/registro/empresa', fields: Record<string, string | undefined>, lang?: string) {
  const form = await agent.get(path).set('Accept-Language', lang ?? 'es').expect(200);
  const body = Object.fromEntries(Object.entries({ _csrf: csrfFrom(form.text), ...fields }).filter(([, v]) => v !== undefined));
  return agent.post(path).set('Accept-Language', lang ?? 'es').type('form').send(body);
}

/** Four digits that are not the account's. */
function otherLast4(last4: string): string {
  return last4 === '0000' ? '1111' : '0000';
}

async function household(ctx: TestContext) {
  const customer = await createCustomer(ctx.db.knex, { kind: 'individual', name: 'Carmen Navarro Gil' });
  const account = await createContractAccount(ctx.db.knex, customer);
  const supply = await createSupply(ctx.db.knex, account);
  return { customer, account, supply };
}

async function login(ctx: TestContext, loginId: string, password: string) {
  const agent = request.agent(ctx.app);
  const page = await agent.get('/acceso');
  const res = await agent.post('/acceso').type('form').send({ _csrf: csrfFrom(page.text), loginId, password });
  return { agent, res };
}

describe('accounts: registration and activation', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testContext();
  });
  beforeEach(() => resetThrottles(ctx.db.knex));

  it('registers a household, emails a 48 h activation link, activates once and lands on the supplies', async () => {
    const { customer, account, supply } = await household(ctx);
    const p = person();
    const res = await post(request.agent(ctx.app), '/registro/hogar', { taxId: customer.taxId, contractAccount: account.number, ibanLast4: account.ibanLast4, ...p });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/registro/enviado');
    const sent = await request(ctx.app).get('/registro/enviado').expect(200);
    expect(pageText(sent.text)).to.include(SENT);

    const user = await ctx.db.knex('users').where({ login_id: customer.taxId }).first();
    expect(user).to.include({ status: 'pending', email: p.email, first_name: 'Carmen', last_name: 'Navarro Gil', language: 'es', email_verified_at: null });
    expect(await verifyPassword(user.password_hash, GOOD_PASSWORD)).to.equal(true);
    const links = await ctx.db.knex('customer_links').where({ user_id: user.id });
    expect(links.map((l) => [l.customer_id, l.role, l.status])).to.deep.equal([[customer.id, 'holder', 'active']]);
    const created = await ctx.db.knex('audit_log').where({ action: 'registration.created', target_id: String(user.id) });
    expect(created).to.have.length(1);
    expect(created[0]).to.include({ customer_id: customer.id, actor_type: 'anonymous' });

    const mail = (await lastMailTo(ctx.db.knex, p.email))!;
    expect(mail.template).to.equal('activation');
    expect(mail.subject).to.equal('Activa tu usuario del Área Clientes');
    expect(mail.text_body).to.include(`Hemos recibido tu solicitud de alta en el Área Clientes con el NIF ${customer.taxId}.`);
    expect(mail.text_body).to.include('Es válido durante 48 horas y solo se puede usar una vez.');
    expect(mail.text_body).not.to.include(GOOD_PASSWORD);
    const link = linkIn(mail.text_body, '/activar');
    const token = await ctx.db.knex('user_tokens').where({ user_id: user.id, purpose: 'activation' }).first();
    expect(new Date(token.expires_at).getTime() - ctx.clock.now().getTime()).to.equal(48 * 3600_000);

    // not activated: cannot log in
    expect((await login(ctx, customer.taxId, GOOD_PASSWORD)).res.status).to.equal(401);

    const browser = request.agent(ctx.app);
    const page = await browser.get(link).expect(200);
    expect(pageText(page.text)).to.include('Pulsa el botón para terminar el alta en el Área Clientes.');
    // opening the link changes nothing (mail scanners prefetch links)
    expect((await ctx.db.knex('users').where({ id: user.id }).first()).status).to.equal('pending');
    const done = await browser.post('/activar').type('form').send({ _csrf: csrfFrom(page.text), token: new URL(link, 'http://x').searchParams.get('token') }).expect(303);
    expect(done.headers.location).to.equal('/acceso');
    const flash = await browser.get('/acceso').expect(200);
    expect(pageText(flash.text)).to.include('Tu usuario está activado. Ya puedes acceder con tu NIF y tu contraseña.');

    const active = await ctx.db.knex('users').where({ id: user.id }).first();
    expect(active.status).to.equal('active');
    expect(new Date(active.email_verified_at).getTime()).to.equal(ctx.clock.now().getTime());
    expect(await ctx.db.knex('audit_log').where({ action: 'registration.activated', target_id: String(user.id) })).to.have.length(1);

    const { agent, res: ok } = await login(ctx, customer.taxId, GOOD_PASSWORD);
    expect(ok.status).to.equal(303);
    expect(ok.headers.location).to.equal('/suministros');
    const supplies = await agent.get('/suministros').expect(200);
    expect(supplies.text).to.include(supply.cups);
    expect(pageText(supplies.text)).to.include('Titular');
  });

  it('refuses a replayed activation link, on the page and on the button', async () => {
    const { customer, account } = await household(ctx);
    const p = person();
    await post(request.agent(ctx.app), '/registro/hogar', { taxId: customer.taxId, contractAccount: account.number, ibanLast4: account.ibanLast4, ...p });
    const link = linkIn((await lastMailTo(ctx.db.knex, p.email))!.text_body, '/activar');
    const token = new URL(link, 'http://x').searchParams.get('token')!;
    const agent = request.agent(ctx.app);
    const page = await agent.get(link).expect(200);
    await agent.post('/activar').type('form').send({ _csrf: csrfFrom(page.text), token }).expect(303);

    const again = await agent.get(link).expect(410);
    expect(pageText(again.text)).to.include('Este enlace ya se ha utilizado y tu usuario está activado.');
    const replay = await agent.post('/activar').type('form').send({ _csrf: csrfFrom(again.text), token }).expect(410);
    expect(pageText(replay.text)).to.include('Este enlace ya se ha utilizado');
    expect(await ctx.db.knex('audit_log').where({ action: 'registration.activated', target_id: String((await ctx.db.knex('users').where({ login_id: customer.taxId }).first()).id) })).to.have.length(1);
  });

  it('refuses an activation link after 48 hours (and accepts it just before)', async () => {
    const start = ctx.clock.now();
    try {
      const { customer, account } = await household(ctx);
      const p = person();
      await post(request.agent(ctx.app), '/registro/hogar', { taxId: customer.taxId, contractAccount: account.number, ibanLast4: account.ibanLast4, ...p });
      const link = linkIn((await lastMailTo(ctx.db.knex, p.email))!.text_body, '/activar');
      const token = new URL(link, 'http://x').searchParams.get('token')!;
      const agent = request.agent(ctx.app);

      ctx.clock.set(new Date(start.getTime() + 48 * 3600_000 - 60_000));
      const page = await agent.get(link).expect(200);
      ctx.clock.set(new Date(start.getTime() + 48 * 3600_000 + 1000));
      const late = await agent.post('/activar').type('form').send({ _csrf: csrfFrom(page.text), token }).expect(410);
      expect(pageText(late.text)).to.include('El enlace de activación ha caducado: es válido durante 48 horas. Vuelve a registrarte y te enviaremos otro.');
      const view = await agent.get(link).expect(410);
      expect(pageText(view.text)).to.include('ha caducado');
      expect((await ctx.db.knex('users').where({ login_id: customer.taxId }).first()).status).to.equal('pending');
    } finally {
      ctx.clock.set(start);
    }
  });

  // issue 12, item 4: a second registration with the same proof never replaces the first one's email or password
  it('registering again before activating keeps the first address and password, and sends that address a fresh link', async () => {
    const { customer, account } = await household(ctx);
    const first = person();
    await post(request.agent(ctx.app), '/registro/hogar', { taxId: customer.taxId, contractAccount: account.number, ibanLast4: account.ibanLast4, ...first });
    const oldLink = linkIn((await lastMailTo(ctx.db.knex, first.email))!.text_body, '/activar');
    const second = person({ email: uniqueEmail('corregido'), password: 'Otra-Clave-Muy-Distinta-58', passwordConfirm: 'Otra-Clave-Muy-Distinta-58' });
    expect((await post(request.agent(ctx.app), '/registro/hogar', { taxId: customer.taxId, contractAccount: account.number, ibanLast4: account.ibanLast4, ...second })).status).to.equal(303);
    const users = await ctx.db.knex('users').where({ login_id: customer.taxId });
    expect(users.map((u) => [u.status, u.email])).to.deep.equal([['pending', first.email]]);
    expect(await verifyPassword(users[0].password_hash, first.password)).to.equal(true);
    expect(await mailsTo(ctx.db.knex, second.email)).to.have.length(0);
    const told = (await lastMailTo(ctx.db.knex, first.email))!;
    expect(told.template).to.equal('registration_repeated');
    expect(told.subject).to.equal('Nueva solicitud de alta con tus datos');
    expect(told.text_body).to.include('Tu alta no ha cambiado');
    expect(await ctx.db.knex('audit_log').where({ action: 'registration.repeated', target_id: String(users[0].id) })).to.have.length(1);

    const agent = request.agent(ctx.app);
    const old = await agent.get(oldLink).expect(410);
    expect(pageText(old.text)).to.include('Este enlace ya no es válido porque te enviamos otro más reciente.');
    const newLink = linkIn(told.text_body, '/activar');
    const page = await agent.get(newLink).expect(200);
    await agent.post('/activar').type('form').send({ _csrf: csrfFrom(page.text), token: new URL(newLink, 'http://x').searchParams.get('token') }).expect(303);
    expect((await ctx.db.knex('users').where({ login_id: customer.taxId }).first()).status).to.equal('active');
    expect((await login(ctx, customer.taxId, first.password)).res.status).to.equal(303);
  });

  it('limits registration attempts per customer, whatever the address', async () => {
    const { customer, account } = await household(ctx);
    for (let i = 1; i <= 5; i++) {
      const res = await post(request.agent(ctx.app), '/registro/hogar', { taxId: customer.taxId, contractAccount: account.number, ibanLast4: otherLast4(account.ibanLast4), ...person() });
      expect(res.status, `attempt ${i}`).to.equal(422);
      // a new address each time: only the per-customer budget can stop this
      await ctx.db.knex('rate_limits').where('bucket', 'like', 'register:%').delete();
    }
    const blocked = await post(request.agent(ctx.app), '/registro/hogar', { taxId: customer.taxId, contractAccount: account.number, ibanLast4: account.ibanLast4, ...person() });
    expect(blocked.status).to.equal(429);
    expect(await ctx.db.knex('users').where({ login_id: customer.taxId })).to.have.length(0);
  });

  it('says an invalid activation link is invalid', async () => {
    const res = await request(ctx.app).get('/activar?token=' + 'x'.repeat(43)).expect(410);
    expect(pageText(res.text)).to.include('El enlace de activación no es válido. Comprueba que lo has copiado entero.');
    await request(ctx.app).get('/activar').expect(410);
  });

  it('never reveals whether a NIF is registered: same answer, and the owner is emailed instead', async () => {
    const { customer, account } = await household(ctx);
    const owner = await createUser(ctx.db.knex, { loginId: customer.taxId });
    await linkUser(ctx.db.knex, owner, customer, 'holder');
    const fresh = await household(ctx);

    const intruder = person({ email: uniqueEmail('intruso'), password: 'Otra-Clave-Muy-Distinta-58', passwordConfirm: 'Otra-Clave-Muy-Distinta-58' });
    const dup = await post(request.agent(ctx.app), '/registro/hogar', { taxId: customer.taxId, contractAccount: account.number, ibanLast4: account.ibanLast4, ...intruder });
    const ok = await post(request.agent(ctx.app), '/registro/hogar', { taxId: fresh.customer.taxId, contractAccount: fresh.account.number, ibanLast4: fresh.account.ibanLast4, ...person() });
    expect([dup.status, dup.headers.location, dup.text]).to.deep.equal([ok.status, ok.headers.location, ok.text]);
    expect(dup.headers.location).to.equal('/registro/enviado');

    expect(await mailsTo(ctx.db.knex, intruder.email)).to.have.length(0);
    const mail = (await lastMailTo(ctx.db.knex, owner.email))!;
    expect(mail.template).to.equal('already_registered');
    expect(mail.subject).to.equal('Intento de alta en el Área Clientes');
    expect(mail.text_body).to.include('Alguien ha intentado dar de alta en el Área Clientes un usuario con tu NIF, que ya está registrado.');
    expect(linkIn(mail.text_body, '/restablecer')).to.match(/^\/restablecer\?token=/);

    const row = await ctx.db.knex('users').where({ id: owner.id }).first();
    expect(row).to.include({ email: owner.email, status: 'active' });
    expect(await verifyPassword(row.password_hash, owner.password)).to.equal(true);
    expect(await ctx.db.knex('audit_log').where({ action: 'registration.duplicate', target_id: String(owner.id) })).to.have.length(1);
  });

  // issue 12, item 1: a proven customer joins an existing user only when that user proves it while logged in
  it('never attaches a proven home to an existing user; the customer\'s address is told and the user adds it while logged in', async () => {
    const company = await createCustomer(ctx.db.knex, { kind: 'company' });
    const rep = await createUser(ctx.db.knex, { loginId: company.representativeNif! });
    await linkUser(ctx.db.knex, rep, company, 'representative');
    const home = await createCustomer(ctx.db.knex, { kind: 'individual', taxId: rep.loginId, name: 'Vicente Soler Bou' });
    const account = await createContractAccount(ctx.db.knex, home);
    const supply = await createSupply(ctx.db.knex, account);

    const res = await post(request.agent(ctx.app), '/registro/hogar', { taxId: rep.loginId, contractAccount: account.number, ibanLast4: account.ibanLast4, ...person({ email: uniqueEmail('casa') }) });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/registro/enviado');
    expect((await ctx.db.knex('customer_links').where({ user_id: rep.id })).map((l) => l.customer_id)).to.deep.equal([company.id]);
    const toCustomer = (await lastMailTo(ctx.db.knex, home.email))!;
    expect(toCustomer.template).to.equal('registration_existing_user');
    expect(toCustomer.text_body).to.include('No hemos vinculado el contrato a ningún usuario.');
    expect(await ctx.db.knex('audit_log').where({ action: 'registration.existing_user', target_id: String(rep.id) })).to.have.length(1);

    // the user proves it themselves: "Añadir un suministro"
    const { agent } = await login(ctx, rep.loginId, rep.password);
    const form = await agent.get('/ajustes/suministros').expect(200);
    const wrong = await agent.post('/ajustes/suministros').type('form').send({ _csrf: csrfFrom(form.text), kind: 'household', contractAccount: account.number, ibanLast4: otherLast4(account.ibanLast4) });
    expect(wrong.status).to.equal(422);
    const added = await agent.post('/ajustes/suministros').type('form').send({ _csrf: csrfFrom(form.text), kind: 'household', contractAccount: account.number, ibanLast4: account.ibanLast4 });
    expect(added.status).to.equal(303);
    const links = await ctx.db.knex('customer_links').where({ user_id: rep.id }).orderBy('id');
    expect(links.map((l) => [l.customer_id, l.role])).to.deep.equal([[company.id, 'representative'], [home.id, 'holder']]);
    const mail = (await lastMailTo(ctx.db.knex, rep.email))!;
    expect(mail.template).to.equal('holder_linked');
    expect(mail.text_body).to.include('Hemos vinculado a tu usuario del Área Clientes los contratos de los que eres titular (Vicente Soler Bou).');
    expect(await ctx.db.knex('audit_log').where({ action: 'supply.proven', target_id: String(rep.id) })).to.have.length(1);
    const supplies = await agent.get('/suministros').expect(200);
    expect(supplies.text).to.include(supply.cups);
  });

  it('takes no account over through an invitation: the invited NIF\'s later registration changes nothing and never emails the invitee', async () => {
    // someone invited "Carmen's" NIF as a contact of their own company, with a mailbox they control
    const squatterCompany = await createCustomer(ctx.db.knex, { kind: 'company' });
    const squatterRep = await createUser(ctx.db.knex, { loginId: squatterCompany.representativeNif! });
    await linkUser(ctx.db.knex, squatterRep, squatterCompany, 'representative');
    const { customer, account } = await household(ctx);
    const squat = await loginAs(request.agent(ctx.app), squatterRep.loginId, squatterRep.password);
    const list = await squat.get(`/clientes/${squatterCompany.id}/contactos`).expect(200);
    const squatterMail = uniqueEmail('okupa');
    await squat.post(`/clientes/${squatterCompany.id}/contactos`).type('form')
      .send({ _csrf: csrfFrom(list.text), nif: customer.taxId, email: squatterMail, firstName: 'Carmen', lastName: 'Navarro Gil', role: 'authorized_read' }).expect(303);
    const invite = (await lastMailTo(ctx.db.knex, squatterMail))!;
    expect(invite.text_body, 'nothing typed by the inviter is in the email').not.to.include('Carmen');
    const link = linkIn(invite.text_body, '/registro/invitacion');
    const inv = request.agent(ctx.app);
    const page = await inv.get(link).expect(200);
    await inv.post('/registro/invitacion').type('form').send({
      _csrf: csrfFrom(page.text), token: new URL(link, 'http://x').searchParams.get('token'), nif: customer.taxId, firstName: 'Carmen', lastName: 'Navarro Gil',
      password: 'Tortuga-Granizo-Faro-93', passwordConfirm: 'Tortuga-Granizo-Faro-93', terms: 'on',
    }).expect(303);
    const squatter = await ctx.db.knex('users').where({ login_id: customer.taxId }).first();
    expect(squatter.identity_proven).to.equal(false);

    // the real Carmen registers with her contract data
    const carmen = person({ email: uniqueEmail('carmen') });
    const res = await post(request.agent(ctx.app), '/registro/hogar', { taxId: customer.taxId, contractAccount: account.number, ibanLast4: account.ibanLast4, ...carmen });
    expect(res.headers.location).to.equal('/registro/enviado');
    expect((await ctx.db.knex('customer_links').where({ user_id: squatter.id })).map((l) => l.customer_id)).to.deep.equal([squatterCompany.id]);
    expect((await lastMailTo(ctx.db.knex, squatterMail))!.template, 'the invitee is not told').to.equal('contact_invited');
    expect((await lastMailTo(ctx.db.knex, customer.email))!.template).to.equal('registration_existing_user');
    // the squatter sees only the company that invited it
    const { agent } = await login(ctx, customer.taxId, 'Tortuga-Granizo-Faro-93');
    await agent.get(`/clientes/${customer.id}`).expect(404);
  });

  it('changes nothing for a disabled account and answers as usual', async () => {
    const { customer, account } = await household(ctx);
    const user = await createUser(ctx.db.knex, { loginId: customer.taxId, status: 'disabled' });
    const res = await post(request.agent(ctx.app), '/registro/hogar', { taxId: customer.taxId, contractAccount: account.number, ibanLast4: account.ibanLast4, ...person() });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/registro/enviado');
    expect(await mailsTo(ctx.db.knex, user.email)).to.have.length(0);
    expect(await ctx.db.knex('customer_links').where({ user_id: user.id })).to.have.length(0);
    expect((await ctx.db.knex('users').where({ id: user.id }).first()).status).to.equal('disabled');
  });

  it('gives one answer for data that match no contract, whoever the NIF belongs to', async () => {
    const { customer, account } = await household(ctx);
    const wrongIban = await post(request.agent(ctx.app), '/registro/hogar', { taxId: customer.taxId, contractAccount: account.number, ibanLast4: otherLast4(account.ibanLast4), ...person() });
    const unknownNif = await post(request.agent(ctx.app), '/registro/hogar', { taxId: uniqueNif(), contractAccount: account.number, ibanLast4: account.ibanLast4, ...person() });
    expect(wrongIban.status).to.equal(422);
    expect(unknownNif.status).to.equal(422);
    const message = 'Los datos no coinciden con los de ningún contrato. Revisa el DNI o NIE del titular, el número de cuenta contrato y las 4 últimas cifras de la cuenta bancaria tal como aparecen en tu factura.';
    expect(pageText(wrongIban.text)).to.include(message);
    expect(pageText(unknownNif.text)).to.include(message);
    expect(await ctx.db.knex('users').where({ login_id: customer.taxId })).to.have.length(0);
  });

  it('refuses an account without direct debit as household proof', async () => {
    const customer = await createCustomer(ctx.db.knex);
    const account = await createContractAccount(ctx.db.knex, customer, { directDebit: false });
    const res = await post(request.agent(ctx.app), '/registro/hogar', { taxId: customer.taxId, contractAccount: account.number, ibanLast4: '1332', ...person() });
    expect(res.status).to.equal(422);
  });

  it('validates the form field by field, keeps what was typed and never echoes the password', async () => {
    const { customer } = await household(ctx);
    const res = await post(request.agent(ctx.app), '/registro/hogar', {
      taxId: customer.taxId, contractAccount: '123', ibanLast4: '12a4', ...person({ email: 'no-es-un-email', password: 'corta', passwordConfirm: 'otra', secretQuestion: '¿Mi calle?', terms: undefined }),
    });
    expect(res.status).to.equal(422);
    const text = pageText(res.text);
    expect(text).to.include('El número de cuenta contrato tiene 12 cifras. Lo encontrarás en tu factura.');
    expect(text).to.include('Escribe las 4 últimas cifras de la cuenta bancaria.');
    expect(text).to.include('Escribe un email válido, por ejemplo nombre@dominio.es');
    expect(text).to.include('La contraseña debe tener al menos 12 caracteres.');
    expect(text).to.include('Las contraseñas no coinciden.');
    expect(text).to.include('Escribe la respuesta a tu pregunta secreta, o deja los dos campos vacíos.');
    expect(text).to.include('Debes aceptar las condiciones de uso para darte de alta.');
    expect(res.text).to.include(`value="${customer.taxId}"`);
    expect(res.text).to.include('value="no-es-un-email"');
    expect(res.text).not.to.include('value="corta"');
    expect(res.text).to.include('<a href="#f-contractAccount">');
  });

  it('refuses a password with the NIF or the name in it, with Spanish feedback', async () => {
    const { customer, account } = await household(ctx);
    const pw = `Navarro-${customer.taxId}-casa`;
    const res = await post(request.agent(ctx.app), '/registro/hogar', { taxId: customer.taxId, contractAccount: account.number, ibanLast4: account.ibanLast4, ...person({ password: pw, passwordConfirm: pw }) });
    expect(res.status).to.equal(422);
    expect(pageText(res.text)).to.include('La contraseña no puede contener tu NIF, tu nombre, tu email ni palabras de este servicio.');
  });

  it('sends the activation email in Catalan to someone who registers in Catalan', async () => {
    const { customer, account } = await household(ctx);
    const p = person();
    const res = await post(request.agent(ctx.app), '/registro/hogar', { taxId: customer.taxId, contractAccount: account.number, ibanLast4: account.ibanLast4, ...p }, 'ca');
    expect(res.status).to.equal(303);
    const mail = (await lastMailTo(ctx.db.knex, p.email))!;
    expect(mail.language).to.equal('ca');
    expect(mail.subject).to.equal('Activa el teu usuari de l’Àrea Clients');
    expect(mail.html_body).to.include('<html lang="ca">');
    expect((await ctx.db.knex('users').where({ login_id: customer.taxId }).first()).language).to.equal('ca');
  });

  describe('business', () => {
    async function company(opts: { directDebit?: boolean } = {}) {
      const customer = await createCustomer(ctx.db.knex, { kind: 'company', name: 'Cerámicas Prueba S.L.' });
      const account = await createContractAccount(ctx.db.knex, customer, { directDebit: opts.directDebit ?? true });
      const supply = await createSupply(ctx.db.knex, account, { startDate: '2025-01-01' });
      return { customer, account, supply };
    }

    it('registers the representative with the company\'s CIF and IBAN digits, then activates', async () => {
      const { customer, account, supply } = await company();
      const p = person({ firstName: 'Vicente', lastName: 'Alcora Soler' });
      const res = await post(request.agent(ctx.app), '/registro/empresa', { companyTaxId: customer.taxId, proof: 'iban', ibanLast4: account.ibanLast4, personNif: customer.representativeNif!, ...p });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/registro/enviado');
      const user = await ctx.db.knex('users').where({ login_id: customer.representativeNif }).first();
      expect(user.status).to.equal('pending');
      const links = await ctx.db.knex('customer_links').where({ user_id: user.id });
      expect(links.map((l) => [l.customer_id, l.role])).to.deep.equal([[customer.id, 'representative']]);
      expect(await ctx.db.knex('audit_log').where({ action: 'registration.created', target_id: String(user.id) })).to.have.length(1);

      const link = linkIn((await lastMailTo(ctx.db.knex, p.email))!.text_body, '/activar');
      const agent = request.agent(ctx.app);
      const page = await agent.get(link).expect(200);
      await agent.post('/activar').type('form').send({ _csrf: csrfFrom(page.text), token: new URL(link, 'http://x').searchParams.get('token') }).expect(303);
      const { agent: logged, res: ok } = await login(ctx, customer.representativeNif!, GOOD_PASSWORD);
      expect(ok.status).to.equal(303);
      const supplies = await logged.get('/suministros').expect(200);
      expect(supplies.text).to.include(supply.cups);
      expect(pageText(supplies.text)).to.include('Representante');
    });

    it('accepts the total of one of the last three paid invoices when the company pays by transfer', async () => {
      const { customer, supply } = await company({ directDebit: false });
      const months = ['2026-03', '2026-04', '2026-05', '2026-06'];
      await addConsumption(ctx.db.knex, supply.contractId, months.map((month, i) => ({ month, P1: 900 + i * 137, P2: 700 + i * 71, P3: 400 + i * 53 })));
      const invoices = await issueInvoices(ctx.db.knex, supply.contractId, months, { status: 'paid' });
      const totals = invoices.map((i) => i.totalCents);
      expect(new Set(totals).size).to.equal(4);
      const euros = (cents: number) => `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`;

      const oldest = await post(request.agent(ctx.app), '/registro/empresa', { companyTaxId: customer.taxId, proof: 'invoice', invoiceTotal: euros(totals[0]!), personNif: customer.representativeNif!, ...person() });
      expect(oldest.status, 'the fourth newest paid invoice is not accepted').to.equal(422);
      expect(pageText(oldest.text)).to.include('Los datos no coinciden con los de ningún contrato.');

      const p = person();
      const ok = await post(request.agent(ctx.app), '/registro/empresa', { companyTaxId: customer.taxId, proof: 'invoice', invoiceTotal: `${euros(totals[1]!)} €`, personNif: customer.representativeNif!, ...p });
      expect(ok.status).to.equal(303);
      expect((await lastMailTo(ctx.db.knex, p.email))!.template).to.equal('activation');
    });

    it('explains how to update the representative when the NIF is not the one on file', async () => {
      const { customer, account } = await company();
      const res = await post(request.agent(ctx.app), '/registro/empresa', { companyTaxId: customer.taxId, proof: 'iban', ibanLast4: account.ibanLast4, personNif: uniqueNif(), ...person() });
      expect(res.status).to.equal(422);
      const text = pageText(res.text);
      expect(text).to.include('Tu NIF no coincide con el del representante legal que nos consta para esta empresa. Para darte de alta necesitamos actualizar primero el representante.');
      expect(text).to.include('Si aún no estás dado de alta como representante y deseas realizar un cambio, puedes llamar al 912 100 100 o al 900 385 425, y nuestro equipo lo gestionará por ti.');
      expect(await ctx.db.knex('customer_links').where({ customer_id: customer.id })).to.have.length(0);
    });

    // issue 12, item 16: the answer to a non-representative must not confirm the IBAN digits
    it('answers a non-representative the same whether the IBAN digits were right or wrong', async () => {
      const { customer, account } = await company();
      const nif = uniqueNif();
      const right = await post(request.agent(ctx.app), '/registro/empresa', { companyTaxId: customer.taxId, proof: 'iban', ibanLast4: account.ibanLast4, personNif: nif, ...person() });
      const wrong = await post(request.agent(ctx.app), '/registro/empresa', { companyTaxId: customer.taxId, proof: 'iban', ibanLast4: otherLast4(account.ibanLast4), personNif: nif, ...person() });
      expect(wrong.status).to.equal(right.status);
      const body = (html: string) => pageText(html).replace(/\s+/g, ' ');
      expect(body(wrong.text).replace(otherLast4(account.ibanLast4), '####')).to.equal(body(right.text).replace(account.ibanLast4, '####'));
    });

    it('refuses a NIF instead of the company\'s CIF and a wrong proof with one answer', async () => {
      const { customer, account } = await company();
      const nifAsCompany = await post(request.agent(ctx.app), '/registro/empresa', { companyTaxId: uniqueNif(), proof: 'iban', ibanLast4: '1234', personNif: customer.representativeNif!, ...person() });
      expect(nifAsCompany.status).to.equal(422);
      expect(pageText(nifAsCompany.text)).to.include('Escribe un CIF válido, sin puntos ni guiones. Ej: B81234569');
      const wrong = await post(request.agent(ctx.app), '/registro/empresa', { companyTaxId: customer.taxId, proof: 'iban', ibanLast4: otherLast4(account.ibanLast4), personNif: customer.representativeNif!, ...person() });
      expect(wrong.status).to.equal(422);
      expect(pageText(wrong.text)).to.include('Los datos no coinciden con los de ningún contrato. Revisa el CIF del titular');
    });

    for (const language of ['es', 'ca'] as const) {
      it(`lets an already registered representative add another company by proving it while logged in (${language})`, async () => {
        const first = await company();
        const rep = await createUser(ctx.db.knex, { loginId: first.customer.representativeNif!, language });
        await linkUser(ctx.db.knex, rep, first.customer, 'representative');
        const second = await createCustomer(ctx.db.knex, { kind: 'company', representativeNif: rep.loginId });
        const account = await createContractAccount(ctx.db.knex, second);
        const supply = await createSupply(ctx.db.knex, account);

        const res = await post(request.agent(ctx.app), '/registro/empresa', { companyTaxId: second.taxId, proof: 'iban', ibanLast4: account.ibanLast4, personNif: rep.loginId, ...person({ email: uniqueEmail('otro') }) });
        expect(res.status).to.equal(303);
        expect(res.headers.location).to.equal('/registro/enviado');
        expect(await ctx.db.knex('customer_links').where({ user_id: rep.id, customer_id: second.id })).to.have.length(0);
        // a user who proved their identity is told how to add it
        expect((await lastMailTo(ctx.db.knex, rep.email))!.template).to.equal('registration_existing_user');

        const { agent } = await login(ctx, rep.loginId, rep.password);
        const form = await agent.get('/ajustes/suministros').expect(200);
        const added = await agent.post('/ajustes/suministros').type('form').send({ _csrf: csrfFrom(form.text), kind: 'business', companyTaxId: second.taxId, proof: 'iban', companyIbanLast4: account.ibanLast4 });
        expect(added.status).to.equal(303);
        const links = await ctx.db.knex('customer_links').where({ user_id: rep.id }).orderBy('id');
        expect(links.map((l) => [l.customer_id, l.role, l.status])).to.deep.equal([[first.customer.id, 'representative', 'active'], [second.id, 'representative', 'active']]);
        const mail = (await lastMailTo(ctx.db.knex, rep.email))!;
        expect(mail.template).to.equal('company_linked');
        expect(mail.language).to.equal(language);
        expect(mail.text_body).not.to.include('mail.company_linked');
        expect(mail.text_body).to.include(second.name);
        if (language === 'es') expect(mail.subject).to.equal('Nueva empresa en tu Área Clientes');
        else expect(mail.subject).to.equal('Nova empresa a la teva Àrea Clients');
        const supplies = await agent.get('/suministros').expect(200);
        expect(supplies.text).to.include(supply.cups);
      });
    }
  });

  it('throttles registrations per IP', async () => {
    const { customer, account } = await household(ctx);
    for (let i = 1; i <= 10; i++) {
      const other = await household(ctx);
      const res = await post(request.agent(ctx.app), '/registro/hogar', { taxId: other.customer.taxId, contractAccount: other.account.number, ibanLast4: otherLast4(other.account.ibanLast4), ...person() });
      expect(res.status, `attempt ${i}`).to.equal(422);
    }
    const blocked = await post(request.agent(ctx.app), '/registro/hogar', { taxId: customer.taxId, contractAccount: account.number, ibanLast4: account.ibanLast4, ...person() });
    expect(blocked.status).to.equal(429);
    expect(pageText(blocked.text)).to.include('Espera unos minutos antes de volver a intentarlo.');
    expect(await ctx.db.knex('users').where({ login_id: customer.taxId })).to.have.length(0);
  });
});
