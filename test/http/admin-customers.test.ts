/**
 * Admin customer search, customer page and support actions on users (issue 7 items 2–3),
 * with the unlock flow end to end: locked by 5 wrong logins → an agent unlocks → login works.
 */
import { expect } from 'chai';
import request from 'supertest';
import type { Knex } from 'knex';
import { testContext, type TestContext } from '../support/context';
import {
  createContractAccount, createCustomer, createHousehold, createSupply, createUser, csrfFrom, issueInvoices, lastMailTo, linkIn, linkUser,
  loginAs, mailsTo, pageText, queriesDuring, resetThrottles, tokenOf, uniqueEmail, type Agent, type HouseholdFixture,
} from '../support/factories';
import { createStaff, loginStaff, staffCsrf, type StaffFixture } from '../support/staff';
import { sendActivationLink } from '../../src/services/registration';
import { issueResetLink } from '../../src/services/account-links';
import { SUPPORT_ACTIONS, type SupportAction } from '../../src/domain/admin-support';

const REASON = 'La titular llama al teléfono de atención y confirma sus datos.';

function fieldError(html: string, field: string): string | null {
  const m = new RegExp(`id="f-${field}-error"><span class="visually-hidden">Error:</span> ([^<]*)</p>`).exec(html);
  return m ? m[1]!.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&') : null;
}

/** Result rows of the search page: [name, tax id, kind, users]. */
function resultRows(html: string): string[][] {
  const body = /<table>[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => pageText(c[1]!)));
}

async function staffAgent(ctx: TestContext, role: 'agente' | 'supervisor' = 'agente'): Promise<{ agent: Agent; staff: StaffFixture }> {
  const staff = await createStaff(ctx.db.knex, { role });
  const agent = await loginStaff(request.agent(ctx.app), staff, ctx.clock);
  return { agent, staff };
}

async function search(agent: Agent, q: string, page?: number) {
  const res = await agent.get('/admin/clientes').query({ q, ...(page ? { pagina: String(page) } : {}) }).expect(200);
  return { res, rows: resultRows(res.text), text: pageText(res.text) };
}

async function userRow(db: Knex, id: number) {
  return db('users').where({ id }).first();
}

async function lastAudit(db: Knex, action: string, userId: number) {
  return db('audit_log').where({ action, target_type: 'user', target_id: String(userId) }).orderBy('id', 'desc').first();
}

/** Fills and posts an action form (the token from its confirmation page). */
async function postAction(agent: Agent, userId: number, action: SupportAction, customerId: number | null, fields: Record<string, string>, status: number) {
  const path = `/admin/usuarios/${userId}/${action}${customerId ? `?cliente=${customerId}` : ''}`;
  const token = await staffCsrf(agent, path);
  const res = await agent.post(`/admin/usuarios/${userId}/${action}`).type('form').send({ _csrf: token, ...(customerId ? { cliente: String(customerId) } : {}), ...fields });
  expect(res.status, pageText(res.text).slice(0, 300)).to.equal(status);
  return res;
}

/** Counts the queries the app sends while running `fn` (the app shares this knex). */
async function countQueries(db: Knex, fn: () => Promise<unknown>): Promise<number> {
  return (await queriesDuring(db, fn)).length;
}

async function wrongLogin(agent: Agent, loginId: string) {
  const page = await agent.get('/acceso');
  return agent.post('/acceso').type('form').send({ _csrf: csrfFrom(page.text), loginId, password: 'Contrasena-Equivocada-1' });
}

