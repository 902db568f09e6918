import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../support/context';
import { createCustomer, createHousehold, createUser, csrfFrom, lastMailTo, linkUser, loginAs, mailsTo, pageText, resetThrottles, uniqueCif, type Agent } from '../support/factories';
import { approveCifMigration, rejectCifMigration } from '../../src/services/cif-migration';
import { postMultipart as postForm, tinyPdf } from '../support/multipart';

const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const GIF_1X1 = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const PATH = '/empresas/migrar-cif';

/** A company registered long ago with its CIF as login id (seed 002), plus the person who will take it over. */
async function legacy() {
  const ctx = await testContext();
  const db = ctx.db.knex;
  const customer = await createCustomer(db, { kind: 'company', representativeNif: null });
  const cifUser = await createUser(db, { loginId: customer.taxId, firstName: 'Talleres', email: `cif.${customer.taxId.toLowerCase()}@example.com` });
  await linkUser(db, cifUser, customer, 'representative');
  const h = await createHousehold(db);
  return { ctx, db, customer, cifUser, person: h.user, agent: await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password) };
}

async function loginAttempt(agent: Agent, loginId: string) {
  await resetThrottles();
  const page = await agent.get('/acceso');
  return agent.post('/acceso').type('form').send({ _csrf: csrfFrom(page.text), loginId, password: 'Cualquier-Cosa-2026' });
}

