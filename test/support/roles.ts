/**
 * The people of DESIGN.md §4 rule 18, each logged in once, and the resources they are judged
 * against, for the access matrix (test/http/access-matrix.test.ts).
 *
 * Three target customers: household A, company C and gestoría G, an ACTIVE external manager of
 * C, so G's people reach C through G. Each cell judges one person against one target (CELLS).
 * Each target has a contract with invoices, a complaint (a request) with an attached PDF, a
 * card payment order, a spare contact link, a spare invitation and a spare external-manager
 * relation, so every `:param` of every route names a real resource of the target; the spare
 * rows can be changed by a POST without taking anybody's access away from the cells that follow.
 */
import crypto from 'node:crypto';
import type { Express } from 'express';
import type { Knex } from 'knex';
import request from 'supertest';
import {
  createContractAccount, createCustomer, createHousehold, createSupply, createUser, csrfFrom, issueInvoices, linkUser, loginAs, uniqueEmail, uniqueNif,
  type Agent, type CustomerFixture, type UserFixture,
} from './factories';

export type Level = 'anonymous' | 'none' | 'read' | 'act' | 'manage';

/** The people, each logged in once. */
export const USERS = ['anonymous', 'unrelated_B', 'owner_A', 'rep_C', 'full_C', 'read_C', 'rep_G', 'full_G', 'read_G', 'revoked_C', 'rep_P', 'rep_R'] as const;
export type UserName = typeof USERS[number];

/**
 * The cells of a route's row: a person judged against one target, with what rule 18 lets them
 * do there. Ordered from least to most allowed, so a POST that changes something runs last.
 */
export const CELLS = {
  anonymous: { user: 'anonymous', target: 'C', level: 'anonymous', what: 'not logged in' },
  unrelated_B: { user: 'unrelated_B', target: 'A', level: 'none', what: 'holder of another household (B), on A' },
  'rep_C@G': { user: 'rep_C', target: 'G', level: 'none', what: "C's representative on its own gestoría G: delegation goes one way" },
  revoked_C: { user: 'revoked_C', target: 'C', level: 'none', what: 'a former authorized_full contact of C (link revoked)' },
  rep_P: { user: 'rep_P', target: 'C', level: 'none', what: 'representative of gestoría P, whose appointment for C is pending review' },
  rep_R: { user: 'rep_R', target: 'C', level: 'none', what: 'representative of gestoría R, whose appointment for C was revoked' },
  read_C: { user: 'read_C', target: 'C', level: 'read', what: "C's authorized_read contact" },
  read_G: { user: 'read_G', target: 'C', level: 'read', what: "G's authorized_read collaborator, on C (G manages C)" },
  'read_G@G': { user: 'read_G', target: 'G', level: 'read', what: "G's authorized_read collaborator, on G itself" },
  full_C: { user: 'full_C', target: 'C', level: 'act', what: "C's authorized_full contact" },
  full_G: { user: 'full_G', target: 'C', level: 'act', what: "G's authorized_full collaborator, on C" },
  'full_G@G': { user: 'full_G', target: 'G', level: 'act', what: "G's authorized_full collaborator, on G itself" },
  rep_G: { user: 'rep_G', target: 'C', level: 'act', what: "G's representative, on C (acts, does not manage C's contacts)" },
  'rep_G@G': { user: 'rep_G', target: 'G', level: 'manage', what: "G's representative, on G itself" },
  rep_C: { user: 'rep_C', target: 'C', level: 'manage', what: "C's representative" },
  owner_A: { user: 'owner_A', target: 'A', level: 'manage', what: 'holder of household A' },
} as const satisfies Record<string, { user: UserName; target: 'A' | 'C' | 'G'; level: Level; what: string }>;
export type CellName = keyof typeof CELLS;
export const CELL_NAMES = Object.keys(CELLS) as CellName[];

