/**
 * Fuzzing every form (issue 12 item 14): each POST route of the app, read from the router, gets
 * generated submissions with a valid session and CSRF token for a person who may use it —
 * control characters (NUL), huge strings, arrays and objects instead of strings, missing
 * fields, empty bodies, unicode, as a form and as JSON — and must never answer with a 5xx.
 * The field names come from the templates and the routes' parsers, so new forms are covered.
 * Deterministic (seeded); FUZZ_RUNS sets the submissions per route, FUZZ_SEED the seed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import { csrfFrom, resetThrottles, type Agent } from '../support/factories';
import { buildWorld, type World } from '../support/roles';
import { appRoutes } from '../support/routes';
import { createStaff, loginStaff, staffCsrf } from '../support/staff';

const RUNS = Number(process.env.FUZZ_RUNS ?? 36);
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);

// Routes that end the session (their body is not read) and the gateway's signed callback.
const SKIP = new Set(['POST /salir', 'POST /admin/salir', 'POST /pagos/redsys/notificacion']);
// Open to people without an account: fuzzed from a session that is not logged in.
const PUBLIC = /^POST \/(acceso|idioma|registro|activar|recuperar|restablecer|ajustes\/email\/confirmar|sandbox|admin\/acceso|admin\/alta-2fa|admin\/idioma)/;

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fieldNames(): string[] {
  const root = path.resolve(import.meta.dirname, '../../src');
  const names = new Set<string>(['firstName', 'lastName', 'taxId', 'nif', 'email', 'password', 'newPassword', 'code', 'reading', 'value', 'street', 'number', 'postalCode', 'municipality', 'province', 'phone']);
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(eta|ts)$/.test(e.name)) {
        const text = fs.readFileSync(p, 'utf8');
        for (const m of text.matchAll(/name="([A-Za-z_][A-Za-z0-9_]*)"/g)) names.add(m[1]!);
        for (const m of text.matchAll(/formFields\(req, \[([^\]]*)\]/g)) for (const n of m[1]!.matchAll(/'([A-Za-z0-9_]+)'/g)) names.add(n[1]!);
        for (const m of text.matchAll(/^\s+([A-Za-z_][A-Za-z0-9_]*): z\./gm)) names.add(m[1]!);
      }
    }
  };
  walk(root);
  names.delete('_csrf');
  return [...names].sort();
}

const NASTY = [
  '', ' ', '\u0000', 'a\u0000b', '\u0001\u0002\u001f\u007f', '\r\n\r\n', '\t', '\u202etxt.exe', '\ud83d\ude00'.repeat(50),
  'ñÑçÇàèìòùÁÉÍÓÚüï·l', '\u0301\u0301\u0301', '\uFEFF', '\uD800', 'null', 'undefined', 'true', '-1', '0', '1e309', 'NaN', '9'.repeat(40),
  '2026-02-30', '2026-13-01', '../../etc/passwd', "' OR 1=1--", '<script>alert(1)</script>', '{{7*7}}', '%00', '%ff%fe',
  'ES9121000418450200051332', 'ES0031123456789012BF', 'B81234569', 'on', 'ca', 'es', 'en', '__proto__', 'constructor',
];

// Plausible values, so a submission gets past the first checks and reaches the deeper ones.
const PLAUSIBLE: Record<string, string> = {
  loginId: '12345678Z', taxId: '12345678Z', nif: '12345678Z', cif: 'B81234569', email: 'ana@example.com', newEmail: 'ana.nueva@example.com',
  password: 'Girasol-Tranvia-Puerto-47', passwordConfirm: 'Girasol-Tranvia-Puerto-47', currentPassword: 'Girasol-Tranvia-Puerto-47',
  newPassword: 'Lavanda-Muralla-Cometa-82', contractAccount: '100000000046', ibanLast4: '1332', iban: 'ES9121000418450200051332',
  code: '123456', paymentDay: '10', p1: '4.6', p2: '4.6', reading: '12345', value: '12345', language: 'ca', terms: 'on', mandate: 'on',
  postalCode: '46001', mes: '2026-10', period: '2026-10', reason: 'Motivo de prueba suficientemente largo', description: 'Descripción de prueba del problema con la factura',
};

function nasty(r: () => number): unknown {
  const pick = r();
  if (pick < 0.5) return NASTY[Math.floor(r() * NASTY.length)];
  if (pick < 0.6) return 'x'.repeat(1 + Math.floor(r() * 20_000));
  if (pick < 0.7) return 'ñ\u0000'.repeat(1 + Math.floor(r() * 2000));
  return [NASTY[Math.floor(r() * NASTY.length)], 'b'];
}

function jsonNasty(r: () => number): unknown {
  const pick = r();
  if (pick < 0.2) return { nested: { deeper: NASTY[Math.floor(r() * NASTY.length)] } };
  if (pick < 0.35) return [1, [2, [3]], { a: null }];
  if (pick < 0.45) return null;
  if (pick < 0.55) return r() < 0.5 ? 12.5 : true;
  return nasty(r);
}

interface Submission { kind: 'form' | 'json'; body: Record<string, unknown> }

/**
 * A plausible filling of the form's fields with one to three of them spoiled: a control
 * character added to a good value, a nasty value, an array or an object; or fields left out;
 * or nothing at all.
 */
