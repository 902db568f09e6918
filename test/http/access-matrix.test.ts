/**
 * The access matrix (DESIGN.md §5: "every route checked against the access table above (a test
 * per route and role)"). The routes are read from the app's router, so a route without an entry
 * here fails the suite, and so does an entry whose route is gone. Each route is requested once
 * per cell (test/support/roles.ts: a person of rule 18 judged against one target customer —
 * household A, company C, or gestoría G that manages C), with real resources of that target.
 * One `it` per route; its failure lists every cell.
 *
 * Guarded routes: anonymous → 303 to the login page ('/'); a customer the user cannot read → 404;
 * readable but not allowed → 403; allowed → the route's own answer (`ok`). POSTs carry the
 * session's valid CSRF token and an otherwise empty body, so "allowed" means the request got
 * past the guard and was handled: ACCEPTED = a page (200), a redirect (303), the form again
 * with errors (400/422) or a conflict (409) — never 403/404 and never a 5xx. Every POST is
 * also sent without its token by the logged-in representative of C: 403.
 *
 * Adding a route: add its line to EXPECTATIONS (and, if it has a new `:param`, a fixture to
 * PARAMS and roles.ts). MATRIX_VERBOSE=1 prints every row, passing or not.
 */
import { expect } from 'chai';
import type { Knex } from 'knex';
import type { Response } from 'supertest';
import { testContext } from '../support/context';
import { csrfFrom, resetThrottles } from '../support/factories';
import { buildWorld, CELL_NAMES, CELLS, type CellName, type Session, type Target, type World } from '../support/roles';

/** 'staff': the admin section, which no customer session opens (it has its own session). */
type Access = 'public' | 'user' | 'read' | 'act' | 'manage' | 'staff';

interface Spec {
  access: Access;
  /** The URL to request when it is not the route's path, e.g. with a query. Params are filled in. */
  url?: string;
  /** What the allowed cells get (default: 200 for GET, ACCEPTED for POST). */
  ok?: readonly number[];
  /** What a person who can read the target but lacks the permission gets (default 403). */
  refused?: number;
  /** Per-cell answers that differ from the rule, each with its reason in a comment. */
  override?: Partial<Record<CellName, readonly number[]>>;
  /**
   * Sent as multipart/form-data with an empty file in this field (upload forms: the CSRF token
   * is checked after the guard, by the route itself).
   */
  multipart?: string;
  /** Server-to-server callback with its own signature instead of a session token. */
  csrfExempt?: boolean;
  /** The route ends the session: each cell uses a fresh login. */
  endsSession?: boolean;
}

const ACCEPTED = [200, 303, 400, 409, 422] as const;
const LOGIN_REDIRECT = [303] as const;
const ANY_LOGGED_IN_REDIRECTS: Partial<Record<CellName, readonly number[]>> = Object.fromEntries(
  CELL_NAMES.filter((c) => c !== 'anonymous').map((c) => [c, [303]]),
);

function staffOnly(keys: string[]): Record<string, Spec> {
  return Object.fromEntries(keys.map((k) => [k, { access: 'staff' }]));
}

const publicPage: Spec = { access: 'public' };
const publicPost: Spec = { access: 'public' };

// ---------------------------------------------------------------------------------------------
// The expectations: one entry per route of the app ("METHOD /path" as the router has it).

