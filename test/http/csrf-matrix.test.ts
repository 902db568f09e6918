/**
 * The CSRF matrix (issue 12 item 3): every POST route of the app, read from the router, is sent
 * without its token and with a wrong one as a form, as JSON and as multipart/form-data, by a
 * logged-in person whose session has a token; each must be refused before any handler runs
 * (403). Multipart is refused unread (415) by every route that takes no files, even with the
 * right token; the upload routes take it, with the token in the form's first field or in the
 * `x-csrf-token` header, and refuse it without (403) before reading the files.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Response } from 'supertest';
import { testContext, type TestContext } from '../support/context';
import { csrfFrom, resetThrottles, type Agent } from '../support/factories';
import { buildWorld, type World } from '../support/roles';
import { appRoutes } from '../support/routes';
import { createStaff, loginStaff, staffCsrf } from '../support/staff';
import { tinyPdf } from '../support/multipart';

// Upload forms and their file input; every other POST route must refuse multipart.
const UPLOADS: Record<string, string> = {
  'POST /contratos/:contractId/reclamacion': 'attachments',
  'POST /contratos/:contractId/titular': 'documents',
  'POST /clientes/:customerId/representante': 'documents',
  'POST /clientes/:customerId/gestor-externo': 'documents',
  'POST /empresas/representante': 'documents',
  'POST /empresas/migrar-cif': 'documents',
};
// Server-to-server callbacks signed by their sender instead of a session token.
const SIGNED = new Set(['POST /pagos/redsys/notificacion']);

const WRONG = 'f'.repeat(64);

function fill(path: string, w: World): string {
  const c = w.C;
  const values: Record<string, string | number> = {
    customerId: c.customer.id, contractId: c.contractId, invoiceId: c.invoiceId, requestId: c.requestId, documentId: c.documentId,
    orderId: c.orderId, linkId: c.spareLinkId, invitationId: c.spareInvitationId, relationId: c.spareRelationId,
  };
  // ids the handler never sees when the request is refused first
  return path.replace(/:([A-Za-z]+)/g, (_m, name: string) => String(values[name] ?? 1));
}

interface Who { agent: Agent; token(): Promise<string> }

describe('CSRF matrix: every POST route, as a form, as JSON and as multipart', function () {
  this.timeout(180_000);
  let ctx: TestContext;
  let world: World;
  let routes: string[];
  let customer: Who;
  let staff: Who;

  before(async () => {
    ctx = await testContext();
    routes = appRoutes(ctx.app).filter((r) => r.startsWith('POST ') && !SIGNED.has(r));
    world = await buildWorld(ctx.app, ctx.db.knex, ctx.clock.now());
    const rep = world.sessions.rep_C;
    customer = { agent: rep.agent, token: async () => rep.csrf };
    const supervisor = await createStaff(ctx.db.knex, { role: 'supervisor' });
    const agent = await loginStaff((await import('supertest')).default.agent(ctx.app), supervisor);
    staff = { agent, token: () => staffCsrf(agent, '/admin/personal/nuevo') };
  });

  beforeEach(() => resetThrottles());

  it('knows every upload route, and each is still there', () => {
    for (const key of Object.keys(UPLOADS)) expect(routes, key).to.include(key);
  });

  for (const variant of ['form', 'json', 'multipart'] as const) {
    it(`refuses every POST without the token and with a wrong one (${variant})`, async () => {
      const rows: string[] = [];
      for (const key of routes) {
        const path = key.slice(5);
        const who = path.startsWith('/admin/') ? staff : customer;
        const url = fill(path, world);
        const field = UPLOADS[key];
        const expected = variant === 'multipart' && !field ? 415 : 403;
        for (const token of [null, WRONG]) {
          let res: Response;
          if (variant === 'form') res = await who.agent.post(url).redirects(0).type('form').send(token ? { _csrf: token, confirmar: '1' } : { confirmar: '1' });
          else if (variant === 'json') res = await who.agent.post(url).redirects(0).send(token ? { _csrf: token, confirmar: '1' } : { confirmar: '1' });
          else {
            let req = who.agent.post(url).redirects(0);
            if (token) req = req.field('_csrf', token);
            res = await req.field('confirmar', '1').attach(field ?? 'documents', tinyPdf(), { filename: 'a.pdf', contentType: 'application/pdf' });
          }
          if (res.status !== expected) rows.push(`✗ ${key} ${token ? 'wrong token' : 'no token'}: ${res.status} (expected ${expected})`);
        }
        if (variant === 'multipart') {
          // a wrong token in the header is refused even where the body would be refused anyway
          const res = await who.agent.post(url).redirects(0).set('x-csrf-token', WRONG).field('confirmar', '1');
          if (res.status !== 403) rows.push(`✗ ${key} wrong header token: ${res.status} (expected 403)`);
        }
      }
      expect(rows, rows.join('\n')).to.deep.equal([]);
    });
  }

  it('refuses multipart with the right token (415) wherever no file is expected, and lets the upload forms take it', async () => {
    const rows: string[] = [];
    for (const key of routes) {
      const path = key.slice(5);
      const who = path.startsWith('/admin/') ? staff : customer;
      const url = fill(path, world);
      const token = await who.token();
      const field = UPLOADS[key];
      const inField = await who.agent.post(url).redirects(0).field('_csrf', token).field('confirmar', '1');
      const inHeader = await who.agent.post(url).redirects(0).set('x-csrf-token', token).field('confirmar', '1');
      for (const [how, res] of [['field', inField], ['header', inHeader]] as const) {
        const ok = field ? ![403, 415].includes(res.status) && res.status < 500 : res.status === 415;
        if (!ok) rows.push(`✗ ${key} token in ${how}: ${res.status} (expected ${field ? 'handled' : '415'})`);
      }
    }
    expect(rows, rows.join('\n')).to.deep.equal([]);
  });

  it('runs no handler for multipart: logout, e-billing, language and payment order change nothing', async () => {
    const s = world.sessions.rep_C;
    const db = ctx.db.knex;
    const state = async () => ({
      eBilling: (await db('contracts').where({ id: world.C.contractId }).first('e_billing')).e_billing as boolean,
      language: (await db('users').where({ id: s.user!.id }).first('language')).language as string,
      payments: (await db('payments').where({ invoice_id: world.C.invoiceId }).select('id')).length,
    });
    const before = await state();
    for (const url of ['/salir', `/contratos/${world.C.contractId}/factura-electronica`, '/ajustes/idioma', `/facturas/${world.C.invoiceId}/pagar`]) {
      const res = await s.agent.post(url).redirects(0).field('_csrf', s.csrf).field('language', 'ca').field('eBilling', before.eBilling ? 'off' : 'on');
      expect(res.status, url).to.equal(415);
      expect(res.text).to.include('Este formulario no admite archivos');
    }
    await s.agent.get('/ajustes').expect(200);
    expect(await state()).to.deep.equal(before);
  });

  it('answers 403 to an upload without a token before the file is sent', async () => {
    const s = world.sessions.rep_C;
    const server = http.createServer(ctx.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const cookie = (await s.agent.get('/ajustes')).request.cookies ?? '';
      const boundary = 'b0undary';
      const res = await new Promise<{ status: number; bodyBytesSent: number }>((resolve, reject) => {
        const req = http.request({
          host: '127.0.0.1', port, method: 'POST', path: `/contratos/${world.C.contractId}/reclamacion`,
          headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(50 * 1024 * 1024) },
        });
        let sent = 0;
        req.on('response', (r) => { resolve({ status: r.statusCode ?? 0, bodyBytesSent: sent }); r.resume(); req.destroy(); });
        req.on('error', (err) => { if (!sent) reject(err); });
        const head = `--${boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\nbilling\r\n--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`;
        req.write(head);
        sent += head.length;
        // a few chunks, then wait: the answer must come without the other 49 MB
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        for (let i = 0; i < 4; i++) { req.write(chunk); sent += chunk.length; }
      });
      expect(res.status).to.equal(403);
      expect(res.bodyBytesSent).to.be.below(1024 * 1024);
    } finally {
      server.close();
    }
  });

  it('takes the token from the first field of an upload form, as a browser sends it', async () => {
    const s = world.sessions.rep_C;
    const res = await s.agent.post(`/contratos/${world.C.contractId}/reclamacion`).redirects(0).field('_csrf', csrfFrom((await s.agent.get(`/contratos/${world.C.contractId}/reclamacion`)).text))
      .field('category', 'billing').field('description', 'La factura de octubre no cuadra con mis lecturas del contador.')
      .attach('attachments', tinyPdf(), { filename: 'lectura.pdf', contentType: 'application/pdf' });
    expect(res.status).to.equal(303);
  });
});