describe('accounts registered with a CIF (seed 002)', () => {
  it('the login refuses a CIF with the explanation, the same whether an account has that CIF or not', async () => {
    const { ctx, customer } = await legacy();
    const a = await loginAttempt(request.agent(ctx.app), customer.taxId);
    const unknownCif = uniqueCif();
    const b = await loginAttempt(request.agent(ctx.app), unknownCif);
    expect(a.status).to.equal(422);
    expect(b.status).to.equal(a.status);
    const text = pageText(a.text);
    expect(text).to.include('A partir de ahora no puedes acceder con CIF (NIF de persona jurídica)');
    expect(text).to.include('¿Estás dado de alta con un CIF?');
    expect(a.text).to.include('href="/empresas/migrar-cif"');
    const normalise = (html: string, cif: string) => pageText(html).replaceAll(cif, 'CIF');
    expect(normalise(a.text, customer.taxId)).to.equal(normalise(b.text, unknownCif));
    // no login was attempted against the account
    expect(await ctx.db.knex('login_history').whereIn('user_id', ctx.db.knex('users').where({ login_id: customer.taxId }).select('id')).first()).to.equal(undefined);
  });

  it('the migration form needs a logged-in person; validation keeps what was typed', async () => {
    const { ctx, agent } = await legacy();
    expect((await request(ctx.app).get(PATH)).status).to.equal(303);
    const form = await agent.get(PATH).expect(200);
    expect(form.text).to.include('enctype="multipart/form-data"');
    const bad = await postForm(agent, PATH, { cif: '12345678Z', documentType: 'escritura_constitucion' }, [{ name: 'logo.gif', bytes: GIF_1X1, type: 'image/gif' }]);
    expect(bad.status).to.equal(422);
    expect(pageText(bad.text)).to.include('Escribe un CIF válido');
    expect(pageText(bad.text)).to.include('no es un PDF, JPEG o PNG');
    expect(bad.text).to.include('value="12345678Z"');
    expect(bad.text).to.match(/value="escritura_constitucion" selected/);
    const noToken = await postForm(agent, PATH, { cif: uniqueCif(), documentType: 'poder_notarial' }, [{ name: 'a.pdf', bytes: tinyPdf() }], null);
    expect(noToken.status).to.equal(403);
  });

  it('approved: the person sees the company as representative, the CIF account is disabled and its sessions end', async () => {
    const { ctx, db, customer, cifUser, person, agent } = await legacy();
    const res = await postForm(agent, PATH, { cif: customer.taxId.toLowerCase(), documentType: 'escritura_constitucion' }, [{ name: 'escritura.pdf', bytes: tinyPdf() }, { name: 'dni.png', bytes: PNG_1X1, type: 'image/png' }]);
    expect(res.status, pageText(res.text)).to.equal(303);
    expect(res.headers.location).to.equal(`${PATH}?enviado=1`);
    expect(pageText((await agent.get(res.headers.location!).expect(200)).text)).to.include('revisaremos la documentación');
    const r = await db('requests').where({ customer_id: customer.id, type: 'cif_migration' }).first();
    expect(r).to.include({ status: 'recibida', created_by: person.id });
    expect(r.payload).to.include({ cif: customer.taxId, documents: 2 });
    expect(await db('documents').where({ request_id: r.id }).pluck('uploaded_by')).to.deep.equal([person.id, person.id]);
    expect((await lastMailTo(db, person.email))?.template).to.equal('cif_migration_received');

    // before approval the company is not theirs
    await agent.get(`/clientes/${customer.id}/representante`).expect(404);
    // a session of the old account (from before logins with a CIF were refused)
    await db('sessions').insert({ sid: `cif-${cifUser.id}`, sess: JSON.stringify({ userId: cifUser.id, cookie: {} }), expire: new Date('2030-01-01') });

    await db.transaction((trx) => approveCifMigration(trx, r.id, { id: null }, 'Documentación correcta', ctx.clock.now(), ctx.config));

    await agent.get(`/clientes/${customer.id}/representante`).expect(200);
    const detail = await agent.get(`/gestiones/${r.id}`).expect(200);
    expect(pageText(detail.text)).to.include('Completada');
    expect((await db('customers').where({ id: customer.id }).first('representative_nif')).representative_nif).to.equal(person.loginId);
    expect(await db('customer_links').where({ user_id: person.id, customer_id: customer.id }).whereNot('status', 'revoked').first('role')).to.deep.equal({ role: 'representative' });
    expect(await db('customer_links').where({ user_id: cifUser.id }).pluck('status')).to.deep.equal(['revoked']);
    expect((await db('users').where({ id: cifUser.id }).first('status')).status).to.equal('disabled');
    expect(await db('sessions').where({ sid: `cif-${cifUser.id}` }).first()).to.equal(undefined);
    expect((await mailsTo(db, person.email)).map((m) => m.template)).to.include.members(['cif_migration_done', 'request_status']);
    expect((await lastMailTo(db, cifUser.email))?.template).to.equal('cif_migration_old_account');
    const actions = await db('audit_log').where({ customer_id: customer.id }).pluck('action');
    expect(actions).to.include.members(['request.cif_migration', 'link.granted', 'link.revoked', 'representative.changed', 'account.disabled']);
  });

  it('an unknown CIF gets the same answer and email, and files nothing', async () => {
    const { db, person, agent } = await legacy();
    const before = await db('requests').where({ created_by: person.id }).count<{ count: number }[]>('* as count').first();
    const res = await postForm(agent, PATH, { cif: uniqueCif(), documentType: 'poder_notarial' }, [{ name: 'poder.pdf', bytes: tinyPdf() }]);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`${PATH}?enviado=1`);
    expect((await lastMailTo(db, person.email))?.template).to.equal('cif_migration_received');
    expect(await db('requests').where({ created_by: person.id }).count<{ count: number }[]>('* as count').first()).to.deep.equal(before);
  });

  it('rejected: the reason reaches the person, the CIF account stays as it was', async () => {
    const { ctx, db, customer, cifUser, person, agent } = await legacy();
    await postForm(agent, PATH, { cif: customer.taxId, documentType: 'poder_notarial' }, [{ name: 'poder.pdf', bytes: tinyPdf() }]);
    const r = await db('requests').where({ customer_id: customer.id, type: 'cif_migration' }).first('id');
    await db.transaction((trx) => rejectCifMigration(trx, r.id, { id: null }, 'El poder notarial está caducado', ctx.clock.now(), ctx.config));
    expect((await db('requests').where({ id: r.id }).first('status')).status).to.equal('rechazada');
    expect((await db('users').where({ id: cifUser.id }).first('status')).status).to.equal('active');
    expect(await db('customer_links').where({ user_id: person.id, customer_id: customer.id }).first()).to.equal(undefined);
    const mail = await lastMailTo(db, person.email);
    expect(mail?.template).to.equal('request_status');
    expect(mail?.text_body).to.include('El poder notarial está caducado');
  });
});