const EXPECTATIONS: Record<string, Spec> = {
  // Public: assets, health, the login page and everything a person without an account needs.
  'GET /healthz': publicPage, // load balancers; no session, no data
  // the login page; a logged-in user is sent on to the supplies
  'GET /': { access: 'public', override: ANY_LOGGED_IN_REDIRECTS },
  'GET /acceso': { access: 'public', override: ANY_LOGGED_IN_REDIRECTS },
  'POST /acceso': publicPost, // empty form: the login form again with errors
  // the second-factor step: only a session whose password was right gets the form
  'GET /acceso/codigo': { access: 'public', ok: [303] },
  'POST /acceso/codigo': { access: 'public', ok: [303] },
  'POST /idioma': publicPost, // the language switch of the public pages
  'GET /legal/aviso-legal': publicPage,
  'GET /legal/privacidad': publicPage,
  'GET /legal/cookies': publicPage,
  'GET /legal/accesibilidad': publicPage,
  'GET /ayuda': publicPage, // the help centre
  'GET /ayuda/certificado-firma': publicPage, // the public certificate that signs the invoices
  'GET /ayuda/certificado-firma.pem': publicPage,
  'GET /ayuda/certificado-firma.cer': publicPage,
  'POST /salir': { access: 'public', endsSession: true }, // logging out works (and is harmless) without a session
  'GET /sesion-caducada': publicPage, // where expired sessions land
  'POST /sesion/seguir': { access: 'user', ok: [204] }, // "Seguir conectado": counts as activity
  'GET /empresas': publicPage, // how businesses get access (seed 001)
  // registration, activation and recovery are for people who cannot log in yet
  'GET /registro': publicPage,
  'GET /registro/hogar': publicPage,
  'GET /registro/empresa': publicPage,
  'GET /registro/enviado': publicPage,
  'POST /registro/hogar': publicPost,
  'POST /registro/empresa': publicPost,
  // single-use links from mails: without a (valid) token the page says the link is no longer
  // valid (410 Gone), whoever asks
  'GET /activar': { access: 'public', ok: [410] },
  'POST /activar': { access: 'public', ok: [410] },
  'GET /recuperar': publicPage,
  'GET /recuperar/pregunta': publicPage,
  'GET /recuperar/contrato': publicPage,
  'GET /recuperar/enviado': publicPage,
  // the activation email again: one answer whatever the NIF (see activation-resend.test.ts)
  'GET /registro/reenviar-activacion': publicPage,
  'GET /registro/reenviar-activacion/enviado': publicPage,
  'POST /registro/reenviar-activacion': publicPost,
  'POST /recuperar/pregunta': publicPost,
  'POST /recuperar/pregunta/respuesta': publicPost,
  'POST /recuperar/contrato': publicPost,
  // a lost second factor: contract data, then a single-use link from the mail
  'GET /recuperar/2fa': publicPage,
  'POST /recuperar/2fa': publicPost,
  'GET /recuperar/2fa/confirmar': { access: 'public', ok: [410] },
  'POST /recuperar/2fa/confirmar': { access: 'public', ok: [410] },
  'GET /restablecer': { access: 'public', ok: [410] },
  'POST /restablecer': { access: 'public', ok: [410] },
  // Certificate login: the help page; the entry answers only through the TLS listener or a
  // trusted proxy (plain HTTP without header mode: 404); "no certificate" sets the login page's
  // notice and goes there; without a ticket or a proven NIF the answer is "expired" (410)
  'GET /acceso/certificado': publicPage,
  'GET /acceso/certificado/iniciar': { access: 'public', ok: [303] }, // keeps the state, on to the listener
  'GET /acceso/certificado/entrar': { access: 'public', ok: [404] },
  'GET /acceso/certificado/sin-certificado': { access: 'public', ok: [303] },
  'GET /acceso/certificado/ticket': { access: 'public', ok: [410] },
  'GET /acceso/certificado/alta': { access: 'public', ok: [410] },
  'POST /acceso/certificado/alta': { access: 'public', ok: [410] },
  'GET /acceso/certificado/alta/enviada': publicPage,
  // the new address is confirmed from the link in the mail, possibly in another browser
  'GET /ajustes/email/confirmar': { access: 'public', ok: [410] },
  'POST /ajustes/email/confirmar': { access: 'public', ok: [410] },
  // a change of holder is confirmed from the emailed link by either side, logged in or not
  'GET /cambio-titular/confirmar': { access: 'public', ok: [410] },
  'POST /cambio-titular/confirmar': { access: 'public', ok: [410] },
  // an invited contact registers from the emailed link (the token is the proof); without a
  // token there is no such invitation (404; an expired one would be 410)
  'GET /registro/invitacion': { access: 'public', ok: [404] },
  'POST /registro/invitacion': { access: 'public', ok: [404] },
  // Card payments: the gateway's signed notification (server to server, no session, no CSRF
  // token; an empty body is refused with the gateway protocol's 'KO')
  'POST /pagos/redsys/notificacion': { access: 'public', ok: [400], csrfExempt: true },
  // the sandbox stand-in for the bank's pages (dev and tests only): the browser posts the signed
  // form from our page; an empty one is the bank's "invalid parameters" page
  'POST /sandbox/redsys/realizarPago': { access: 'public', ok: [400] },
  'POST /sandbox/redsys/pagar': { access: 'public', ok: [400] },
  // the development mailbox, mounted only without SMTP and never in production (see app.ts)
  'GET /dev/buzon': publicPage,
  'GET /dev/buzon/:id': publicPage,
  'GET /dev/buzon/:id/html': publicPage,

  // The user's own account and lists over every customer they can read
  'GET /ajustes': { access: 'user' },
  'GET /ajustes/accesos': { access: 'user' },
  'GET /ventajas': { access: 'user' }, // promotions for the user's own customers
  'GET /nuevos-productos': { access: 'user' }, // offers for the user's own customers
  'GET /ajustes/comunicaciones': { access: 'user' },
  'POST /ajustes/comunicaciones': { access: 'user' },
  'POST /ajustes/contrasena': { access: 'user' },
  'POST /ajustes/email': { access: 'user' },
  'POST /ajustes/certificado': { access: 'user' }, // turning certificate login on or off
  'POST /ajustes/idioma': { access: 'user' },
  'POST /ajustes/pregunta': { access: 'user' },
  // "add a supply": the user proves with contract data that a customer is theirs
  'GET /ajustes/suministros': { access: 'user' },
  'POST /ajustes/suministros': { access: 'user' },
  // the user's own second factor
  'GET /ajustes/2fa': { access: 'user' },
  'POST /ajustes/2fa': { access: 'user' },
  'POST /ajustes/2fa/desactivar': { access: 'user' },
  // lists over every client of the user; searching or filtering for a client they cannot read
  // shows nothing of it (checked by the leak check of each row)
  'GET /suministros': { access: 'user', url: '/suministros?q=:taxId' },
  // bulk downloads over the user's own overview (only readable clients are in it); whoever
  // reads no client with invoices that month gets the overview saying so, with a 404
  'GET /suministros.csv': { access: 'user', url: '/suministros.csv?q=:taxId' },
  'GET /suministros/facturas.zip': {
    access: 'user', url: '/suministros/facturas.zip?mes=2026-10', override: { unrelated_B: [404], revoked_C: [404], rep_P: [404], rep_R: [404] },
  },
  'GET /gestiones': { access: 'user', url: '/gestiones?cliente=:customerId' },

  // A contract and its invoices
  'GET /contratos/:contractId': { access: 'read' },
  'GET /contratos/:contractId/consumo': { access: 'read' },
  'GET /contratos/:contractId/consumo.csv': { access: 'read' },
  'GET /contratos/:contractId/facturas': { access: 'read' },
  'POST /contratos/:contractId/factura-electronica': { access: 'act' },
  'GET /facturas/:invoiceId': { access: 'read' },
  'GET /facturas/:invoiceId/pdf': { access: 'read' },
  // the explicit request for the one-time original: every reader is answered (a duplicate for
  // those who may not take the original)
  'POST /facturas/:invoiceId/original': { access: 'read' },

  // Gestiones
  'GET /gestiones/:requestId': { access: 'read' },
  'GET /contratos/:contractId/lectura': { access: 'read' },
  'POST /contratos/:contractId/lectura': { access: 'act' },
  'GET /contratos/:contractId/potencia': { access: 'read' },
  'POST /contratos/:contractId/potencia': { access: 'act' },
  'GET /contratos/:contractId/tarifa': { access: 'read' },
  'POST /contratos/:contractId/tarifa': { access: 'act' },
  'GET /contratos/:contractId/baja': { access: 'read' },
  'POST /contratos/:contractId/baja': { access: 'act' },
  'GET /contratos/:contractId/titular': { access: 'read' },
  'POST /contratos/:contractId/titular': { access: 'act', multipart: 'documents' },
  'GET /contratos/:contractId/simulador-solar': { access: 'read' },
  // with an empty query the summary sends back to the form
  'GET /contratos/:contractId/simulador-solar.pdf': { access: 'read', ok: [303] },
  'POST /contratos/:contractId/simulador-solar/estudio': { access: 'act' },
  // another energy at the contract's address (the offer is read; the form files a request) and a new supply
  'GET /contratos/:contractId/otra-energia': { access: 'read' },
  'POST /contratos/:contractId/otra-energia': { access: 'act' },
  'GET /clientes/:customerId/nuevo-suministro': { access: 'act' },
  'POST /clientes/:customerId/nuevo-suministro': { access: 'act' },
  // maintenance services: the catalogue and its conditions (public PDF), a contract's services,
  // contracting (confirm step) and cancelling one (a service id of nobody's: 404 past the guard)
  'GET /servicios': { access: 'user' },
  'GET /servicios/:code/condiciones.pdf': publicPage,
  'GET /contratos/:contractId/servicios': { access: 'read' },
  'GET /contratos/:contractId/servicios/:code/contratar': { access: 'read', ok: [200, 303] },
  'POST /contratos/:contractId/servicios/:code/contratar': { access: 'act' },
  'GET /contratos/:contractId/servicios/:serviceId/baja': { access: 'read', ok: [404] },
  'POST /contratos/:contractId/servicios/:serviceId/baja': { access: 'act', ok: [404] },
  // a promotion's discount: the contracts it can go to, and the confirm step on one contract
  // (promotion 1 may have no discount or not exist in this world: "not found" past the guard)
  'GET /ventajas/:promotionId/contratos': { access: 'user', ok: [200, 404] },
  'GET /contratos/:contractId/promociones/:promotionId': { access: 'read', ok: [200, 404] },
  'POST /contratos/:contractId/promociones/:promotionId': { access: 'act', ok: [303, 404, 409] },
  'GET /contratos/:contractId/domiciliacion': { access: 'act' },
  'POST /contratos/:contractId/domiciliacion': { access: 'act' },
  'POST /contratos/:contractId/domiciliacion/confirmar': { access: 'act' },
  // the payment day is a business gestión (rule 16): a household's contract has no such page
  'GET /contratos/:contractId/dia-pago': { access: 'act', override: { owner_A: [404] } },
  'POST /contratos/:contractId/dia-pago': { access: 'act', override: { owner_A: [404] } },
  'GET /contratos/:contractId/correspondencia': { access: 'act' },
  'POST /contratos/:contractId/correspondencia': { access: 'act' },
  'GET /contratos/:contractId/reclamacion': { access: 'act' },
  'POST /contratos/:contractId/reclamacion': { access: 'act', multipart: 'attachments' },
  // an uploaded document: the customer's managers (holder, representative) and its uploader;
  // contacts and gestorías are told "not found" (src/domain/documents.ts canDownloadDocument)
  'GET /documentos/:documentId': { access: 'manage', refused: 404 },

  // A client and the management of its people (rule 18, last column): only the holder or
  // representative; contacts and gestorías are refused (403), strangers told "not found"
  'GET /clientes/:customerId': { access: 'read' },
  'GET /clientes/:customerId/contactos': { access: 'manage' },
  'POST /clientes/:customerId/contactos': { access: 'manage' },
  'POST /clientes/:customerId/contactos/invitaciones/:invitationId': { access: 'manage' },
  'POST /clientes/:customerId/contactos/:linkId': { access: 'manage' },
  // the confirmation page before deactivating a contact (issue 13, item 7)
  'GET /clientes/:customerId/contactos/:linkId/desactivar': { access: 'manage' },
  'GET /clientes/:customerId/representante': { access: 'manage' },
  'POST /clientes/:customerId/representante': { access: 'manage', multipart: 'documents' },
  'GET /clientes/:customerId/gestor-externo': { access: 'manage' },
  'POST /clientes/:customerId/gestor-externo': { access: 'manage', multipart: 'documents' },
  'POST /clientes/:customerId/gestor-externo/:relationId/revocar': { access: 'manage' },
  // a logged-in person asks to become a company's representative, or to move an account
  // registered with a CIF to their own NIF: about no customer they can reach yet
  'GET /empresas/representante': { access: 'user' },
  'POST /empresas/representante': { access: 'user', multipart: 'documents' },
  'GET /empresas/migrar-cif': { access: 'user' },
  'POST /empresas/migrar-cif': { access: 'user', multipart: 'documents' },

  // The admin section (mounted at /admin with its own cookie, session table and CSRF token):
  // none of the customer-portal people is staff, so every staff page sends them to the staff
  // login. Staff roles are the admin section's own tests' business.
  ...staffOnly([
    'GET /admin/promociones', 'GET /admin/promociones/nueva', 'POST /admin/promociones', 'GET /admin/promociones/:promotionId',
    'POST /admin/promociones/:promotionId', 'POST /admin/promociones/:promotionId/estado',
    'GET /admin/', 'GET /admin/personal', 'GET /admin/personal/nuevo', 'POST /admin/personal', 'GET /admin/personal/:staffMemberId',
    'POST /admin/personal/:staffMemberId', 'GET /admin/clientes', 'GET /admin/clientes/:customerId',
    'GET /admin/usuarios/:userId/desbloquear', 'POST /admin/usuarios/:userId/desbloquear',
    'GET /admin/usuarios/:userId/reenviar-activacion', 'POST /admin/usuarios/:userId/reenviar-activacion',
    'GET /admin/usuarios/:userId/cerrar-sesiones', 'POST /admin/usuarios/:userId/cerrar-sesiones',
    'GET /admin/usuarios/:userId/corregir-email', 'POST /admin/usuarios/:userId/corregir-email',
    'GET /admin/revision', 'GET /admin/revision/:requestId', 'POST /admin/revision/:requestId/aprobar', 'POST /admin/revision/:requestId/rechazar',
    'GET /admin/documentos/:documentId', 'GET /admin/gestiones', 'GET /admin/gestiones/:requestId',
    'POST /admin/gestiones/:requestId/estado', 'POST /admin/gestiones/:requestId/asignar',
    'POST /admin/gestiones/:requestId/distribuidora/envio', 'GET /admin/gestiones/:requestId/distribuidora', 'POST /admin/gestiones/:requestId/distribuidora',
    'GET /admin/gestiones/:requestId/resolucion', 'POST /admin/gestiones/:requestId/resolucion',
    'GET /admin/gestiones/:requestId/alta', 'POST /admin/gestiones/:requestId/alta',
    'GET /admin/facturas/:invoiceId/rectificar', 'POST /admin/facturas/:invoiceId/rectificar',
    'GET /admin/facturacion', 'POST /admin/facturacion', 'GET /admin/facturacion/:runId',
    'GET /admin/auditoria', 'GET /admin/auditoria.csv', 'GET /admin/correo', 'GET /admin/correo/:messageId', 'POST /admin/correo/:messageId/reintentar',
    'GET /admin/reembolsos', 'POST /admin/reembolsos/:paymentId/hecho',
  ]),
  // the staff login and its steps, open to anybody (the steps need a staff session in progress)
  'GET /admin/acceso': publicPage,
  'POST /admin/acceso': publicPost,
  'GET /admin/acceso/codigo': { access: 'public', ok: [303] },
  'POST /admin/acceso/codigo': { access: 'public', ok: [303] },
  'GET /admin/alta-2fa': { access: 'public', ok: [303] },
  'POST /admin/alta-2fa': { access: 'public', ok: [303] },
  'POST /admin/salir': publicPost,
  'POST /admin/idioma': publicPost,
  // a staff member's own password (staff only); the emailed reset link, without a valid token: 410
  'GET /admin/contrasena': { access: 'staff', ok: [303] },
  'POST /admin/contrasena': { access: 'staff', ok: [303] },
  'GET /admin/restablecer': { access: 'public', ok: [410] },
  'POST /admin/restablecer': { access: 'public', ok: [410] },

  // Card payments
  'GET /contratos/:contractId/pagar': { access: 'act' },
  'POST /facturas/:invoiceId/pagar': { access: 'act' },
  // the page that hands the payment to the gateway: only for the person who started it (the
  // target's holder/representative); a read-only contact is refused before that (403)
  'GET /pagos/:orderId/pasarela': { access: 'act', override: { full_C: [404], full_G: [404], rep_G: [404], 'full_G@G': [404] } },
  'GET /pagos/ok': { access: 'read', url: '/pagos/ok?order=:orderId' },
  'GET /pagos/ko': { access: 'read', url: '/pagos/ko?order=:orderId' },
};

