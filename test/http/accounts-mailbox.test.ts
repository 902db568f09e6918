import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import { pageText, uniqueEmail } from '../support/factories';
import { queueMail } from '../../src/adapters/mail/outbox';
import { insertOutbox } from '../../src/data/outbox-repo';
import { renderMail } from '../../src/adapters/mail/render';

describe('accounts: development mailbox and outbox', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testContext();
  });

  async function queue(to: string, lang = 'es') {
    const id = await queueMail(ctx.db.knex, { to, lang, template: 'password_reset', params: { name: 'Lucía <b>' }, actionUrl: `${ctx.config.publicUrl}/restablecer?token=abc_DEF-123` });
    return (await ctx.db.knex('outbox').where({ id }).first())!;
  }

  it('lists the newest messages and filters them by recipient', async () => {
    const a = uniqueEmail('buzon');
    const b = uniqueEmail('buzon');
    await queue(a);
    await queue(b);
    const all = await request(ctx.app).get('/dev/buzon').expect(200);
    expect(pageText(all.text)).to.include('Buzón de desarrollo');
    expect(all.text).to.include(a);
    expect(all.text).to.include(b);
    const only = await request(ctx.app).get(`/dev/buzon?para=${encodeURIComponent(a.toUpperCase())}`).expect(200);
    expect(only.text).to.include(a);
    expect(only.text).not.to.include(b);
  });

  it('finds a recipient\'s mail even behind more than 100 newer messages', async () => {
    const old = uniqueEmail('antiguo');
    const row = await queue(old);
    for (let i = 0; i < 101; i++) {
      await insertOutbox(ctx.db.knex, { to: `relleno.${i}@example.com`, language: 'es', template: 'x', subject: 'Relleno', text: 't', html: '<p>t</p>' });
    }
    const res = await request(ctx.app).get(`/dev/buzon?para=${encodeURIComponent(old)}`).expect(200);
    expect(res.text).to.include(`<a href="/dev/buzon/${row.id}">`);
  });

  it('shows a message with its links clickable and its text escaped', async () => {
    const to = uniqueEmail('buzon');
    const row = await queue(to);
    const res = await request(ctx.app).get(`/dev/buzon/${row.id}`).expect(200);
    expect(res.text).to.include(`<a href="${ctx.config.publicUrl}/restablecer?token=abc_DEF-123">`);
    expect(res.text).to.include('Hola, Lucía &lt;b&gt;:');
    expect(res.text).not.to.include('Lucía <b>');
    expect(pageText(res.text)).to.include('Restablece tu contraseña del Área Clientes');
  });

  it('serves the HTML version under a CSP that runs nothing', async () => {
    const row = await queue(uniqueEmail('buzon'));
    const res = await request(ctx.app).get(`/dev/buzon/${row.id}/html`).expect(200);
    expect(res.headers['content-type']).to.match(/^text\/html/);
    expect(res.headers['content-security-policy']).to.equal("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'");
    expect(res.text).to.include('Lucía &lt;b&gt;');
    expect(res.text).to.include(`href="${ctx.config.publicUrl}/restablecer?token=abc_DEF-123"`);
  });

  it('answers an unknown message with the friendly 404 page', async () => {
    for (const path of ['/dev/buzon/999999999', '/dev/buzon/abc', '/dev/buzon/999999999/html']) {
      const res = await request(ctx.app).get(path).expect(404);
      expect(pageText(res.text), path).to.include('No encontramos esta página');
    }
  });

  it('renders every account email as text and HTML in Spanish and Catalan, with no missing text', () => {
    // the templates the account flows queue, and whether they carry a link
    const templates = { activation: true, already_registered: true, company_linked: true, holder_linked: true, lockout: true, password_reset: true, password_changed: false, email_change_confirm: true, email_change_notice: false, email_changed: false };
    for (const lang of ['es', 'ca'] as const) {
      for (const [template, withLink] of Object.entries(templates)) {
        const m = renderMail(lang, { template, params: { name: 'Ana', loginId: '12345678Z', newEmail: 'a@b.es', when: 'ayer', company: 'Empresa S.L.' }, ...(withLink ? { actionUrl: 'http://x/y?token=t' } : {}) });
        expect(m.subject, `${lang} ${template}`).not.to.match(/^mail\./);
        expect(m.text, `${lang} ${template}`).not.to.match(/\bmail\.[a-z_]|\{\{/);
        expect(m.html, `${lang} ${template}`).to.include(`<html lang="${lang}">`);
        if (withLink) expect(m.html, `${lang} ${template}`).to.include('href="http://x/y?token=t"');
      }
    }
  });
});