describe('admin: customer search', () => {
  let ctx: TestContext;
  let db: Knex;
  let agent: Agent;
  let h: HouseholdFixture;
  let company: Awaited<ReturnType<typeof createCustomer>>;
  let representative: Awaited<ReturnType<typeof createUser>>;

  before(async () => {
    ctx = await testContext();
    db = ctx.db.knex;
    ({ agent } = await staffAgent(ctx));
    h = await createHousehold(db, { user: { firstName: 'Remedios', lastName: 'Villanueva Albiñana' }, consumption: [{ month: '2026-09', P1: 120, P2: 80, P3: 150 }] });
    representative = await createUser(db, { firstName: 'Ximo', lastName: 'Ortells Bernat' });
    company = await createCustomer(db, { kind: 'company', name: 'Hornos Ortells S.L.', representativeNif: representative.loginId });
    await linkUser(db, representative, company, 'representative');
    await linkUser(db, representative, h.customer, 'authorized_read');
  });

  it('finds a customer by its NIF, typed with dots and a lower-case letter', async () => {
    const nif = h.customer.taxId;
    const typed = `${nif.slice(0, 2)}.${nif.slice(2, 5)}.${nif.slice(5, 8)}-${nif.slice(8).toLowerCase()}`;
    const { rows, text } = await search(agent, typed);
    expect(text).to.include('Búsqueda por NIF, NIE, CIF o pasaporte');
    expect(rows).to.deep.equal([[h.customer.name, h.customer.taxId, 'Particular', '2']]);
  });

  it('finds a company by its CIF and by its representative\'s NIF (on file and as a linked user)', async () => {
    expect((await search(agent, company.taxId)).rows).to.deep.equal([[company.name, company.taxId, 'Empresa', '1']]);
    const byRep = await search(agent, representative.loginId);
    expect(byRep.rows.map((r) => r[0]).sort()).to.deep.equal([company.name, h.customer.name].sort());
  });

  it('finds by the 8 digits of a DNI and warns about a wrong control letter', async () => {
    expect((await search(agent, h.customer.taxId.slice(0, 8))).rows.map((r) => r[1])).to.deep.equal([h.customer.taxId]);
    const wrongLetter = h.customer.taxId.slice(0, 8) + (h.customer.taxId.endsWith('A') ? 'B' : 'A');
    const res = await search(agent, wrongLetter);
    expect(res.rows).to.deep.equal([]);
    expect(res.text).to.include('El carácter de control');
  });

  it('finds by name, case- and accent-insensitive only as ILIKE allows, of the customer or of a user', async () => {
    expect((await search(agent, 'villanueva alb')).rows.map((r) => r[0])).to.deep.equal([h.customer.name]);
    expect((await search(agent, 'Ortells')).rows.map((r) => r[0]).sort()).to.deep.equal([company.name, h.customer.name].sort());
  });

  it('treats % and _ as themselves, not as wildcards', async () => {
    const { rows, text } = await search(agent, '%%');
    expect(rows).to.deep.equal([]);
    expect(text).to.include('No hay ningún cliente que coincida');
    expect((await search(agent, '_')).text).to.include('al menos 2 caracteres');
  });

  it('finds by the customer\'s email and by a linked user\'s email', async () => {
    expect((await search(agent, company.email.toUpperCase())).rows.map((r) => r[0])).to.deep.equal([company.name]);
    expect((await search(agent, h.user.email)).rows.map((r) => r[0])).to.deep.equal([h.customer.name]);
  });

  it('finds by CUPS typed in groups, by contract account, contract number, IBAN and invoice number', async () => {
    const cupsTyped = h.supply.cups.replace(/(.{4})/g, '$1 ').trim().toLowerCase();
    expect((await search(agent, cupsTyped)).rows.map((r) => r[1])).to.deep.equal([h.customer.taxId]);
    expect((await search(agent, h.account.number)).rows.map((r) => r[1])).to.deep.equal([h.customer.taxId]);
    expect((await search(agent, h.supply.contractNumber)).rows.map((r) => r[1])).to.deep.equal([h.customer.taxId]);
    expect((await search(agent, h.account.iban!.replace(/(.{4})/g, '$1 '))).rows.map((r) => r[1])).to.deep.equal([h.customer.taxId]);
    const [invoice] = await issueInvoices(db, h.supply.contractId, ['2026-09']);
    const byInvoice = await search(agent, invoice!.number.toLowerCase());
    expect(byInvoice.text).to.include('Búsqueda por número de factura');
    expect(byInvoice.rows.map((r) => r[1])).to.deep.equal([h.customer.taxId]);
  });

  it('links each result to the customer page and shows nothing without a term', async () => {
    const { res } = await search(agent, h.customer.taxId);
    expect(res.text).to.include(`href="/admin/clientes/${h.customer.id}"`);
    const empty = await agent.get('/admin/clientes').expect(200);
    expect(pageText(empty.text)).to.include('Escribe un dato del cliente');
    expect(empty.text).to.match(/<form[^>]*role="search"/);
    expect(empty.text).to.include('<label for="q">');
  });

  it('paginates 25 a page, a page past the end shows the last one, with a bounded number of queries', async () => {
    // letters only: with digits, a short pid makes the term passport-shaped (6 to 12 letters and
    // digits, e.g. "Zarandaja123") and the search looks up tax ids instead of names
    const token = `Zarandaja${String(process.pid).replace(/\d/g, (d) => 'bcdfghjklm'[Number(d)]!)}`;
    for (let i = 0; i < 30; i++) await createCustomer(db, { kind: 'company', name: `${token} ${String(i).padStart(2, '0')} S.L.` });
    const first = await search(agent, token);
    expect(first.rows).to.have.length(25);
    expect(first.text).to.include('Clientes 1 a 25 de 30');
    expect(first.res.text).to.include(`pagina=2`);
    const second = await search(agent, token, 2);
    expect(second.rows.map((r) => r[0])).to.deep.equal([25, 26, 27, 28, 29].map((i) => `${token} ${i} S.L.`));
    const beyond = await search(agent, token, 9);
    expect(beyond.text).to.include('Clientes 26 a 30 de 30');
    expect(beyond.rows).to.have.length(5);

    const many = await countQueries(db, () => search(agent, token));
    const one = await countQueries(db, () => search(agent, h.customer.taxId));
    expect(many).to.equal(one);
    expect(many).to.be.at.most(4);
  });

  it('is a GET with the term in the query string only (no state change, works as a link)', async () => {
    const before = await db('audit_log').count<{ count: string }[]>('* as count').first();
    await search(agent, h.customer.taxId);
    const after = await db('audit_log').count<{ count: string }[]>('* as count').first();
    expect(after!.count).to.equal(before!.count);
  });
});