export interface Target {
  customer: CustomerFixture;
  contractId: number;
  /** Printed wherever the contract is listed: must never reach someone who cannot read it. */
  contractNumber: string;
  cups: string;
  invoiceId: number;
  requestId: number;
  requestReference: string;
  documentId: number;
  orderId: string;
  /** A contact link nobody in the matrix logs in with. */
  spareLinkId: number;
  /** A pending invitation of a contact who has no user yet. */
  spareInvitationId: number;
  /** An active external-manager relation with a gestoría nobody in the matrix belongs to. */
  spareRelationId: number;
}

export interface Session { agent: Agent; csrf: string; user: UserFixture | null }

export interface World {
  A: Target;
  C: Target;
  G: Target;
  sessions: Record<UserName, Session>;
  outboxId: number;
  /** Logs a person in again on a new agent (for routes that end the session). */
  relogin(user: UserName): Promise<Session>;
}

/** A minimal PDF that file-type recognises. */
export function tinyPdf(): Buffer {
  return Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');
}

const MONTHS = ['2026-08', '2026-09', '2026-10'];

async function contractWithInvoices(db: Knex, customer: CustomerFixture): Promise<{ contractId: number; contractNumber: string; cups: string; invoiceId: number }> {
  // paid by transfer, so its pending invoices can be paid by card
  const account = await createContractAccount(db, customer, { directDebit: false });
  const supply = await createSupply(db, account, { consumption: MONTHS.map((month) => ({ month, P1: 120, P2: 90, P3: 140 })) });
  const invoices = await issueInvoices(db, supply.contractId, MONTHS);
  return { contractId: supply.contractId, contractNumber: supply.contractNumber, cups: supply.cups, invoiceId: invoices.at(-1)!.id };
}

async function relation(db: Knex, customerId: number, managerCustomerId: number, now: Date, status: 'active' | 'pending_review' | 'revoked' = 'active'): Promise<number> {
  const [row] = await db('external_managers').insert({
    customer_id: customerId, manager_customer_id: managerCustomerId, status, created_at: now,
    decided_at: status === 'pending_review' ? null : now, revoked_at: status === 'revoked' ? now : null,
  }).returning('id');
  return Number(row.id);
}

/** A gestoría with its representative, and its relation to `client` in the given status. */
async function gestoria(db: Knex, client: CustomerFixture, status: 'active' | 'pending_review' | 'revoked', now: Date) {
  const rep = await createUser(db);
  const customer = await createCustomer(db, { kind: 'company', representativeNif: rep.loginId });
  await linkUser(db, rep, customer, 'representative');
  await relation(db, client.id, customer.id, now, status);
  return { rep, customer };
}

async function pendingInvitation(db: Knex, customerId: number, now: Date): Promise<number> {
  const [row] = await db('contact_invitations').insert({
    customer_id: customerId, nif: uniqueNif(), email: uniqueEmail('invitado'), first_name: 'Marta', last_name: 'Invitada Prueba',
    role: 'authorized_read', token_hash: crypto.randomBytes(32).toString('hex'), expires_at: new Date(now.getTime() + 7 * 86_400_000),
    status: 'pending', created_at: now, updated_at: now,
  }).returning('id');
  return Number(row.id);
}

async function session(app: Express, user: UserFixture | null): Promise<Session> {
  const agent = request.agent(app);
  if (!user) return { agent, csrf: csrfFrom((await agent.get('/acceso').expect(200)).text), user };
  await loginAs(agent, user.loginId, user.password);
  // the settings page always has forms; the token is the session's, valid for every form
  return { agent, csrf: csrfFrom((await agent.get('/ajustes').expect(200)).text), user };
}

/** A complaint with a PDF through the real form: a request and a document of the customer. */
async function complaintOf(s: Session, contractId: number, db: Knex, customerId: number): Promise<{ requestId: number; requestReference: string; documentId: number }> {
  const res = await s.agent.post(`/contratos/${contractId}/reclamacion`)
    .field('_csrf', s.csrf).field('category', 'billing')
    .field('description', 'La factura de octubre incluye un consumo que no corresponde a mi lectura real del contador.')
    .attach('attachments', tinyPdf(), { filename: 'factura.pdf', contentType: 'application/pdf' });
  if (res.status !== 303) throw new Error(`complaint fixture failed with ${res.status}`);
  const doc = await db('documents').where({ customer_id: customerId }).orderBy('id', 'desc').first('id', 'request_id');
  const request = await db('requests').where({ id: doc.request_id }).first('reference');
  return { requestId: Number(doc.request_id), requestReference: String(request.reference), documentId: Number(doc.id) };
}