// ---------------------------------------------------------------------------------------------
// Routes naming a customer AND one of its rows: the row must belong to that customer. C's
// representative names C with A's row and a body that would really act: "not found", A's row
// untouched.

interface Cross { body: Record<string, string>; state(db: Knex, a: Target): Promise<string> }

const CROSS_CUSTOMER: Record<string, Cross> = {
  'POST /clientes/:customerId/contactos/:linkId': {
    body: { action: 'deactivate', confirmed: '1' },
    state: async (db, a) => String((await db('customer_links').where({ id: a.spareLinkId }).first('status')).status),
  },
  // the confirmation page names the contact: another customer's contact is not shown
  'GET /clientes/:customerId/contactos/:linkId/desactivar': {
    body: {},
    state: async (db, a) => String((await db('customer_links').where({ id: a.spareLinkId }).first('status')).status),
  },
  'POST /clientes/:customerId/contactos/invitaciones/:invitationId': {
    body: { action: 'cancel' },
    state: async (db, a) => String((await db('contact_invitations').where({ id: a.spareInvitationId }).first('status')).status),
  },
  'POST /clientes/:customerId/gestor-externo/:relationId/revocar': {
    body: { confirmar: '1' },
    state: async (db, a) => String((await db('external_managers').where({ id: a.spareRelationId }).first('status')).status),
  },
};