describe('admin: customer page', () => {
  let ctx: TestContext;
  let db: Knex;
  let agent: Agent;

  before(async () => {
    ctx = await testContext();
    db = ctx.db.knex;
    ({ agent } = await staffAgent(ctx));
  });

  it('shows the customer, its users with their links and state, contracts, invoices, requests, external managers and audit trail', async () => {
    const h = await createHousehold(db, { consumption: [{ month: '2026-09', P1: 120, P2: 80, P3: 150 }, { month: '2026-10', P1: 100, P2: 70, P3: 140 }] });
    const invoices = await issueInvoices(db, h.supply.contractId, ['2026-09', '2026-10']);
    const locked = await createUser(db, { status: 'locked', firstName: 'Vicent' });
    await linkUser(db, locked, h.customer, 'authorized_full');
    const pending = await createUser(db, { status: 'pending', firstName: 'Amparo' });
    await linkUser(db, pending, h.customer, 'authorized_read', 'invited');
    const gestoria = await createCustomer(db, { kind: 'company', name: 'Gestoría Prueba Admin S.L.' });
    await db('external_managers').insert({ customer_id: h.customer.id, manager_customer_id: gestoria.id, status: 'active', created_at: ctx.clock.now() });
    const [req] = await db('requests').insert({
      reference: `A2-${process.pid}-1`, type: 'meter_reading', customer_id: h.customer.id, contract_id: h.supply.contractId, payload: '{}', status: 'recibida',
      created_at: ctx.clock.now(), updated_at: ctx.clock.now(),
    }).returning('id');
    await db('audit_log').insert({ at: ctx.clock.now(), actor_type: 'user', actor_id: h.user.id, customer_id: h.customer.id, action: 'settings.language' });
    await db('audit_log').insert({ at: ctx.clock.now(), actor_type: 'system', action: 'account.locked', target_type: 'user', target_id: String(locked.id) });

    const res = await agent.get(`/admin/clientes/${h.customer.id}`).expect(200);
    const text = pageText(res.text);
    expect(text).to.include(h.customer.name).and.include(h.customer.taxId);
    // users
    for (const u of [h.user, locked, pending]) expect(text).to.include(u.loginId).and.include(u.email);
    expect(text).to.include('Bloqueado').and.include('Pendiente de activar').and.include('Activo');
    expect(text).to.include('Autorizado (solo consulta) · invitado');
    expect(res.text).to.include(`href="/admin/usuarios/${locked.id}/desbloquear?cliente=${h.customer.id}"`);
    expect(res.text).to.include(`href="/admin/usuarios/${pending.id}/reenviar-activacion?cliente=${h.customer.id}"`);
    expect(res.text).not.to.include(`href="/admin/usuarios/${h.user.id}/desbloquear`);
    expect(res.text).to.include(`href="/admin/usuarios/${h.user.id}/corregir-email?cliente=${h.customer.id}"`);
    // contracts, invoices, requests, managers
    expect(text).to.include(h.supply.cups).and.include('Calle de Colón 12').and.include('2.0TD').and.include(h.account.number);
    for (const i of invoices) expect(text).to.include(i.number);
    expect(res.text).to.include(`href="/admin/gestiones/${req.id}"`);
    expect(text).to.include(`A2-${process.pid}-1`);
    expect(text).to.include('Gestionado por').and.include(gestoria.name);
    // audit: the customer's rows and those about its users
    expect(text).to.include('settings.language').and.include('account.locked');
    expect(res.text).to.include(`href="/admin/auditoria?cliente=${h.customer.id}"`);
  });

  it('shows the clients a gestoría manages', async () => {
    const gestoria = await createCustomer(db, { kind: 'company', name: 'Gestoría Con Clientes S.L.' });
    const client = await createCustomer(db, { kind: 'community' });
    await db('external_managers').insert({ customer_id: client.id, manager_customer_id: gestoria.id, status: 'active', created_at: ctx.clock.now() });
    const text = pageText((await agent.get(`/admin/clientes/${gestoria.id}`).expect(200)).text);
    expect(text).to.include('Gestiona 1 cliente').and.include(client.name);
  });

  it('uses the same number of queries for a big customer as for a small one', async () => {
    const small = await createHousehold(db);
    const big = await createHousehold(db);
    for (let i = 0; i < 4; i++) {
      const u = await createUser(db);
      await linkUser(db, u, big.customer, 'authorized_read');
      const acc = await createContractAccount(db, big.customer);
      await createSupply(db, acc);
    }
    const a = await countQueries(db, () => agent.get(`/admin/clientes/${small.customer.id}`).expect(200));
    const b = await countQueries(db, () => agent.get(`/admin/clientes/${big.customer.id}`).expect(200));
    expect(b).to.equal(a);
  });

  it('speaks Catalan when the staff member switches language', async () => {
    const { agent: catalan } = await staffAgent(ctx);
    const h = await createHousehold(db, { user: { status: 'locked' } });
    const token = await staffCsrf(catalan, '/admin/clientes');
    await catalan.post('/admin/idioma').type('form').send({ _csrf: token, lang: 'ca', next: `/admin/clientes/${h.customer.id}` }).expect(303);
    const text = pageText((await catalan.get(`/admin/clientes/${h.customer.id}`).expect(200)).text);
    expect(text).to.include('Dades del client').and.include('Bloquejat').and.include('Desbloqueja');
    const form = pageText((await catalan.get(`/admin/usuarios/${h.user.id}/desbloquear`).expect(200)).text);
    expect(form).to.include("Desbloquejar l'usuari").and.include('Motiu');
  });

  it('answers 404 for an unknown or malformed customer id', async () => {
    await agent.get('/admin/clientes/999999999').expect(404);
    await agent.get('/admin/clientes/abc').expect(404);
    await agent.get('/admin/usuarios/999999999/desbloquear').expect(404);
  });
});