function submission(r: () => number, fields: Record<string, string>, allNames: string[]): Submission {
  const kind = r() < 0.75 ? 'form' : 'json';
  if (r() < 0.05) return { kind, body: {} };
  const body: Record<string, unknown> = { ...fields };
  const names = Object.keys(body).length ? Object.keys(body) : allNames;
  const spoil = 1 + Math.floor(r() * 3);
  for (let i = 0; i < spoil; i++) {
    const name = names[Math.floor(r() * names.length)]!;
    const how = r();
    if (how < 0.3) body[name] = `${String(body[name] ?? PLAUSIBLE[name] ?? 'a')}\u0000`;
    else if (how < 0.45) delete body[name];
    else body[name] = kind === 'json' ? jsonNasty(r) : nasty(r);
  }
  // now and then a field the form does not have
  if (r() < 0.2) body[allNames[Math.floor(r() * allNames.length)]!] = nasty(r);
  return { kind, body };
}

/** The fields of the first POST form of a page, with their values (or plausible ones). */
function formOf(html: string): Record<string, string> {
  const form = /<form[^>]*method="post"[\s\S]*?<\/form>/i.exec(html)?.[0] ?? '';
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<(?:input|select|textarea)\b[^>]*\bname="([A-Za-z_][A-Za-z0-9_]*)"[^>]*>/g)) {
    const name = m[1]!;
    if (name === '_csrf') continue;
    const v = /\bvalue="([^"]*)"/.exec(m[0])?.[1];
    out[name] = PLAUSIBLE[name] ?? (v !== undefined && v !== '' ? v : 'a');
  }
  return out;
}

/** A urlencoded body with arrays as repeated keys, as a browser (or an attacker) sends them. */
function encode(body: Record<string, unknown>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) {
    if (Array.isArray(v)) for (const x of v) p.append(k, String(x));
    else p.append(k, String(v));
  }
  return p.toString();
}

interface Who { agent: Agent; token(): Promise<string>; alive(): Promise<void> }

describe('fuzz: every form route, never a 5xx', function () {
  this.timeout(240_000);
  let ctx: TestContext;
  let world: World;
  let routes: string[];
  let names: string[];

  before(async () => {
    ctx = await testContext();
    routes = appRoutes(ctx.app).filter((r) => r.startsWith('POST ') && !SKIP.has(r));
    world = await buildWorld(ctx.app, ctx.db.knex, ctx.clock.now());
    names = fieldNames();
  });

  it(`survives ${RUNS} generated submissions on each POST route`, async () => {
    const supervisor = await createStaff(ctx.db.knex, { role: 'supervisor' });
    let staffAgent = await loginStaff(request.agent(ctx.app), supervisor);
    let customer = world.sessions.rep_C;
    const anonymous = request.agent(ctx.app);
    const anonymousAdmin = request.agent(ctx.app);
    const who = (key: string): Who => {
      const admin = key.startsWith('POST /admin/');
      if (PUBLIC.test(key)) {
        const agent = admin ? anonymousAdmin : anonymous;
        const page = admin ? '/admin/acceso' : '/acceso';
        return { agent, token: async () => csrfFrom((await agent.get(page)).text), alive: async () => undefined };
      }
      if (admin) {
        return {
          agent: staffAgent,
          token: () => staffCsrf(staffAgent, '/admin/personal/nuevo'),
          alive: async () => {
            if ((await staffAgent.get('/admin/personal/nuevo').redirects(0)).status !== 200) staffAgent = await loginStaff(request.agent(ctx.app), supervisor);
          },
        };
      }
      return {
        agent: customer.agent,
        token: async () => customer.csrf,
        alive: async () => {
          if ((await customer.agent.get('/ajustes').redirects(0)).status !== 200) customer = await world.relogin('rep_C');
        },
      };
    };
    const fill = (p: string) => {
      const c = world.C;
      const ids: Record<string, number> = {
        customerId: c.customer.id, contractId: c.contractId, invoiceId: c.invoiceId, requestId: c.requestId, documentId: c.documentId,
        linkId: c.spareLinkId, invitationId: c.spareInvitationId, relationId: c.spareRelationId, userId: world.sessions.owner_A.user!.id,
        staffMemberId: supervisor.id, messageId: world.outboxId, runId: 1,
      };
      return p.replace(/:([A-Za-z]+)/g, (_m, n: string) => String(ids[n] ?? 1));
    };

    const failures: string[] = [];
    let sent = 0;
    const r = rng(SEED);
    for (const key of routes) {
      const url = fill(key.slice(5));
      await resetThrottles();
      let w = who(key);
      await w.alive();
      w = who(key);
      const page = await w.agent.get(url).redirects(0);
      const fields = page.status === 200 ? formOf(page.text) : {};
      let token = await w.token();
      for (let i = 0; i < RUNS; i++) {
        const s = submission(r, fields, names);
        const req = w.agent.post(url).redirects(0);
        const res = s.kind === 'json'
          ? await req.set('x-csrf-token', token).send(s.body)
          : await req.type('form').send(`${encode({ ...s.body })}&_csrf=${encodeURIComponent(token)}`);
        sent++;
        if (res.status >= 500) failures.push(`${res.status} ${key} ${s.kind} ${JSON.stringify(s.body).slice(0, 300)}`);
        // a submission that ended or renewed the session: log in again, take the new token
        if (res.status === 403 || (res.status === 303 && res.headers.location?.includes('acceso'))) {
          await w.alive();
          w = who(key);
          token = await w.token();
        }
      }
    }
    expect(sent).to.be.at.least(routes.length * RUNS);
    expect(failures, `\n${failures.slice(0, 40).join('\n')}\n(${failures.length} failures; FUZZ_SEED=${SEED})`).to.deep.equal([]);
  });
});