/** A card payment order started by the session's user through the real button. */
async function orderOf(s: Session, invoiceId: number): Promise<string> {
  const res = await s.agent.post(`/facturas/${invoiceId}/pagar`).type('form').send({ _csrf: s.csrf });
  const m = /^\/pagos\/([^/]+)\/pasarela$/.exec(res.headers.location ?? '');
  if (res.status !== 303 || !m) throw new Error(`payment fixture failed with ${res.status}`);
  return m[1]!;
}

export async function buildWorld(app: Express, db: Knex, now: Date): Promise<World> {
  // Household A and the unrelated household B
  const a = await createHousehold(db);
  const b = await createHousehold(db);
  const aContract = await contractWithInvoices(db, a.customer);

  // Company C with its representative and two contacts
  const repC = await createUser(db, { firstName: 'Rosa' });
  const c = await createCustomer(db, { kind: 'company', representativeNif: repC.loginId });
  await linkUser(db, repC, c, 'representative');
  const fullC = await createUser(db);
  await linkUser(db, fullC, c, 'authorized_full');
  const readC = await createUser(db);
  await linkUser(db, readC, c, 'authorized_read');
  const cContract = await contractWithInvoices(db, c);

  // a contact whose access was taken away
  const revokedC = await createUser(db);
  await linkUser(db, revokedC, c, 'authorized_full', 'revoked');

  // Gestoría G, its people, and G actively managing C
  const { rep: repG, customer: g } = await gestoria(db, c, 'active', now);
  const fullG = await createUser(db);
  await linkUser(db, fullG, g, 'authorized_full');
  const readG = await createUser(db);
  await linkUser(db, readG, g, 'authorized_read');
  // gestorías whose appointment is not (or no longer) in force
  const { rep: repP } = await gestoria(db, c, 'pending_review', now);
  const { rep: repR } = await gestoria(db, c, 'revoked', now);

  // Spare rows, one per target, that a state-changing POST may alter harmlessly
  const spare = await createUser(db);
  await linkUser(db, spare, a.customer, 'authorized_read');
  await linkUser(db, spare, c, 'authorized_read');
  await linkUser(db, spare, g, 'authorized_read');
  const spareLink = async (customerId: number) => Number((await db('customer_links').where({ user_id: spare.id, customer_id: customerId }).first('id')).id);
  const otherGestoria = await createCustomer(db, { kind: 'company', name: 'Otra Gestoría S.L.' });

  const users: Record<UserName, UserFixture | null> = {
    anonymous: null, unrelated_B: b.user, read_C: readC, read_G: readG, full_C: fullC, full_G: fullG, rep_G: repG, rep_C: repC, owner_A: a.user,
    revoked_C: revokedC, rep_P: repP, rep_R: repR,
  };
  const sessions = {} as Record<UserName, Session>;
  for (const user of USERS) sessions[user] = await session(app, users[user]);

  const target = async (customer: CustomerFixture, contract: Awaited<ReturnType<typeof contractWithInvoices>>, owner: Session): Promise<Target> => ({
    customer, ...contract,
    ...await complaintOf(owner, contract.contractId, db, customer.id),
    orderId: await orderOf(owner, contract.invoiceId),
    spareLinkId: await spareLink(customer.id),
    spareRelationId: await relation(db, customer.id, otherGestoria.id, now),
    spareInvitationId: await pendingInvitation(db, customer.id, now),
  });
  const A = await target(a.customer, aContract, sessions.owner_A);
  const C = await target(c, cContract, sessions.rep_C);
  const G = await target(g, await contractWithInvoices(db, g), sessions.rep_G);
  const outbox = await db('outbox').max<{ max: number }>('id as max').first();

  return {
    A, C, G, sessions, outboxId: Number(outbox?.max),
    relogin: async (user) => session(app, users[user]),
  };
}