// ---------------------------------------------------------------------------------------------

type Layer = { rawPath?: unknown; slash?: boolean; route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };

/** "METHOD /path" of every route, sub-routers included (Express 5 / router 2). */
function appRoutes(stack: Layer[], prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) out.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
    } else if (layer.handle?.stack) {
      out.push(...appRoutes(layer.handle.stack, layer.slash ? prefix : `${prefix}${String(layer.rawPath)}`));
    }
  }
  return [...new Set(out)];
}

const PARAMS: Record<string, (t: Target, w: World) => string | number> = {
  customerId: (t) => t.customer.id,
  taxId: (t) => t.customer.taxId,
  contractId: (t) => t.contractId,
  invoiceId: (t) => t.invoiceId,
  requestId: (t) => t.requestId,
  documentId: (t) => t.documentId,
  orderId: (t) => t.orderId,
  linkId: (t) => t.spareLinkId,
  invitationId: (t) => t.spareInvitationId,
  relationId: (t) => t.spareRelationId,
  id: (_t, w) => w.outboxId,
  // admin ids: real rows where the portal has them; the staff guard answers before any lookup
  userId: (t, w) => w.sessions.owner_A.user!.id,
  staffMemberId: () => 1,
  runId: () => 1,
  messageId: (_t, w) => w.outboxId,
  paymentId: () => 1,
  promotionId: () => 1,
  code: () => 'electric_urgent',
  serviceId: () => 2_000_000_000,
};