describe('admin: support actions on a user', () => {
  let ctx: TestContext;
  let db: Knex;
  let agent: Agent;
  let staff: StaffFixture;

  before(async () => {
    ctx = await testContext();
    db = ctx.db.knex;
    ({ agent, staff } = await staffAgent(ctx));
  });

  it('unlocks a locked user: active, counter reset, audit with the reason, email to the user', async () => {
    const h = await createHousehold(db, { user: { status: 'locked' } });
    const form = await agent.get(`/admin/usuarios/${h.user.id}/desbloquear?cliente=${h.customer.id}`).expect(200);
    expect(pageText(form.text)).to.include('Desbloquear usuario').and.include(h.user.loginId);
    const res = await postAction(agent, h.user.id, 'desbloquear', h.customer.id, { reason: REASON }, 303);
    expect(res.headers.location).to.equal(`/admin/clientes/${h.customer.id}#usuarios`);
    const row = await userRow(db, h.user.id);
    expect(row.status).to.equal('active');
    expect(row.failed_logins).to.equal(0);
    expect(row.locked_at).to.equal(null);
    const a = await lastAudit(db, 'user.unlocked', h.user.id);
    expect(a).to.include({ actor_type: 'staff', customer_id: h.customer.id });
    expect(Number(a.actor_id)).to.equal(staff.id);
    expect(a.details.reason).to.equal(REASON);
    const mail = await lastMailTo(db, h.user.email);
    expect(mail!.template).to.equal('admin_unlocked');
    expect(mail!.subject).to.include('vuelve a estar activo');
    const page = await agent.get(`/admin/clientes/${h.customer.id}`).expect(200);
    expect(pageText(page.text)).to.include(`Usuario ${h.user.loginId} desbloqueado`);
    expect(pageText(page.text)).to.include(REASON);
  });

  it('refuses to "unlock" a user that is not locked (409), changing nothing', async () => {
    const h = await createHousehold(db);
    const form = await agent.get(`/admin/usuarios/${h.user.id}/desbloquear`).expect(409);
    expect(pageText(form.text)).to.include('no está bloqueado');
    const token = await staffCsrf(agent, '/admin/clientes');
    await agent.post(`/admin/usuarios/${h.user.id}/desbloquear`).type('form').send({ _csrf: token, reason: REASON }).expect(409);
    expect(await lastAudit(db, 'user.unlocked', h.user.id)).to.equal(undefined);
  });

  it('resends the activation link of a pending user: the old link stops working, the new one activates', async () => {
    const user = await createUser(db, { status: 'pending' });
    const customer = await createCustomer(db, { taxId: user.loginId });
    await linkUser(db, user, customer);
    await db.transaction((trx) => sendActivationLink(trx, { id: user.id, email: user.email, firstName: user.firstName, loginId: user.loginId, language: 'es' }, ctx.clock.now(), ctx.config));
    const oldLink = linkIn((await lastMailTo(db, user.email))!.text_body, '/activar');

    await postAction(agent, user.id, 'reenviar-activacion', customer.id, { reason: REASON }, 303);
    const mails = await mailsTo(db, user.email);
    expect(mails.map((m) => m.template)).to.deep.equal(['activation', 'activation']);
    const newLink = linkIn(mails[1]!.text_body, '/activar');
    expect(newLink).not.to.equal(oldLink);
    const customerAgent = request.agent(ctx.app);
    await customerAgent.get(oldLink).expect(410);
    const page = await customerAgent.get(newLink).expect(200);
    await customerAgent.post('/activar').type('form').send({ _csrf: csrfFrom(page.text), token: tokenOf(newLink) }).expect(303);
    expect((await userRow(db, user.id)).status).to.equal('active');
    const a = await lastAudit(db, 'user.activation_resent', user.id);
    expect(a.details.reason).to.equal(REASON);
    expect(a.actor_type).to.equal('staff');
  });

  it('refuses to resend activation to an active user (409)', async () => {
    const h = await createHousehold(db);
    await agent.get(`/admin/usuarios/${h.user.id}/reenviar-activacion`).expect(409);
  });

  it('ends every session of a user', async () => {
    const h = await createHousehold(db);
    const customer = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
    await customer.get('/suministros').expect(200);
    await postAction(agent, h.user.id, 'cerrar-sesiones', h.customer.id, { reason: REASON }, 303);
    const after = await customer.get('/suministros');
    expect(after.status).to.equal(303);
    const a = await lastAudit(db, 'user.sessions_ended', h.user.id);
    expect(a.details).to.include({ reason: REASON, sessions: 1 });
    const page = await agent.get(`/admin/clientes/${h.customer.id}`).expect(200);
    expect(pageText(page.text)).to.include(`Sesiones del usuario ${h.user.loginId} cerradas: 1`);
  });

  it('corrects the email after the identity check: verified, both addresses told, old links dead, audit with both', async () => {
    const h = await createHousehold(db);
    const oldEmail = h.user.email;
    const resetLink = await db.transaction((trx) => issueResetLink(trx, h.user.id, ctx.clock.now(), ctx.config));
    const newEmail = uniqueEmail('corregido');
    await postAction(agent, h.user.id, 'corregir-email', h.customer.id, { email: `  ${newEmail} `, identity: 'on', reason: REASON }, 303);
    const row = await userRow(db, h.user.id);
    expect(row.email).to.equal(newEmail);
    expect(new Date(row.email_verified_at).getTime()).to.equal(ctx.clock.now().getTime());
    const toOld = await lastMailTo(db, oldEmail);
    expect(toOld!.template).to.equal('admin_email_corrected_old');
    expect(toOld!.text_body).to.include(newEmail);
    expect((await lastMailTo(db, newEmail))!.template).to.equal('admin_email_corrected_new');
    const a = await lastAudit(db, 'user.email_corrected', h.user.id);
    expect(a.details).to.include({ reason: REASON, oldEmail, newEmail });
    await request(ctx.app).get(`/restablecer?token=${tokenOf(resetLink)}`).expect(410);
  });

  it('keeps what was typed and explains each problem of the email correction form (422)', async () => {
    const h = await createHousehold(db);
    const res = await postAction(agent, h.user.id, 'corregir-email', h.customer.id, { email: 'no-es-un-email', reason: 'corto' }, 422);
    expect(fieldError(res.text, 'email')).to.include('email válido');
    expect(fieldError(res.text, 'identity')).to.include('comprobado la identidad');
    expect(fieldError(res.text, 'reason')).to.include('al menos 10 caracteres');
    expect(res.text).to.include('value="no-es-un-email"');
    expect(res.text).to.match(/<textarea id="f-reason"[^>]*>corto<\/textarea>/);
    expect(res.text).to.include('name="cliente" value="' + h.customer.id + '"');
    const same = await postAction(agent, h.user.id, 'corregir-email', h.customer.id, { email: h.user.email.toUpperCase(), identity: 'on', reason: REASON }, 422);
    expect(fieldError(same.text, 'email')).to.include('mismo email');
    expect(same.text).to.match(/id="f-identity" name="identity" value="on" checked/);
    expect((await userRow(db, h.user.id)).email).to.equal(h.user.email);
  });

  for (const action of SUPPORT_ACTIONS) {
    describe(`${action}: mandatory reason and CSRF`, () => {
      async function target(): Promise<HouseholdFixture> {
        return createHousehold(db, { user: { status: action === 'desbloquear' ? 'locked' : action === 'reenviar-activacion' ? 'pending' : 'active' } });
      }
      const extra = action === 'corregir-email' ? () => ({ email: uniqueEmail('nuevo'), identity: 'on' }) : () => ({});

      it('without a reason: 422, the error next to the field, the rest kept, nothing changed', async () => {
        const h = await target();
        const fields = extra();
        const res = await postAction(agent, h.user.id, action, h.customer.id, { ...fields, reason: '   ' }, 422);
        expect(fieldError(res.text, 'reason')).to.equal('Este campo es requerido');
        expect(res.text).to.include('aria-describedby="f-reason-hint f-reason-error"');
        if ('email' in fields) expect(res.text).to.include(`value="${fields.email}"`);
        expect(await db('audit_log').where({ target_type: 'user', target_id: String(h.user.id), actor_type: 'staff' })).to.have.length(0);
        expect(await mailsTo(db, h.user.email)).to.have.length(0);
      });

      it('without the CSRF token: 403, nothing changed', async () => {
        const h = await target();
        await agent.post(`/admin/usuarios/${h.user.id}/${action}`).type('form').send({ reason: REASON, ...extra() }).expect(403);
        expect(await db('audit_log').where({ target_type: 'user', target_id: String(h.user.id), actor_type: 'staff' })).to.have.length(0);
        expect((await userRow(db, h.user.id)).status).to.equal(h.user.status);
      });
    });
  }

  it('a supervisor may act too', async () => {
    const { agent: supervisor } = await staffAgent(ctx, 'supervisor');
    const h = await createHousehold(db, { user: { status: 'locked' } });
    await postAction(supervisor, h.user.id, 'desbloquear', h.customer.id, { reason: REASON }, 303);
    expect((await userRow(db, h.user.id)).status).to.equal('active');
  });

  it('anonymous visitors and customer sessions never reach the admin pages or actions', async () => {
    const h = await createHousehold(db, { user: { status: 'locked' } });
    const other = await createHousehold(db);
    const anonymous = request.agent(ctx.app);
    for (const path of ['/admin/clientes', `/admin/clientes/${h.customer.id}`, `/admin/usuarios/${h.user.id}/desbloquear`]) {
      const res = await anonymous.get(path).expect(303);
      expect(res.headers.location).to.equal('/admin/acceso');
    }
    const token = await staffCsrf(anonymous, '/admin/acceso');
    const post = await anonymous.post(`/admin/usuarios/${h.user.id}/desbloquear`).type('form').send({ _csrf: token, reason: REASON }).expect(303);
    expect(post.headers.location).to.equal('/admin/acceso');

    const customer = await loginAs(request.agent(ctx.app), other.user.loginId, other.user.password);
    const res = await customer.get(`/admin/clientes/${h.customer.id}`).expect(303);
    expect(res.headers.location).to.equal('/admin/acceso');
    const customerToken = csrfFrom((await customer.get('/ajustes').expect(200)).text);
    await customer.post(`/admin/usuarios/${h.user.id}/desbloquear`).type('form').send({ _csrf: customerToken, reason: REASON }).expect(403);
    expect((await userRow(db, h.user.id)).status).to.equal('locked');
  });
});

