/**
 * Test data with unique, valid identifiers on every call, so tests never depend on each
 * other's rows: customers, contract accounts, supply points + contracts (+ consumption),
 * invoices, users and their links to customers. Plus HTTP helpers for forms, logins and the
 * outbox.
 *
 * Every data factory takes the knex (or a transaction) first. Users are hashed with the test
 * context's argon2 cost. Identifiers come from a per-process counter in ranges that neither
 * the demo data nor the hand-written fixtures use.
 */
import type { Knex } from 'knex';
import type request from 'supertest';
import { expect } from 'chai';
import { ibanLast4, isValidCif, isValidCups, isValidIban, isValidNif } from '../../src/domain/ids';
import type { LinkRole, LinkStatus } from '../../src/domain/access';
import type { AccountStatus } from '../../src/domain/accounts';
import { draftInvoice, isBillingMonth } from '../../src/domain/invoicing';
import { cif, cups, iban, nif } from '../../src/demo/plan';
import { hashPassword } from '../../src/adapters/passwords';
import { issueInvoicesForMonth } from '../../src/services/invoicing';
import { normalizeAnswer } from '../../src/domain/secret-answer';
import { insertInvoices, loadBillableContracts } from '../../src/data/billing-repo';
import type { OutboxRow } from '../../src/data/outbox-repo';
import { testContext } from './context';

export type Agent = ReturnType<typeof request.agent>;

// ---------------------------------------------------------------------------------------------
// Unique identifiers

let seq = 0;
const next = () => ++seq;

/** A valid DNI-style NIF nobody else in this run has. */
export function uniqueNif(): string {
  const v = nif(87_000_000 + next());
  if (!isValidNif(v)) throw new Error(`factory produced an invalid NIF ${v}`);
  return v;
}

/** A valid CIF: B for companies, H for communities of owners. */
export function uniqueCif(letter: 'B' | 'H' = 'B'): string {
  const v = cif(letter, 7_000_000 + next());
  if (!isValidCif(v)) throw new Error(`factory produced an invalid CIF ${v}`);
  return v;
}

export function uniqueCups(energy: 'electricity' | 'gas' = 'electricity'): string {
  const v = cups(energy === 'gas' ? '0234' : '0031', 900_000_000 + next());
  if (!isValidCups(v)) throw new Error(`factory produced an invalid CUPS ${v}`);
  return v;
}

export function uniqueIban(): string {
  const v = iban('2100', '0418', 4_500_000_000 + next());
  if (!isValidIban(v)) throw new Error(`factory produced an invalid IBAN ${v}`);
  return v;
}

/** 12 digits, as printed on invoices. */
export function uniqueContractAccountNumber(): string {
  return String(900_000_000_000 + next());
}

export function uniqueContractNumber(): string {
  return String(800_000_000_000 + next());
}

export function uniqueEmail(prefix = 'cliente'): string {
  return `${prefix}.${next()}@example.com`;
}

// ---------------------------------------------------------------------------------------------
// Customers, contract accounts, supplies, contracts, consumption, invoices

export type CustomerKind = 'individual' | 'company' | 'community';

export interface CustomerFixture {
  id: number;
  taxId: string;
  kind: CustomerKind;
  name: string;
  representativeNif: string | null;
  email: string;
}

export async function createCustomer(db: Knex, opts: {
  kind?: CustomerKind; taxId?: string; name?: string; representativeNif?: string | null; email?: string;
} = {}): Promise<CustomerFixture> {
  const kind = opts.kind ?? 'individual';
  const n = next();
  const taxId = opts.taxId ?? (kind === 'individual' ? uniqueNif() : uniqueCif(kind === 'community' ? 'H' : 'B'));
  const name = opts.name ?? (kind === 'individual' ? `Cliente Prueba ${n}` : kind === 'company' ? `Empresa Prueba ${n} S.L.` : `Comunidad de Propietarios Prueba ${n}`);
  const representativeNif = opts.representativeNif !== undefined ? opts.representativeNif : kind === 'individual' ? null : uniqueNif();
  const email = opts.email ?? uniqueEmail(kind === 'individual' ? 'titular' : 'empresa');
  const [row] = await db('customers').insert({ tax_id: taxId, kind, name, representative_nif: representativeNif, email, phone: '600000000' }).returning('id');
  return { id: row.id, taxId, kind, name, representativeNif, email };
}

