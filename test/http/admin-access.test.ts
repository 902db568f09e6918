/**
 * Every route of the admin router × {anonymous, customer user, agente, supervisor}. Routes are
 * read from the router itself, so a route added without an expectation here fails the suite.
 * POSTs carry a valid CSRF token and an empty body: they must answer, never 500.
 */
import { expect } from 'chai';
import request from 'supertest';
import type { Router } from 'express';
import { adminRoutes } from '../../src/routes/admin';
import type { AppDeps } from '../../src/deps';
import { testContext, type TestContext } from '../support/context';
import { addConsumption, createCustomer, createHousehold, createUser, issueInvoices, linkUser, loginAs, resetThrottles, type Agent } from '../support/factories';
import { postMultipart, tinyPdf } from '../support/multipart';
import { createRequest } from '../../src/services/requests';
import { insertOutbox } from '../../src/data/outbox-repo';
import { createStaff, loginStaff, type StaffFixture } from '../support/staff';

type Role = 'anonymous' | 'customer' | 'agente' | 'supervisor';
/** 'login' = 303 to /admin/acceso; 'handled' = any answer but 401/403/5xx or the login page; or an exact status. */
type Outcome = 'login' | 'handled' | number;
type Expectation = Record<Role, Outcome> & { freshSession?: boolean };

const STAFF_GET: Expectation = { anonymous: 'login', customer: 'login', agente: 200, supervisor: 200 };
const SUPERVISOR_GET: Expectation = { anonymous: 'login', customer: 'login', agente: 403, supervisor: 200 };
const STAFF_POST: Expectation = { anonymous: 'login', customer: 'login', agente: 'handled', supervisor: 'handled' };
const SUPERVISOR_POST: Expectation = { anonymous: 'login', customer: 'login', agente: 403, supervisor: 'handled' };

