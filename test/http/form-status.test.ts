/**
 * One status for a form that fails validation (issue 10 item 6): every form POST route, given
 * an invalid body with a valid CSRF token and a session of the right role, answers 422 with the
 * page again, the error next to the field and the input kept.
 *
 * The routes are read from the router, so a new form route without a case here fails the suite
 * (as in the access matrix); routes that are actions without typed fields say why they are not
 * forms.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import { createStaff, loginStaff, staffCsrf, type StaffFixture } from '../support/staff';
import {
  createHousehold, createUser, csrfFrom, loginAs, resetThrottles, type Agent, type HouseholdFixture,
} from '../support/factories';
import { todayInSpain } from '../../src/domain/time';
import { buildWorld, type UserName, type World } from '../support/roles';
import { tinyPdf } from '../support/multipart';
import { createRequest } from '../../src/services/requests';
import { sendPowerChangeToDistributor } from '../../src/services/power-changes';

/**
 * POST routes that are not forms with typed fields: buttons that carry an action (or nothing),
 * server-to-server callbacks, and steps whose body is a single-use link's token.
 */
const NOT_FORMS: Record<string, string> = {
  'POST /salir': 'the logout button',
  'POST /sesion/seguir': 'the keep-alive button of the idle warning',
  'POST /facturas/:invoiceId/original': 'the one-time original download button',
  'POST /ajustes/certificado': 'the certificate-login on/off switch',
  'POST /acceso/certificado/alta': 'registration after a certificate login (covered by certificate-login.test.ts, 422 on a bad email)',
  'POST /admin/contrasena': 'the staff password change (covered by admin-passwords.test.ts)',
  'POST /admin/restablecer': 'the staff reset link\'s token (covered by admin-passwords.test.ts)',
  'POST /admin/reembolsos/:paymentId/hecho': 'the refund-done button (its note is optional; covered by payments.test.ts)',
  'POST /admin/salir': 'the logout button',
  'POST /idioma': 'the language switch (a choice of two links)',
  'POST /admin/idioma': 'the language switch',
  'POST /ajustes/idioma': 'a choice between two languages; anything else keeps the current one',
  'POST /pagos/redsys/notificacion': 'the payment gateway\'s signed callback',
  'POST /sandbox/redsys/realizarPago': 'the development gateway receiving the merchant\'s signed form',
  'POST /sandbox/redsys/pagar': 'the development gateway\'s card page (tested in payments.test.ts)',
  'POST /facturas/:invoiceId/pagar': 'the pay button of one invoice',
  'POST /contratos/:contractId/factura-electronica': 'the e-billing switch',
  'POST /contratos/:contractId/domiciliacion/confirmar': 'the confirmation step of a form already validated',
  'POST /clientes/:customerId/contactos/:linkId': 'the role buttons of a contact',
  'POST /clientes/:customerId/contactos/invitaciones/:invitationId': 'the resend or cancel buttons of an invitation',
  'POST /clientes/:customerId/gestor-externo/:relationId/revocar': 'the confirmation button of a revocation',
  'POST /admin/correo/:messageId/reintentar': 'the retry button of a message',
  'POST /admin/gestiones/:requestId/asignar': 'the take / assign buttons',
  'POST /admin/gestiones/:requestId/distribuidora/envio': 'the "sent to the distributor" button',
  'POST /activar': 'the activation link\'s token',
  'POST /ajustes/email/confirmar': 'the confirmation link\'s token',
  'POST /cambio-titular/confirmar': 'a change of holder\'s confirmation link token (holder-change.test.ts)',
  'POST /registro/invitacion': 'the invitation link\'s token (and a form covered by the registration cases)',
  'POST /restablecer': 'the reset link\'s token (its password rule is the registration one)',
  'POST /recuperar/pregunta/respuesta': 'the second step of the question recovery, after a known NIF',
  'POST /admin/revision/:requestId/aprobar': 'the approve button (its note is optional)',
  'POST /admin/revision/:requestId/rechazar': 'covered by the review tests: needs a pending review',
  'POST /ajustes/comunicaciones': 'a yes or no to commercial communications',
  'POST /acceso/codigo': 'the code step of a login in progress (covered by accounts-two-factor.test.ts)',
  'POST /ajustes/2fa/desactivar': 'needs a second factor switched on (covered by accounts-two-factor.test.ts, 422 on a wrong password)',
  'POST /recuperar/2fa/confirmar': 'the lost-second-factor link\'s token, then the password (accounts-two-factor.test.ts)',
  'POST /admin/promociones/:promotionId': 'the same form and rules as POST /admin/promociones, for an existing promotion',
  'POST /admin/promociones/:promotionId/estado': 'the publish / withdraw buttons',
  'POST /contratos/:contractId/servicios/:serviceId/baja': 'the confirmation button of a cancellation',
  'POST /contratos/:contractId/promociones/:promotionId': 'the accept button of a promotion (no fields)',
};