export interface ContractAccountFixture {
  id: number;
  customerId: number;
  number: string;
  iban: string | null;
  /** Last 4 digits of the IBAN, what registration and recovery ask for ('' without IBAN). */
  ibanLast4: string;
  directDebit: boolean;
}

const ADDRESS = { street: 'Calle de Colón', number: '12', floorDoor: '2º 1ª', postalCode: '46004', municipality: 'València', province: 'Valencia' };

/** With a direct-debit IBAN unless `directDebit: false` (then no IBAN, paid by transfer). */
export async function createContractAccount(db: Knex, customer: { id: number; name?: string }, opts: {
  directDebit?: boolean; iban?: string; number?: string; paymentDay?: number | null; altPayerName?: string; altRecipientName?: string;
} = {}): Promise<ContractAccountFixture> {
  const directDebit = opts.directDebit ?? true;
  const accountIban = directDebit ? (opts.iban ?? uniqueIban()) : null;
  const number = opts.number ?? uniqueContractAccountNumber();
  const [row] = await db('contract_accounts').insert({
    number, customer_id: customer.id, billing_name: customer.name ?? 'Titular',
    billing_street: ADDRESS.street, billing_number: ADDRESS.number, billing_floor_door: ADDRESS.floorDoor,
    billing_postal_code: ADDRESS.postalCode, billing_municipality: ADDRESS.municipality, billing_province: ADDRESS.province,
    iban: accountIban, iban_holder: accountIban ? (customer.name ?? 'Titular') : null, direct_debit: directDebit,
    mandate_ref: accountIban ? `MND${number}` : null, mandate_signed_at: accountIban ? '2024-01-10T10:00:00Z' : null,
    payment_day: opts.paymentDay ?? null, alt_payer_name: opts.altPayerName ?? null, alt_recipient_name: opts.altRecipientName ?? null,
  }).returning('id');
  return { id: row.id, customerId: customer.id, number, iban: accountIban, ibanLast4: accountIban ? ibanLast4(accountIban) : '', directDebit };
}

export interface ConsumptionMonth { month: string /* YYYY-MM */; P1: number; P2?: number; P3?: number }

export interface SupplyFixture {
  supplyPointId: number;
  contractId: number;
  contractNumber: string;
  cups: string;
  energy: 'electricity' | 'gas';
  customerId: number;
  contractAccountId: number;
}

/** A supply point and its active contract on the account, with consumption for the given months. */
export async function createSupply(db: Knex, account: { id: number; customerId: number }, opts: {
  energy?: 'electricity' | 'gas'; productCode?: string; powerKw?: number; eBilling?: boolean; startDate?: string;
  street?: string; consumption?: ConsumptionMonth[];
} = {}): Promise<SupplyFixture> {
  const energy = opts.energy ?? 'electricity';
  const code = opts.productCode ?? (energy === 'gas' ? 'tarifa-gas-rl1' : 'tarifa-luz-3-periodos');
  const cupsCode = uniqueCups(energy);
  const kw = opts.powerKw ?? 4.6;
  const [sp] = await db('supply_points').insert({
    cups: cupsCode, energy, tariff: energy === 'gas' ? (code.endsWith('rl2') ? 'RL.2' : 'RL.1') : '2.0TD',
    street: opts.street ?? ADDRESS.street, number: ADDRESS.number, floor_door: ADDRESS.floorDoor, postal_code: ADDRESS.postalCode,
    municipality: ADDRESS.municipality, province: ADDRESS.province,
    power_p1_kw: energy === 'electricity' ? kw : null, power_p2_kw: energy === 'electricity' ? kw : null,
    distributor: energy === 'gas' ? 'Nedgia Cegas' : 'i-DE Redes Eléctricas Inteligentes',
  }).returning('id');
  const contractNumber = uniqueContractNumber();
  const [contract] = await db('contracts').insert({
    number: contractNumber, contract_account_id: account.id, supply_point_id: sp.id, customer_id: account.customerId,
    product_code: code, status: 'active', start_date: opts.startDate ?? '2020-01-01', e_billing: opts.eBilling ?? false,
  }).returning('id');
  if (opts.consumption?.length) await addConsumption(db, contract.id, opts.consumption);
  return { supplyPointId: sp.id, contractId: contract.id, contractNumber, cups: cupsCode, energy, customerId: account.customerId, contractAccountId: account.id };
}

export async function addConsumption(db: Knex, contractId: number, months: ConsumptionMonth[]): Promise<void> {
  for (const m of months) if (!isBillingMonth(m.month)) throw new Error(`month must be YYYY-MM, got ${m.month}`);
  await db('consumption').insert(months.map((m) => ({ contract_id: contractId, month: `${m.month}-01`, p1_kwh: m.P1, p2_kwh: m.P2 ?? 0, p3_kwh: m.P3 ?? 0 })));
}

