/**
 * Staff of the admin section for tests: create them (enrolled or not) and log them in through
 * the real two-step form, computing TOTP codes at the test's ManualClock time.
 */
import type { Knex } from 'knex';
import { expect } from 'chai';
import { generate } from 'otplib';
import type { StaffRole } from '../../src/domain/staff';
import { hashPassword } from '../../src/adapters/passwords';
import { newRecoveryCodes, newTotpSecret } from '../../src/adapters/totp';
import type { ManualClock } from '../../src/adapters/clock';
import { testContext } from './context';
import { seal } from '../../src/adapters/secret-box';
import { type Agent, resetThrottles } from './factories';

export const STAFF_PASSWORD = 'Lavanda-Faro-Brujula-83';

export interface StaffFixture {
  id: number;
  staffId: string;
  password: string;
  role: StaffRole;
  email: string;
  firstName: string;
  lastName: string;
  /** null when not enrolled (the login asks for enrolment first). */
  totpSecret: string | null;
  recoveryCodes: string[];
}

let seq = 0;

export async function createStaff(db: Knex, opts: {
  role?: StaffRole; enrolled?: boolean; staffId?: string; password?: string; status?: 'active' | 'locked' | 'disabled'; firstName?: string; lastName?: string;
} = {}): Promise<StaffFixture> {
  const { config, clock, app } = await testContext();
  const now = clock.now();
  const n = ++seq;
  const role = opts.role ?? 'agente';
  const enrolled = opts.enrolled ?? true;
  const password = opts.password ?? STAFF_PASSWORD;
  const staffId = opts.staffId ?? `${role}.${process.pid}.${n}`;
  const totpSecret = enrolled ? newTotpSecret() : null;
  const recovery = enrolled ? newRecoveryCodes() : { codes: [], hashes: [] };
  const email = `${staffId}@staff.example.com`;
  const firstName = opts.firstName ?? (role === 'supervisor' ? 'Sara' : 'Andrés');
  const lastName = opts.lastName ?? `Personal ${n}`;
  const status = opts.status ?? 'active';
  const [row] = await db('staff').insert({
    staff_id: staffId, first_name: firstName, last_name: lastName, email, role,
    password_hash: await hashPassword(password, config.argon2),
    totp_secret: totpSecret ? seal(totpSecret, app.locals.deps.dataKey) : null, totp_enrolled_at: enrolled ? now : null,
    recovery_code_hashes: JSON.stringify(recovery.hashes),
    status, failed_logins: status === 'locked' ? 5 : 0, locked_at: status === 'locked' ? now : null,
    created_at: now, updated_at: now,
  }).returning('id');
  return { id: (row as { id: number }).id, staffId, password, role, email, firstName, lastName, totpSecret, recoveryCodes: recovery.codes };
}

/** The current TOTP code of a secret at the clock's time (or `at`). */
export async function totpAt(secret: string, at: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000) });
}

/** The CSRF token of the first form of an admin page (follows no redirects). */
export async function staffCsrf(agent: Agent, path: string): Promise<string> {
  const page = await agent.get(path);
  const m = /name="_csrf" value="([^"]+)"/.exec(page.text);
  if (!m) throw new Error(`no CSRF token on ${path} (status ${page.status}${page.headers.location ? ' → ' + page.headers.location : ''})`);
  return m[1]!;
}

/**
 * Logs a staff member in through the real forms and returns the agent. An enrolled member
 * types the TOTP code for the clock's time; when that time step was already used (a second
 * login within 30 s of clock time) the clock moves to the next step, as a person would wait
 * for the next code. A member who is not enrolled is
 * enrolled on the way (and their secret is stored on the fixture).
 */
export async function loginStaff(agent: Agent, staff: StaffFixture, clock?: ManualClock): Promise<Agent> {
  const ctx = await testContext();
  const c = clock ?? ctx.clock;
  await resetThrottles();
  const page = await agent.get('/admin/acceso');
  if (page.status === 303) return agent;
  const res = await agent.post('/admin/acceso').type('form').send({ _csrf: csrfOf(page.text), staffId: staff.staffId, password: staff.password });
  expect(res.status, `password step of ${staff.staffId}: ${res.status}`).to.equal(303);
  if (res.headers.location === '/admin/alta-2fa') {
    const enrol = await agent.get('/admin/alta-2fa');
    const secret = /id="totp-secret"[^>]*>([^<]+)</.exec(enrol.text)?.[1]?.replace(/\s+/g, '');
    if (!secret) throw new Error('no secret on the enrolment page');
    staff.totpSecret = secret;
    const done = await agent.post('/admin/alta-2fa').type('form').send({ _csrf: csrfOf(enrol.text), code: await totpAt(secret, c.now()) });
    expect(done.status, `enrolment of ${staff.staffId}`).to.equal(200);
    staff.recoveryCodes = [...done.text.matchAll(/<li><code>([A-Z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
  } else {
    expect(res.headers.location).to.equal('/admin/acceso/codigo');
    const codePage = await agent.get('/admin/acceso/codigo');
    if (!staff.totpSecret) throw new Error(`${staff.staffId} has no TOTP secret`);
    await pastUsedTimeStep(ctx.db.knex, staff.id, c);
    const done = await agent.post('/admin/acceso/codigo').type('form').send({ _csrf: csrfOf(codePage.text), code: await totpAt(staff.totpSecret, c.now()) });
    expect(done.status, `code step of ${staff.staffId}`).to.equal(303);
    expect(done.headers.location).to.equal('/admin');
  }
  return agent;
}

async function pastUsedTimeStep(db: Knex, id: number, clock: ManualClock): Promise<void> {
  const row = await db('staff').where({ id }).first('totp_last_time_step') as { totp_last_time_step: number | null } | undefined;
  const last = row?.totp_last_time_step;
  if (last === null || last === undefined) return;
  const step = Math.floor(clock.now().getTime() / 30_000);
  if (step <= last) clock.set(new Date((last + 1) * 30_000 + 1_000));
}

function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1]!;
}