function fill(template: string, t: Target, w: World): string {
  return template.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const value = PARAMS[name];
    if (!value) throw new Error(`no fixture for the route parameter :${name} (add one to PARAMS and test/support/roles.ts)`);
    return String(value(t, w));
  });
}

const RANK: Record<string, number> = { anonymous: -1, none: 0, read: 1, act: 2, manage: 3 };

function expected(spec: Spec, cell: CellName, method: string): readonly number[] {
  const override = spec.override?.[cell];
  if (override) return override;
  const ok = spec.ok ?? (method === 'GET' ? [200] : ACCEPTED);
  if (spec.access === 'public') return ok;
  if (spec.access === 'staff') return LOGIN_REDIRECT;
  const level = CELLS[cell].level;
  if (level === 'anonymous') return LOGIN_REDIRECT;
  if (spec.access === 'user') return ok;
  if (level === 'none') return [404];
  return RANK[level]! >= RANK[spec.access]! ? ok : [spec.refused ?? 403];
}

/**
 * The CSRF token of the session the URL belongs to: the admin section keeps its own session,
 * which its login steps may regenerate, so its token is read afresh.
 */
async function tokenFor(s: Session, url: string): Promise<string> {
  if (!url.startsWith('/admin/')) return s.csrf;
  return csrfFrom((await s.agent.get('/admin/acceso').expect(200)).text);
}