export interface InvoiceFixture { id: number; number: string; totalCents: number; periodStart: string; status: 'pending' | 'paid' | 'returned' }

/**
 * Issues the invoices of ONE contract for the given months (consumption must exist), with the
 * real billing code, without touching other tests' contracts. `status: 'paid'` marks them paid
 * on their due date.
 */
export async function issueInvoices(db: Knex, contractId: number, months: string[], opts: { status?: 'pending' | 'paid' | 'returned' } = {}): Promise<InvoiceFixture[]> {
  const out: InvoiceFixture[] = [];
  await db.transaction(async (trx) => {
    for (const month of months) {
      const billable = (await loadBillableContracts(trx, `${month}-01`)).filter((c) => c.contractId === contractId);
      if (billable.length !== 1) throw new Error(`contract ${contractId} is not billable for ${month} (no consumption, not started, or already invoiced)`);
      const draft = draftInvoice(billable[0]!, month);
      const [inserted] = await insertInvoices(trx, [draft]);
      if (!inserted) throw new Error(`invoice for contract ${contractId} and ${month} already exists`);
      const status = opts.status ?? 'pending';
      if (status !== 'pending') {
        await trx('invoices').where({ id: inserted.id }).update({ status, paid_at: status === 'paid' ? trx.raw("due_date + time '09:00'") : null });
      }
      out.push({ id: inserted.id, number: inserted.number, totalCents: draft.bill.totals.totalCents, periodStart: draft.periodStart, status });
    }
  });
  return out;
}

/** The whole billing run for a month (every billable contract in the database), as the CLI does. */
export async function billMonth(db: Knex, month: string) {
  const { config, clock, app } = await testContext();
  return issueInvoicesForMonth(db, month, { signer: app.locals.deps.signer, now: clock.now(), config, notify: true });
}

// ---------------------------------------------------------------------------------------------
// Users and links

export interface UserFixture {
  id: number;
  loginId: string;
  password: string;
  email: string;
  firstName: string;
  lastName: string;
  status: AccountStatus;
  language: 'es' | 'ca';
  secretQuestion: string | null;
  secretAnswer: string | null;
}

/** A password that passes the policy and contains nothing personal. */
export const GOOD_PASSWORD = 'Girasol-Tranvia-Puerto-47';

export async function createUser(db: Knex, opts: {
  status?: AccountStatus; loginId?: string; password?: string; email?: string; firstName?: string; lastName?: string;
  language?: 'es' | 'ca'; secretQuestion?: string; secretAnswer?: string; failedLogins?: number;
} = {}): Promise<UserFixture> {
  const { config, clock } = await testContext();
  const now = clock.now();
  const n = next();
  const status = opts.status ?? 'active';
  const password = opts.password ?? GOOD_PASSWORD;
  const u = {
    loginId: opts.loginId ?? uniqueNif(),
    email: opts.email ?? uniqueEmail('usuario'),
    firstName: opts.firstName ?? 'Lucía',
    lastName: opts.lastName ?? `Prueba ${n}`,
    language: opts.language ?? 'es',
    secretQuestion: opts.secretQuestion ?? null,
    secretAnswer: opts.secretAnswer ?? null,
  };
  if ((u.secretQuestion === null) !== (u.secretAnswer === null)) throw new Error('give both secretQuestion and secretAnswer, or neither');
  const [row] = await db('users').insert({
    login_id: u.loginId, first_name: u.firstName, last_name: u.lastName, email: u.email,
    email_verified_at: status === 'pending' ? null : now,
    password_hash: await hashPassword(password, config.argon2), status, language: u.language,
    failed_logins: opts.failedLogins ?? (status === 'locked' ? 5 : 0), locked_at: status === 'locked' ? now : null,
    secret_question: u.secretQuestion,
    // hashed exactly like src/services/registration.ts does
    secret_answer_hash: u.secretAnswer ? await hashPassword(normalizeAnswer(u.secretAnswer), config.argon2) : null,
    created_at: now, updated_at: now,
  }).returning('id');
  return { id: row.id, password, status, ...u };
}

export async function linkUser(db: Knex, user: { id: number }, customer: { id: number }, role: LinkRole = 'holder', status: LinkStatus = 'active'): Promise<void> {
  const { clock } = await testContext();
  await db('customer_links').insert({ user_id: user.id, customer_id: customer.id, role, status, granted_at: clock.now() });
}