const EXPECTATIONS: Record<string, Expectation> = {
  // login, enrolment, logout, language: reachable without a session by design
  'GET /admin/acceso': { anonymous: 200, customer: 200, agente: 303, supervisor: 303 },
  'POST /admin/acceso': { anonymous: 422, customer: 422, agente: 422, supervisor: 422 },
  'GET /admin/acceso/codigo': { anonymous: 'login', customer: 'login', agente: 303, supervisor: 303 },
  'POST /admin/acceso/codigo': { anonymous: 'login', customer: 'login', agente: 'login', supervisor: 'login' },
  'GET /admin/alta-2fa': { anonymous: 'login', customer: 'login', agente: 303, supervisor: 303 },
  'POST /admin/alta-2fa': { anonymous: 'login', customer: 'login', agente: 303, supervisor: 303 },
  'POST /admin/salir': { anonymous: 303, customer: 303, agente: 303, supervisor: 303, freshSession: true },
  'POST /admin/idioma': { anonymous: 303, customer: 303, agente: 303, supervisor: 303 },
  // one's own password; the emailed reset link (without a valid token: 410 for anybody)
  'GET /admin/contrasena': STAFF_GET,
  'POST /admin/contrasena': STAFF_POST,
  'GET /admin/restablecer': { anonymous: 410, customer: 410, agente: 410, supervisor: 410 },
  'POST /admin/restablecer': { anonymous: 410, customer: 410, agente: 410, supervisor: 410 },
  // A1: home and staff management
  'GET /admin': STAFF_GET,
  'GET /admin/personal': SUPERVISOR_GET,
  'GET /admin/personal/nuevo': SUPERVISOR_GET,
  'POST /admin/personal': SUPERVISOR_POST,
  'GET /admin/promociones': STAFF_GET,
  'GET /admin/promociones/nueva': SUPERVISOR_GET,
  'POST /admin/promociones': SUPERVISOR_POST,
  'GET /admin/promociones/:promotionId': SUPERVISOR_GET,
  'POST /admin/promociones/:promotionId': SUPERVISOR_POST,
  'POST /admin/promociones/:promotionId/estado': SUPERVISOR_POST,
  'GET /admin/personal/:staffMemberId': SUPERVISOR_GET,
  'POST /admin/personal/:staffMemberId': SUPERVISOR_POST,
  // A2: customers and support actions (any staff member)
  'GET /admin/clientes': STAFF_GET,
  'GET /admin/clientes/:customerId': STAFF_GET,
  'GET /admin/usuarios/:userId/desbloquear': STAFF_GET,
  'POST /admin/usuarios/:userId/desbloquear': STAFF_POST,
  'GET /admin/usuarios/:userId/reenviar-activacion': STAFF_GET,
  'POST /admin/usuarios/:userId/reenviar-activacion': STAFF_POST,
  'GET /admin/usuarios/:userId/cerrar-sesiones': STAFF_GET,
  'POST /admin/usuarios/:userId/cerrar-sesiones': STAFF_POST,
  'GET /admin/usuarios/:userId/corregir-email': STAFF_GET,
  'POST /admin/usuarios/:userId/corregir-email': STAFF_POST,
  // A3: review queue (decisions: supervisors) and requests
  'GET /admin/revision': STAFF_GET,
  'GET /admin/revision/:requestId': STAFF_GET,
  'POST /admin/revision/:requestId/aprobar': SUPERVISOR_POST,
  'POST /admin/revision/:requestId/rechazar': SUPERVISOR_POST,
  'GET /admin/documentos/:documentId': STAFF_GET,
  'GET /admin/gestiones': STAFF_GET,
  'GET /admin/gestiones/:requestId': STAFF_GET,
  'POST /admin/gestiones/:requestId/estado': STAFF_POST,
  'POST /admin/gestiones/:requestId/asignar': STAFF_POST,
  // power changes with the distributor (any staff member); the answer page redirects unless en trámite
  'POST /admin/gestiones/:requestId/distribuidora/envio': STAFF_POST,
  'GET /admin/gestiones/:requestId/distribuidora': STAFF_POST,
  'POST /admin/gestiones/:requestId/distribuidora': STAFF_POST,
  // complaint resolution (any staff member); the page redirects unless the complaint is open
  'GET /admin/gestiones/:requestId/resolucion': STAFF_POST,
  'POST /admin/gestiones/:requestId/resolucion': STAFF_POST,
  // contracting (another energy, new supply) is completed by creating its contract: any staff member
  'GET /admin/gestiones/:requestId/alta': STAFF_POST,
  'POST /admin/gestiones/:requestId/alta': STAFF_POST,
  // rectifying invoices: supervisors
  'GET /admin/facturas/:invoiceId/rectificar': SUPERVISOR_GET,
  'POST /admin/facturas/:invoiceId/rectificar': SUPERVISOR_POST,
  // A4: billing runs (starting one: supervisors), audit log, outbox
  'GET /admin/facturacion': STAFF_GET,
  'POST /admin/facturacion': SUPERVISOR_POST,
  'GET /admin/facturacion/:runId': STAFF_GET,
  'GET /admin/auditoria': STAFF_GET,
  'GET /admin/auditoria.csv': STAFF_GET,
  'GET /admin/correo': STAFF_GET,
  'GET /admin/correo/:messageId': STAFF_GET,
  'POST /admin/correo/:messageId/reintentar': STAFF_POST,
  'GET /admin/reembolsos': STAFF_GET,
  'POST /admin/reembolsos/:paymentId/hecho': STAFF_POST,
};

interface RouteInfo { method: string; path: string }

function joinPath(...parts: string[]): string {
  const p = parts.join('/').replace(/\/+/g, '/');
  return p.length > 1 ? p.replace(/\/$/, '') : p;
}

/** Walks Express 5's router: layer.route for routes, layer.handle.stack for mounted routers. */
function listRoutes(router: Router, prefix: string): RouteInfo[] {
  const out: RouteInfo[] = [];
  type Layer = { route?: { path: string | string[]; methods: Record<string, boolean> }; handle: { stack?: Layer[] }; rawPath?: string };
  for (const layer of (router as unknown as { stack: Layer[] }).stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const p of paths) {
        for (const [m, on] of Object.entries(layer.route.methods)) if (on && m !== '_all') out.push({ method: m.toUpperCase(), path: joinPath(prefix, p) });
      }
    } else if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === 'string' ? layer.rawPath : '/';
      out.push(...listRoutes(layer.handle as unknown as Router, joinPath(prefix, mount)));
    }
  }
  return out;
}