/** 'solar': a household with the year of consumption the solar simulator needs. */
type Who = UserName | 'staff' | 'new-staff-enrolling' | 'staff-second-step' | 'solar';

interface Case {
  who: Who;
  /** The page with the form (its CSRF token for anonymous and staff sessions). */
  page: (w: World) => string;
  post?: (w: World) => string;
  body: Record<string, string>;
  /** The field whose error must be shown next to it. */
  field: string;
  /** A typed value the page must show again (omitted for password-only forms). */
  kept?: string;
  /** Sent as multipart with an empty file in this field. */
  multipart?: string;
}

const CASES: Record<string, Case> = {
  'POST /acceso': { who: 'anonymous', page: () => '/', body: { loginId: 'ABC', password: 'x' }, field: 'loginId', kept: 'ABC' },
  'POST /registro/reenviar-activacion': {
    who: 'anonymous', page: () => '/registro/reenviar-activacion', body: { loginId: 'ABC', email: '' }, field: 'loginId', kept: 'ABC',
  },
  'POST /registro/hogar': {
    who: 'anonymous', page: () => '/registro/hogar',
    body: { taxId: '1234', contractAccount: '12', ibanLast4: '1', email: 'ana@example.com' }, field: 'taxId', kept: '1234',
  },
  'POST /registro/empresa': {
    who: 'anonymous', page: () => '/registro/empresa',
    body: { companyTaxId: 'X12', personNif: '1', proof: 'iban', ibanLast4: '1' }, field: 'companyTaxId', kept: 'X12',
  },
  'POST /recuperar/contrato': {
    who: 'anonymous', page: () => '/recuperar/contrato',
    body: { contractAccount: '12', email: 'ana@example.com', ibanLast4: '1' }, field: 'contractAccount', kept: '12',
  },
  'POST /recuperar/pregunta': { who: 'anonymous', page: () => '/recuperar/pregunta', body: { loginId: 'ABC' }, field: 'loginId', kept: 'ABC' },
  'POST /ajustes/contrasena': {
    who: 'owner_A', page: () => '/ajustes', body: { currentPassword: '', password: 'corta', passwordConfirm: 'otra' }, field: 'currentPassword',
  },
  'POST /ajustes/email': {
    who: 'owner_A', page: () => '/ajustes', body: { newEmail: 'no-es-un-correo', emailPassword: '' }, field: 'newEmail', kept: 'no-es-un-correo',
  },
  'POST /ajustes/suministros': {
    who: 'owner_A', page: () => '/ajustes/suministros', body: { kind: 'household', contractAccount: '12', ibanLast4: '1' },
    field: 'contractAccount', kept: '12',
  },
  'POST /ajustes/2fa': { who: 'owner_A', page: () => '/ajustes/2fa', body: { code: '' }, field: 'code' },
  'POST /recuperar/2fa': {
    who: 'anonymous', page: () => '/recuperar/2fa',
    body: { contractAccount: '12', email: 'ana@example.com', ibanLast4: '1' }, field: 'contractAccount', kept: '12',
  },
  'POST /ajustes/pregunta': {
    who: 'owner_A', page: () => '/ajustes', body: { secretQuestion: '', secretAnswer: '', questionPassword: '' }, field: 'questionPassword',
  },
  'POST /contratos/:contractId/correspondencia': {
    who: 'owner_A', post: (w) => `/contratos/${w.A.contractId}/correspondencia`, page: (w) => `/contratos/${w.A.contractId}/correspondencia`,
    body: { street: '', number: '12', postalCode: '123', municipality: 'Valencia', province: '' }, field: 'street', kept: 'Valencia',
  },
  'POST /contratos/:contractId/dia-pago': {
    who: 'rep_C', post: (w) => `/contratos/${w.C.contractId}/dia-pago`, page: (w) => `/contratos/${w.C.contractId}/dia-pago`, body: { paymentDay: '99' }, field: 'paymentDay',
  },
  'POST /contratos/:contractId/domiciliacion': {
    who: 'owner_A', post: (w) => `/contratos/${w.A.contractId}/domiciliacion`, page: (w) => `/contratos/${w.A.contractId}/domiciliacion`,
    body: { iban: 'ES00 1234', holder: 'Ana Pérez', mandate: 'on' }, field: 'iban', kept: 'ES00 1234',
  },
  'POST /contratos/:contractId/lectura': {
    who: 'owner_A', post: (w) => `/contratos/${w.A.contractId}/lectura`, page: (w) => `/contratos/${w.A.contractId}/lectura`, body: { date: '', p1: '12ab', p2: '', p3: '' }, field: 'date', kept: '12ab',
  },
  'POST /contratos/:contractId/potencia': {
    who: 'owner_A', post: (w) => `/contratos/${w.A.contractId}/potencia`, page: (w) => `/contratos/${w.A.contractId}/potencia`, body: { p1: '99', p2: '99' }, field: 'p1',
  },
  'POST /contratos/:contractId/tarifa': {
    who: 'owner_A', post: (w) => `/contratos/${w.A.contractId}/tarifa`, page: (w) => `/contratos/${w.A.contractId}/tarifa`,
    body: { product: 'tarifa-gas-rl1' }, field: 'product',
  },
  'POST /contratos/:contractId/baja': {
    who: 'owner_A', post: (w) => `/contratos/${w.A.contractId}/baja`, page: (w) => `/contratos/${w.A.contractId}/baja`,
    body: { endDate: '31/02/2026', p1: '12ab', p2: '', p3: '' }, field: 'endDate', kept: '12ab',
  },
  'POST /contratos/:contractId/titular': {
    who: 'owner_A', post: (w) => `/contratos/${w.A.contractId}/titular`, page: (w) => `/contratos/${w.A.contractId}/titular`,
    multipart: 'documents', body: { taxId: '123', name: 'Ana Pérez', email: 'ana@example.com', iban: '', consent: 'email' },
    field: 'taxId', kept: '123',
  },
  'POST /contratos/:contractId/reclamacion': {
    who: 'owner_A', post: (w) => `/contratos/${w.A.contractId}/reclamacion`, page: (w) => `/contratos/${w.A.contractId}/reclamacion`, multipart: 'attachments',
    body: { category: 'billing', description: 'Muy corta' }, field: 'description', kept: 'Muy corta',
  },
  'POST /contratos/:contractId/servicios/:code/contratar': {
    who: 'owner_A', post: (w) => `/contratos/${w.A.contractId}/servicios/electric_check/contratar`,
    page: (w) => `/contratos/${w.A.contractId}/servicios/electric_check/contratar`, body: {}, field: 'conditions',
  },
  'POST /contratos/:contractId/simulador-solar/estudio': {
    who: 'solar', post: () => '/contratos/SOLAR/simulador-solar/estudio', page: () => '/contratos/SOLAR/simulador-solar',
    body: { orientation: 'S', tilt: '75', sizing: 'panels', panels: 'muchas', battery: '0' }, field: 'tilt', kept: 'muchas',
  },
  'POST /contratos/:contractId/otra-energia': {
    who: 'owner_A', post: (w) => `/contratos/${w.A.contractId}/otra-energia`, page: (w) => `/contratos/${w.A.contractId}/otra-energia`,
    body: { product: 'tarifa-gas-rl1', cups: 'ES12', payment: 'account', account: '', conditions: '1' }, field: 'cups', kept: 'ES12',
  },
  'POST /clientes/:customerId/nuevo-suministro': {
    who: 'owner_A', post: (w) => `/clientes/${w.A.customer.id}/nuevo-suministro`, page: (w) => `/clientes/${w.A.customer.id}/nuevo-suministro`,
    body: { street: 'Calle Mayor', number: '1', postalCode: '28001', municipality: 'València', province: 'Valencia', energy: 'gas' },
    field: 'postalCode', kept: 'Calle Mayor',
  },
  'POST /admin/gestiones/:requestId/alta': {
    who: 'staff', page: () => '/admin/gestiones/NEWSUPPLY/alta', post: () => '/admin/gestiones/NEWSUPPLY/alta',
    body: { cups: 'ES12', startDate: '', distributor: 'Nedgia Cegas' }, field: 'cups', kept: 'ES12',
  },
  'POST /clientes/:customerId/contactos': {
    who: 'rep_C', post: (w) => `/clientes/${w.C.customer.id}/contactos`, page: (w) => `/clientes/${w.C.customer.id}/contactos`,
    body: { nif: '123', email: 'ana@example.com', firstName: 'Ana', lastName: 'Pérez', role: 'authorized_read' }, field: 'nif', kept: '123',
  },
  'POST /clientes/:customerId/gestor-externo': {
    who: 'rep_C', post: (w) => `/clientes/${w.C.customer.id}/gestor-externo`, page: (w) => `/clientes/${w.C.customer.id}/gestor-externo`, multipart: 'documents',
    body: { managerTaxId: 'X123', managerName: 'Gestoría', representativeNif: '', representativeEmail: '' }, field: 'managerTaxId', kept: 'X123',
  },
  'POST /clientes/:customerId/representante': {
    who: 'rep_C', post: (w) => `/clientes/${w.C.customer.id}/representante`, page: (w) => `/clientes/${w.C.customer.id}/representante`, multipart: 'documents',
    body: { choice: 'new', nif: '123', name: 'Ana Pérez', email: 'ana@example.com' }, field: 'nif', kept: '123',
  },
  'POST /empresas/migrar-cif': {
    who: 'owner_A', page: () => '/empresas/migrar-cif', multipart: 'documents', body: { cif: 'X12' }, field: 'cif', kept: 'X12',
  },
  'POST /empresas/representante': { who: 'owner_A', page: () => '/empresas/representante', body: { cif: 'X12' }, field: 'cif', kept: 'X12' },
  'POST /admin/acceso': { who: 'anonymous', page: () => '/admin/acceso', body: { staffId: '', password: 'x' }, field: 'staffId' },
  'POST /admin/acceso/codigo': { who: 'staff-second-step', page: () => '/admin/acceso/codigo', body: { code: '' }, field: 'code' },
  'POST /admin/alta-2fa': { who: 'new-staff-enrolling', page: () => '/admin/alta-2fa', body: { code: '' }, field: 'code' },
  'POST /admin/promociones': {
    who: 'staff', page: () => '/admin/promociones/nueva',
    body: { titleEs: '', titleCa: 'Estudi solar gratuït', bodyEs: '', bodyCa: '', code: '', validFrom: '2026-13-01', validTo: '' },
    field: 'titleEs', kept: 'Estudi solar gratuït',
  },
  'POST /admin/facturacion': { who: 'staff', page: () => '/admin/facturacion', body: { period: '2026-13' }, field: 'period', kept: '2026-13' },
  'POST /admin/gestiones/:requestId/estado': {
    who: 'staff', post: (w) => `/admin/gestiones/${w.A.requestId}/estado`, page: (w) => `/admin/gestiones/${w.A.requestId}`, body: { status: 'rechazada', note: '' }, field: 'note',
  },
  'POST /admin/personal': {
    who: 'staff', page: () => '/admin/personal/nuevo',
    body: { staffId: 'N', firstName: 'Nuria', lastName: '', email: 'x', role: 'agente', passwordMode: 'generate', reason: '' },
    field: 'staffId', kept: 'Nuria',
  },
  'POST /admin/personal/:staffMemberId': {
    who: 'staff', post: () => '/admin/personal/OTHER', page: () => '/admin/personal/OTHER', body: { action: 'disable', reason: '' }, field: 'reason',
  },
  'POST /admin/usuarios/:userId/desbloquear': {
    who: 'staff', post: () => '/admin/usuarios/LOCKED/desbloquear', page: () => '/admin/usuarios/LOCKED/desbloquear', body: { reason: 'corto' }, field: 'reason', kept: 'corto',
  },
  'POST /admin/usuarios/:userId/reenviar-activacion': {
    who: 'staff', post: () => '/admin/usuarios/PENDING/reenviar-activacion', page: () => '/admin/usuarios/PENDING/reenviar-activacion', body: { reason: 'corto' }, field: 'reason',
  },
  'POST /admin/usuarios/:userId/cerrar-sesiones': {
    who: 'staff', post: (w) => `/admin/usuarios/${w.sessions.owner_A.user!.id}/cerrar-sesiones`, page: (w) => `/admin/usuarios/${w.sessions.owner_A.user!.id}/cerrar-sesiones`, body: { reason: 'corto' }, field: 'reason', kept: 'corto',
  },
  'POST /admin/usuarios/:userId/corregir-email': {
    who: 'staff', post: (w) => `/admin/usuarios/${w.sessions.owner_A.user!.id}/corregir-email`, page: (w) => `/admin/usuarios/${w.sessions.owner_A.user!.id}/corregir-email`,
    body: { email: 'no-es-un-correo', reason: 'Llamada de la titular' }, field: 'email', kept: 'no-es-un-correo',
  },
  'POST /admin/gestiones/:requestId/distribuidora': {
    who: 'staff', post: () => '/admin/gestiones/POWER/distribuidora', page: () => '/admin/gestiones/POWER/distribuidora',
    body: { answer: 'accepted', effectiveDate: '31/02/2026', reason: '' }, field: 'effectiveDate', kept: '31/02/2026',
  },
  'POST /admin/gestiones/:requestId/resolucion': {
    who: 'staff', post: () => '/admin/gestiones/COMPLAINT/resolucion', page: () => '/admin/gestiones/COMPLAINT/resolucion',
    body: { outcome: '', resolution: 'Revisada' }, field: 'outcome', kept: 'Revisada',
  },
  'POST /admin/facturas/:invoiceId/rectificar': {
    who: 'staff', post: (w) => `/admin/facturas/${w.A.invoiceId}/rectificar`, page: (w) => `/admin/facturas/${w.A.invoiceId}/rectificar`,
    body: { reason: 'Lectura real', p1: 'ciento', p2: '50', p3: '90' }, field: 'p1', kept: 'ciento',
  },
};