describe('admin: unlock flow end to end', () => {
  it('a customer locked by 5 wrong logins is unlocked by an agent and logs in', async () => {
    const ctx = await testContext();
    const db = ctx.db.knex;
    await resetThrottles(db);
    const h = await createHousehold(db);
    const customer = request.agent(ctx.app);
    for (let i = 0; i < 5; i++) expect((await wrongLogin(customer, h.user.loginId)).status).to.equal(401);
    expect((await userRow(db, h.user.id)).status).to.equal('locked');
    await resetThrottles(db);
    const page = await customer.get('/acceso');
    const refused = await customer.post('/acceso').type('form').send({ _csrf: csrfFrom(page.text), loginId: h.user.loginId, password: h.user.password });
    expect(refused.status).to.equal(401);

    const { agent } = await staffAgent(ctx);
    const found = await search(agent, h.user.loginId);
    expect(found.res.text).to.include(`href="/admin/clientes/${h.customer.id}"`);
    const customerPage = await agent.get(`/admin/clientes/${h.customer.id}`).expect(200);
    expect(pageText(customerPage.text)).to.include('Bloqueado');
    await postAction(agent, h.user.id, 'desbloquear', h.customer.id, { reason: 'Llamada de la titular: bloqueada tras olvidar la contraseña.' }, 303);

    await loginAs(customer, h.user.loginId, h.user.password);
    await customer.get('/suministros').expect(200);
    expect((await mailsTo(db, h.user.email)).map((m) => m.template)).to.deep.equal(['lockout', 'admin_unlocked']);
  });
});