/** A representative change filed through the customer form, so the review has its document. */
async function filedRepresentativeChange(): Promise<{ requestId: number; documentId: number }> {
  const ctx = await testContext();
  const db = ctx.db.knex;
  const rep = await createUser(db, { firstName: 'Antonio' });
  const customer = await createCustomer(db, { kind: 'company', representativeNif: rep.loginId });
  await linkUser(db, rep, customer, 'representative');
  const full = await createUser(db, { firstName: 'Berta' });
  await linkUser(db, full, customer, 'authorized_full');
  const fullLink = await db('customer_links').where({ user_id: full.id, customer_id: customer.id }).first('id');
  const repAgent = await loginAs(request.agent(ctx.app), rep.loginId, rep.password);
  const res = await postMultipart(repAgent, `/clientes/${customer.id}/representante`,
    { choice: `contact:${fullLink.id}`, nif: '', name: '', email: '', previous: 'authorized_full', documentType: 'poder_notarial' }, [{ name: 'poder.pdf', bytes: tinyPdf('Poder notarial') }]);
  expect(res.status, 'filing the representative change').to.equal(303);
  const requestId = Number(/(\d+)$/.exec(res.headers.location!)?.[1]);
  const doc = await db('documents').where({ request_id: requestId }).first('id');
  return { requestId, documentId: doc.id as number };
}