async function send(s: Session, method: string, url: string, spec: Spec, withToken = true): Promise<Response> {
  if (method === 'GET') return s.agent.get(url).redirects(0);
  if (method !== 'POST') throw new Error(`the matrix does not know how to send ${method}`);
  const csrf = await tokenFor(s, url);
  if (spec.multipart) {
    let req = s.agent.post(url).redirects(0);
    if (withToken) req = req.field('_csrf', csrf);
    // an empty file input, as a browser sends a form with no file chosen
    return req.attach(spec.multipart, Buffer.alloc(0), { filename: '', contentType: 'application/octet-stream' });
  }
  return s.agent.post(url).redirects(0).type('form').send(withToken ? { _csrf: csrf } : {});
}

describe('access matrix: every route × every role (DESIGN.md §4 rule 18, §5)', function () {
  this.timeout(120_000);
  let world: World;
  let routes: string[];

  before(async () => {
    const ctx = await testContext();
    routes = appRoutes((ctx.app as unknown as { router: { stack: Layer[] } }).router.stack);
    world = await buildWorld(ctx.app, ctx.db.knex, ctx.clock.now());
  });

  beforeEach(() => resetThrottles());

  // express.static is middleware, not a route: its one expectation is stated here
  it('serves the public assets under /static to everybody', async () => {
    for (const [user, s] of Object.entries(world.sessions)) {
      const res = await s.agent.get('/static/app.css').redirects(0);
      expect(res.status, user).to.equal(200);
    }
  });

  it('has an expectation for every route of the app, and no expectation for a route that is gone', () => {
    const missing = routes.filter((r) => !(r in EXPECTATIONS));
    const stale = Object.keys(EXPECTATIONS).filter((r) => !routes.includes(r));
    expect({ missing, stale }, 'add the missing routes to EXPECTATIONS in test/http/access-matrix.test.ts, remove the stale ones').to.deep.equal({ missing: [], stale: [] });
  });

  it('checks, for every route naming a customer and one of its rows, that the row is of that customer', () => {
    const paired = routes.filter((r) => /:customerId\/.*:[A-Za-z]+/.test(r));
    expect(paired.filter((r) => !(r in CROSS_CUSTOMER)), 'add them to CROSS_CUSTOMER').to.deep.equal([]);
  });

  for (const [key, cross] of Object.entries(CROSS_CUSTOMER)) {
    const [method, path] = key.split(' ') as [string, string];
    it(`${key}: another customer's row is not found and stays as it was`, async function () {
      if (!routes.includes(key)) this.skip();
      const db = (await testContext()).db.knex;
      const before = await cross.state(db, world.A);
      // C's own id, A's row
      const url = fill(path, world.A, world).replace(/^\/clientes\/\d+/, `/clientes/${world.C.customer.id}`);
      const s = world.sessions.rep_C;
      const res = method === 'GET'
        ? await s.agent.get(url).redirects(0)
        : await s.agent.post(url).redirects(0).type('form').send({ _csrf: s.csrf, ...cross.body });
      expect(res.status, url).to.equal(404);
      expect(await cross.state(db, world.A)).to.equal(before);
    });
  }

  it('links a request\'s document exactly for those who may download it', async () => {
    const rows: string[] = [];
    for (const cell of CELL_NAMES) {
      const { user, target, level } = CELLS[cell];
      if (level === 'anonymous' || level === 'none') continue;
      const t = world[target];
      const agent = world.sessions[user].agent;
      const page = await agent.get(`/gestiones/${t.requestId}`).expect(200);
      const download = await agent.get(`/documentos/${t.documentId}`);
      const linked = page.text.includes(`/documentos/${t.documentId}"`);
      if (linked !== (download.status === 200)) rows.push(`${cell}: linked=${String(linked)}, download ${download.status}`);
    }
    expect(rows).to.deep.equal([]);
  });

  for (const [key, spec] of Object.entries(EXPECTATIONS)) {
    const [method, path] = key.split(' ') as [string, string];
    it(`${key} (${spec.access})`, async function () {
      if (!routes.includes(key)) this.skip(); // reported by the completeness test
      const rows: string[] = [];
      let failed = false;
      for (const cell of CELL_NAMES) {
        const { user, target } = CELLS[cell];
        const url = fill(spec.url ?? path, world[target], world);
        const s = spec.endsSession ? await world.relogin(user) : world.sessions[user];
        const res = await send(s, method, url, spec);
        const want = expected(spec, cell, method);
        let ok = want.includes(res.status);
        // a guarded route sends the anonymous visitor to the login page, nowhere else
        if (ok && spec.access === 'staff') ok = res.headers.location === '/admin/acceso';
        else if (ok && spec.access !== 'public' && cell === 'anonymous') ok = res.headers.location === '/';
        if (res.status >= 500) ok = false;
        // lists over "every client of the user" must not show a contract of a client they cannot
        // read (the dev mailbox is public by design; a value the URL carries may be echoed)
        const leaked = CELLS[cell].level === 'none' && method === 'GET' && spec.access !== 'public'
          && [world[target].contractNumber, world[target].cups, world[target].requestReference].some((v) => !url.includes(v) && res.text?.includes(v));
        if (leaked) ok = false;
        failed ||= !ok;
        rows.push(`${ok ? '  ' : '✗ '}${leaked ? 'LEAK ' : ''}${cell.padEnd(12)} ${String(res.status)}${res.status === 303 ? ` → ${res.headers.location}` : ''}  (expected ${want.join('/')})  ${url}`);
      }
      if (spec.access !== 'public' && spec.access !== 'staff' && method === 'GET') {
        // an htmx request of an anonymous visitor: the whole page goes to the login page
        const url = fill(spec.url ?? path, world.C, world);
        const res = await world.sessions.anonymous.agent.get(url).set('HX-Request', 'true').redirects(0);
        const ok = res.status === 204 && res.headers['hx-redirect'] === '/';
        failed ||= !ok;
        rows.push(`${ok ? '  ' : '✗ '}${'anon htmx'.padEnd(12)} ${String(res.status)} HX-Redirect: ${String(res.headers['hx-redirect'])}  (expected 204 HX-Redirect: /)  ${url}`);
      }
      if (method === 'POST') {
        const s = spec.endsSession ? await world.relogin('rep_C') : world.sessions.rep_C;
        const url = fill(spec.url ?? path, world.C, world);
        const res = await send(s, method, url, spec, false);
        const ok = spec.csrfExempt ? res.status !== 403 && res.status < 500 : res.status === 403;
        failed ||= !ok;
        rows.push(`${ok ? '  ' : '✗ '}${'no CSRF'.padEnd(12)} ${String(res.status)}  (expected ${spec.csrfExempt ? 'not 403 (signed callback)' : '403'}, as rep_C)  ${url}`);
      }
      if (process.env.MATRIX_VERBOSE) console.log(`${key}\n${rows.join('\n')}`);
      expect(failed, `\n${rows.join('\n')}\n`).to.equal(false);
    });
  }
});