/** A company with one contract account and one supply of `energy`. */
export async function createCompanyWithSupply(
  db: Knex, name: string, energy: 'electricity' | 'gas' = 'electricity',
): Promise<CustomerFixture> {
  const customer = await createCustomer(db, { kind: 'company', name });
  await createSupply(db, await createContractAccount(db, customer), { energy });
  return customer;
}

/** `manager` (a gestoría) appointed as the external manager of `customer`, in `status`. */
export async function appointManager(
  db: Knex, manager: { id: number }, customer: { id: number }, status = 'active',
): Promise<void> {
  await db('external_managers').insert({
    customer_id: customer.id, manager_customer_id: manager.id, status, created_at: new Date(), decided_at: new Date(),
  });
}

/** The statements the app (sharing this knex) sends while `fn` runs. */
export async function queriesDuring(db: Knex, fn: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const listen = (q: { sql: string }) => sent.push(q.sql);
  db.on('query', listen);
  try {
    await fn();
  } finally {
    db.off('query', listen);
  }
  return sent;
}

export interface HouseholdFixture {
  customer: CustomerFixture;
  account: ContractAccountFixture;
  supply: SupplyFixture;
  user: UserFixture;
}

/** The common case: an individual holder with one direct-debit account, one supply and an active user. */
export async function createHousehold(db: Knex, opts: { user?: Parameters<typeof createUser>[1]; consumption?: ConsumptionMonth[]; eBilling?: boolean } = {}): Promise<HouseholdFixture> {
  const user = await createUser(db, opts.user);
  const customer = await createCustomer(db, { kind: 'individual', taxId: user.loginId, name: `${user.firstName} ${user.lastName}`, email: user.email });
  const account = await createContractAccount(db, customer);
  const supply = await createSupply(db, account, { consumption: opts.consumption, eBilling: opts.eBilling });
  await linkUser(db, user, customer, 'holder');
  return { customer, account, supply, user };
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

/** The CSRF token of the (first) form on a page. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1]!;
}

/**
 * Per-IP throttles are kept in Postgres and every supertest request comes from 127.0.0.1;
 * helpers that log in clear them so suites never throttle each other. The throttle tests
 * prove throttling on their own.
 */
export async function resetThrottles(db?: Knex): Promise<void> {
  const knex = db ?? (await testContext()).db.knex;
  await knex('rate_limits').delete();
}

/** Logs the agent in through the real form and returns it; fails the test if login fails. */
export async function loginAs(agent: Agent, loginId: string, password: string): Promise<Agent> {
  await resetThrottles();
  const page = await agent.get('/acceso');
  if (page.status === 303) return agent; // already logged in
  const res = await agent.post('/acceso').type('form').send({ _csrf: csrfFrom(page.text), loginId, password });
  expect(res.status, `login of ${loginId} failed: ${/role="alert"[^>]*>([\s\S]*?)<\/div>/.exec(res.text)?.[1]?.replace(/<[^>]+>/g, ' ').trim() ?? res.status}`).to.equal(303);
  return agent;
}

/** The newest outbox row for an address (case-insensitive), or undefined. */
export async function lastMailTo(db: Knex, email: string): Promise<OutboxRow | undefined> {
  return db('outbox').whereRaw('lower(to_address) = lower(?)', [email]).orderBy('id', 'desc').first();
}

export async function mailsTo(db: Knex, email: string): Promise<OutboxRow[]> {
  return db('outbox').whereRaw('lower(to_address) = lower(?)', [email]).orderBy('id', 'asc');
}

/**
 * The link to `path` in a mail body, as a local path with its query (what supertest and the
 * browser harness visit), e.g. linkIn(text, '/activar') → '/activar?token=…'.
 */
export function linkIn(text: string, path: string): string {
  const escaped = path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const m = new RegExp(`https?://[^\\s/"'<>]+(${escaped}(?:\\?[^\\s"'<>]*)?)(?=[\\s"'<>]|$)`).exec(text);
  if (!m) throw new Error(`no link to ${path} in:\n${text}`);
  return m[1]!;
}

/** The `token` query parameter of a local link. */
export function tokenOf(link: string): string {
  const token = new URL(link, 'http://x').searchParams.get('token');
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}

/** The text a person reads on a page: tags removed, entities decoded, whitespace collapsed. */
export function pageText(html: string): string {
  const main = /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? html;
  return main.replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ').trim();
}