interface RouteLayer {
  rawPath?: unknown; slash?: boolean; route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: RouteLayer[] };
}

/** "POST /path" of every POST route of the app, as the access matrix finds them. */
function postRoutes(stack: RouteLayer[], prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route?.methods.post) out.push(`POST ${prefix}${layer.route.path}`);
    else if (layer.handle?.stack) out.push(...postRoutes(layer.handle.stack, layer.slash ? prefix : `${prefix}${String(layer.rawPath)}`));
  }
  return out;
}

/** The error paragraph next to a field, whatever partial drew it. */
function hasFieldError(html: string, field: string): boolean {
  return new RegExp(`id="f-${field}-error"`).test(html);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

describe('forms: one status (422) for invalid input, with the page, the field error and the input kept', () => {
  let ctx: TestContext;
  let world: World;
  let supervisor: StaffFixture;
  let other: StaffFixture;
  let staffAgent: Agent;
  const ids: Record<string, string> = {};
  let solar: HouseholdFixture;

  before(async function () {
    this.timeout(120_000);
    ctx = await testContext();
    world = await buildWorld(ctx.app, ctx.db.knex, ctx.clock.now());
    supervisor = await createStaff(ctx.db.knex, { role: 'supervisor' });
    other = await createStaff(ctx.db.knex, { role: 'agente' });
    staffAgent = await loginStaff(request.agent(ctx.app), supervisor);
    ids.OTHER = String(other.id);
    ids.LOCKED = String((await createUser(ctx.db.knex, { status: 'locked' })).id);
    ids.PENDING = String((await createUser(ctx.db.knex, { status: 'pending' })).id);
    const [y, m] = todayInSpain(ctx.clock.now()).split('-').map(Number) as [number, number];
    const year = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(y, m - 13 + i, 1)).toISOString().slice(0, 7));
    solar = await createHousehold(ctx.db.knex, { consumption: year.map((month) => ({ month, P1: 100, P2: 90, P3: 160 })) });
    ids.SOLAR = String(solar.supply.contractId);
    // a power change already at the distributor, and an open complaint, for their answer forms
    const h = await createHousehold(ctx.db.knex);
    const actor = { userId: h.user.id, email: h.user.email, firstName: h.user.firstName, language: 'es' as const, ip: '127.0.0.1' };
    const access = { read: true, act: true, manageContacts: true, via: null };
    const power = await ctx.db.knex.transaction((trx) => createRequest(trx, {
      type: 'power_change', customerId: h.customer.id, contractId: h.supply.contractId, access,
      payload: { fromP1: 4.6, fromP2: 4.6, toP1: 5.75, toP2: 5.75 },
    }, actor, ctx.clock.now(), ctx.config));
    await sendPowerChangeToDistributor(
      { db: ctx.db.knex, now: ctx.clock.now(), config: ctx.config, actor: { id: supervisor.id, ip: null } }, power.id,
    );
    const complaint = await ctx.db.knex.transaction((trx) => createRequest(trx, {
      type: 'complaint', customerId: h.customer.id, contractId: h.supply.contractId, access, payload: { category: 'billing' },
    }, actor, ctx.clock.now(), ctx.config));
    ids.POWER = String(power.id);
    const lead = await ctx.db.knex.transaction((trx) => createRequest(trx, {
      type: 'new_energy', customerId: h.customer.id, contractId: null, access,
      payload: { energy: 'gas', productCode: 'tarifa-gas-rl1', payment: 'account', contractAccount: h.account.number },
    }, actor, ctx.clock.now(), ctx.config));
    ids.NEWSUPPLY = String(lead.id);
    ids.COMPLAINT = String(complaint.id);
  });

  /** A session of the right kind, and the CSRF token of the form's page. */
  async function open(c: Case, url: string): Promise<{ agent: Agent; csrf: string; page: string }> {
    await resetThrottles();
    if (c.who === 'staff') return { agent: staffAgent, csrf: await staffCsrf(staffAgent, url), page: url };
    if (c.who === 'new-staff-enrolling' || c.who === 'staff-second-step') {
      const member = await createStaff(ctx.db.knex, { role: 'agente', enrolled: c.who === 'staff-second-step' });
      const agent = request.agent(ctx.app);
      const login = await agent.get('/admin/acceso');
      await agent.post('/admin/acceso').type('form')
        .send({ _csrf: csrfFrom(login.text), staffId: member.staffId, password: member.password }).expect(303);
      return { agent, csrf: await staffCsrf(agent, url), page: url };
    }
    if (c.who === 'solar') {
      const agent = await loginAs(request.agent(ctx.app), solar.user.loginId, solar.user.password);
      return { agent, csrf: csrfFrom((await agent.get(url).expect(200)).text), page: url };
    }
    if (c.who === 'anonymous') {
      const agent = request.agent(ctx.app);
      return { agent, csrf: csrfFrom((await agent.get(url).expect(200)).text), page: url };
    }
    const s = world.sessions[c.who];
    return { agent: s.agent, csrf: s.csrf, page: url };
  }

  it('has a case, or a reason not to be a form, for every POST route of the app', () => {
    const routes = postRoutes((ctx.app as unknown as { router: { stack: RouteLayer[] } }).router.stack);
    const missing = routes.filter((r) => !CASES[r] && !NOT_FORMS[r]);
    const gone = [...Object.keys(CASES), ...Object.keys(NOT_FORMS)].filter((r) => !routes.includes(r));
    expect({ missing, gone }).to.deep.equal({ missing: [], gone: [] });
  });

  for (const [route, c] of Object.entries(CASES)) {
    it(route, async () => {
      const fill = (url: string) => url.replace(/OTHER|LOCKED|PENDING|SOLAR|POWER|COMPLAINT|NEWSUPPLY/, (k) => ids[k]!);
      const pageUrl = fill(c.page(world));
      const path = route.slice('POST '.length);
      const postUrl = c.post ? fill(c.post(world)) : path;
      expect(postUrl, 'a case for a route with parameters says where it posts').not.to.include(':');
      const { agent, csrf } = await open(c, pageUrl);
      let res;
      if (c.multipart) {
        let r = agent.post(postUrl).field('_csrf', csrf);
        for (const [k, v] of Object.entries(c.body)) r = r.field(k, v);
        res = await r.attach(c.multipart, tinyPdf(), { filename: 'escritura.pdf', contentType: 'application/pdf' });
      } else {
        res = await agent.post(postUrl).type('form').send({ _csrf: csrf, ...c.body });
      }
      expect(res.status, `${route} (${postUrl}) answered ${res.status}`).to.equal(422);
      expect(res.type).to.equal('text/html');
      expect(res.text).to.match(/<h1[ >]/);
      const shown = [...res.text.matchAll(/id="f-([\w-]+)-error"/g)].map((m) => m[1]);
      expect(hasFieldError(res.text, c.field), `the error next to ${c.field} (errors shown: ${shown.join(', ')})`).to.equal(true);
      expect(res.text).to.include('class="error-summary"');
      if (c.kept !== undefined) expect(res.text, `the typed ${c.kept}`).to.include(escapeHtml(c.kept));
    });
  }
});