describe('admin: access to every route', () => {
  let ctx: TestContext;
  let routes: RouteInfo[];
  let params: Record<string, string>;
  let routeParams: Record<string, Record<string, string>> = {};
  const agents = {} as Record<Role, Agent>;
  let agente: StaffFixture;
  let supervisor: StaffFixture;

  before(async function () {
    this.timeout(90_000);
    ctx = await testContext();
    routes = listRoutes(adminRoutes({ ...(ctx.app.locals.deps as AppDeps), sessionSecret: 'access-test' }), '/admin');
    const db = ctx.db.knex;
    const household = await createHousehold(db);
    const other = await createStaff(db, { role: 'agente' });
    const locked = await createUser(db, { status: 'locked' });
    const pending = await createUser(db, { status: 'pending' });
    const u = household.user;
    const filed = await db.transaction((trx) => createRequest(trx, {
      type: 'power_change', customerId: household.customer.id, contractId: null, payload: { p1Kw: 4.6, p2Kw: 4.6 }, access: { read: true, act: true, manageContacts: true, via: null },
    }, { userId: u.id, email: u.email, firstName: u.firstName, language: 'es', ip: '127.0.0.1' }, ctx.clock.now(), ctx.config));
    const review = await filedRepresentativeChange();
    await addConsumption(db, household.supply.contractId, [{ month: '2026-09', P1: 100, P2: 80, P3: 120 }]);
    const [invoice] = await issueInvoices(db, household.supply.contractId, ['2026-09']);
    const now = ctx.clock.now();
    const [run] = await db('billing_runs').insert({ period: '2026-09', status: 'done', total: 0, issued: 0, skipped: 0, started_at: now, finished_at: now, updated_at: now }).returning('id');
    const messageId = await insertOutbox(db, { to: u.email, language: 'es', template: 'activation', subject: 'Activa tu cuenta', text: 'x', html: 'x', customerId: household.customer.id });
    await db('outbox').where({ id: messageId }).update({ status: 'failed' });
    const [promotion] = await db('promotions').insert({
      title_es: 'Promoción de prueba', title_ca: 'Promoció de prova', body_es: 'Texto', body_ca: 'Text', valid_from: '2026-11-01', valid_to: '2026-12-31',
      audience_kinds: ['household'], created_at: now, updated_at: now,
    }).returning('id');
    params = {
      staffMemberId: String(other.id),
      customerId: String(household.customer.id),
      userId: String(u.id),
      requestId: String(filed.id),
      documentId: String(review.documentId),
      runId: String((run as { id: number }).id),
      messageId: String(messageId),
      // no such charge: the answer is a 404 for staff, the login for everyone else
      paymentId: '999999999',
      invoiceId: String(invoice!.id),
      promotionId: String(promotion.id),
    };
    // a support action's page is for a user it applies to
    routeParams = {
      'GET /admin/usuarios/:userId/desbloquear': { userId: String(locked.id) },
      'POST /admin/usuarios/:userId/desbloquear': { userId: String(locked.id) },
      'GET /admin/usuarios/:userId/reenviar-activacion': { userId: String(pending.id) },
      'POST /admin/usuarios/:userId/reenviar-activacion': { userId: String(pending.id) },
      'GET /admin/revision/:requestId': { requestId: String(review.requestId) },
      'POST /admin/revision/:requestId/aprobar': { requestId: String(review.requestId) },
      'POST /admin/revision/:requestId/rechazar': { requestId: String(review.requestId) },
    };
    agente = await createStaff(ctx.db.knex, { role: 'agente' });
    supervisor = await createStaff(ctx.db.knex, { role: 'supervisor' });
  });

  beforeEach(async () => {
    await resetThrottles(ctx.db.knex);
  });

  async function freshAgent(role: Role): Promise<Agent> {
    const agent = request.agent(ctx.app);
    if (role === 'customer') {
      const h = await createHousehold(ctx.db.knex);
      await loginAs(agent, h.user.loginId, h.user.password);
    } else if (role === 'agente') {
      await loginStaff(agent, agente);
    } else if (role === 'supervisor') {
      await loginStaff(agent, supervisor);
    }
    return agent;
  }

  async function agentFor(role: Role): Promise<Agent> {
    agents[role] ??= await freshAgent(role);
    return agents[role];
  }

  /** A token of the agent's admin session (anonymous and customer agents get a new one). */
  async function csrfOf(agent: Agent): Promise<string> {
    const page = await agent.get('/admin/acceso');
    let m = /name="_csrf" value="([^"]+)"/.exec(page.text);
    if (!m) m = /name="_csrf" value="([^"]+)"/.exec((await agent.get('/admin')).text);
    if (!m) throw new Error('no admin CSRF token');
    return m[1]!;
  }

  function concrete(key: string, path: string): string {
    return path.replace(/:(\w+)/g, (_, name: string) => {
      const v = routeParams[key]?.[name] ?? params[name];
      if (!v) throw new Error(`no fixture value for :${name} in ${path}`);
      return v;
    });
  }

  it('finds the routes and has an expectation for each', () => {
    expect(routes.length).to.be.greaterThan(10);
    const missing = routes.map((r) => `${r.method} ${r.path}`).filter((k) => !EXPECTATIONS[k]);
    expect(missing, 'routes without an expectation in admin-access.test.ts').to.deep.equal([]);
    const stale = Object.keys(EXPECTATIONS).filter((k) => !routes.some((r) => `${r.method} ${r.path}` === k));
    expect(stale, 'expectations for routes that no longer exist').to.deep.equal([]);
  });

  for (const role of ['anonymous', 'customer', 'agente', 'supervisor'] as const) {
    it(`answers as expected for ${role}`, async function () {
      this.timeout(120_000);
      const failures: string[] = [];
      for (const r of routes) {
        const key = `${r.method} ${r.path}`;
        const exp = EXPECTATIONS[key];
        if (!exp) continue;
        const agent = exp.freshSession ? await freshAgent(role) : await agentFor(role);
        if (role === 'agente' || role === 'supervisor') await resetThrottles(ctx.db.knex);
        const url = concrete(key, r.path);
        // the token first: the agent attaches its cookies when the request is created
        const csrf = r.method === 'GET' ? '' : await csrfOf(agent);
        const res = r.method === 'GET'
          ? await agent.get(url)
          : await agent.post(url).type('form').send({ _csrf: csrf });
        const want = exp[role];
        const loc = String(res.headers.location ?? '');
        const isLogin = res.status === 303 && loc === '/admin/acceso';
        const ok = want === 'login' ? isLogin
          : want === 'handled' ? res.status < 500 && res.status !== 401 && res.status !== 403 && !isLogin
            : res.status === want;
        if (!ok) failures.push(`${key} (${url}) as ${role}: expected ${want}, got ${res.status}${loc ? ' → ' + loc : ''}`);
        if (res.status >= 500) failures.push(`${key} as ${role}: 500`);
      }
      expect(failures).to.deep.equal([]);
    });
  }
});
