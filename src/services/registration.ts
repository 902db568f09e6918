/**
 * Registration with contract data (DESIGN.md §4 rule 2), activation, and "add a supply" for a
 * logged-in user. A customer proven by contract data is only ever attached to the user who
 * proved it while logged in: a registration never joins a customer to an existing user, so
 * nobody can prepare a user with someone else's NIF and wait for the real holder to register.
 */
import type { Knex } from 'knex';
import type { Config } from '../config';
import type { LinkRole } from '../domain/access';
import type { TokenCheck } from '../domain/tokens';
import { businessProofMatches, householdProofMatches } from '../domain/registration';
import { normalizeAnswer, type SecretQuestionKey } from '../domain/secret-answer';
import { findUserById, findUserByLoginId, insertUser, updateUser, type UserRow } from '../data/users-repo';
import { findCustomersByIds, holderRecord } from '../data/customers-repo';
import { insertLink, liveLink } from '../data/links-repo';
import { audit } from '../data/audit-repo';
import { hashPassword } from '../adapters/passwords';
import { queueMail } from '../adapters/mail/outbox';
import { issueLink } from './account-links';
import { consumeToken, peekToken } from './token-use';
import { overLimit, THROTTLES } from './throttle';
import type { AccountCtx } from './account-context';

export interface PersonData {
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  password: string;
  secretQuestion: SecretQuestionKey | null;
  secretAnswer: string | null;
  language: 'es' | 'ca';
}

export interface HouseholdRegistration { taxId: string; contractAccount: string; ibanLast4: string; person: PersonData }
export interface BusinessRegistration {
  companyTaxId: string;
  personNif: string;
  ibanLast4?: string;
  invoiceTotalCents?: number;
  person: PersonData;
}

export type RegisterResult = { kind: 'throttled' } | { kind: 'no_match' } | { kind: 'not_representative' } | {
  kind: 'sent',
};

/** Every attempt counts per address and per customer, so spreading guesses over addresses does not help. */
async function throttled(ctx: AccountCtx, customerKey: string): Promise<boolean> {
  const { db, ip, now } = ctx;
  const byIp = await overLimit(db, THROTTLES.register, ip, now);
  const byCustomer = await overLimit(db, THROTTLES.registerCustomer, customerKey, now);
  return byIp || byCustomer;
}

export async function registerHousehold(ctx: AccountCtx, r: HouseholdRegistration): Promise<RegisterResult> {
  if (await throttled(ctx, r.taxId)) return { kind: 'throttled' };
  const holder = await holderRecord(ctx.db, r.taxId);
  const matches = householdProofMatches(
    { taxId: r.taxId, email: r.person.email, contractAccountNumber: r.contractAccount, ibanLast4: r.ibanLast4 }, holder,
  );
  if (!matches || !holder) return { kind: 'no_match' };
  await ctx.db.transaction(
    (trx) => registerAccount(
      trx, ctx, { loginId: r.taxId, customerId: holder.customerId, role: 'holder', person: r.person },
    ),
  );
  return { kind: 'sent' };
}

export async function registerBusiness(ctx: AccountCtx, r: BusinessRegistration): Promise<RegisterResult> {
  if (await throttled(ctx, r.companyTaxId)) return { kind: 'throttled' };
  const holder = await holderRecord(ctx.db, r.companyTaxId);
  const proof = r.invoiceTotalCents !== undefined ? { invoiceTotalCents: r.invoiceTotalCents } : {
    ibanLast4: r.ibanLast4,
  };
  const result = businessProofMatches({ companyTaxId: r.companyTaxId, personNif: r.personNif, ...proof }, holder);
  if (result === 'no_match' || !holder) return { kind: 'no_match' };
  if (result === 'not_representative') return { kind: 'not_representative' };
  await ctx.db.transaction(
    (trx) => registerAccount(
      trx, ctx, { loginId: r.personNif, customerId: holder.customerId, role: 'representative', person: r.person },
    ),
  );
  return { kind: 'sent' };
}

interface ProvenRegistration { loginId: string; customerId: number; role: LinkRole; person: PersonData }

/**
 * Creates a pending user linked to the proven customer and queues the activation email. An
 * existing user is never changed by someone else's form, and the page says the same thing in
 * every case: a pending registration keeps its first address (which gets a fresh link), an
 * active user is told or, when the customer is not theirs yet, the customer's own address is.
 */
async function registerAccount(trx: Knex.Transaction, ctx: AccountCtx, a: ProvenRegistration): Promise<void> {
  const { now, config, ip } = ctx;
  const existing = await findUserByLoginId(trx, a.loginId);
  if (!existing) {
    const p = a.person;
    const userId = await insertUser(trx, {
      loginId: a.loginId, firstName: p.firstName, lastName: p.lastName, email: p.email, phone: p.phone,
      passwordHash: await hashPassword(p.password, config.argon2), status: 'pending', language: p.language,
      secretQuestion: p.secretQuestion, secretAnswerHash: p.secretAnswer ? await hashPassword(
        normalizeAnswer(p.secretAnswer), config.argon2,
      ) : null,
      identityProven: true, now,
    });
    await insertLink(trx, { userId, customerId: a.customerId, role: a.role, grantedBy: null, now });
    await sendActivationLink(
      trx, { id: userId, email: p.email, firstName: p.firstName, loginId: a.loginId, language: p.language }, now,
      config, a.customerId,
    );
    await audit(
      trx,
      {
        actorType: 'anonymous', action: 'registration.created', customerId: a.customerId, targetType: 'user',
        targetId: userId, ip, at: now, details: { role: a.role },
      },
    );
    return;
  }
  if (existing.status === 'disabled') {
    // A disabled account stays as it is: no link, no reset link (it would not work anyway).
    await audit(
      trx,
      {
        actorType: 'anonymous', action: 'registration.duplicate', targetType: 'user', targetId: existing.id, ip,
        at: now, details: { disabled: true },
      },
    );
    return;
  }
  if (existing.status === 'pending') {
    // The first registration keeps its address and password; its owner gets a fresh link and
    // learns that someone registered again. Nobody else's email ever receives it.
    const url = await issueLink(trx, 'activation', existing.id, now, config);
    await queueMail(trx, {
      to: existing.email, lang: existing.language, template: 'registration_repeated', params: {
        name: existing.first_name, loginId: existing.login_id,
      },
      actionUrl: url, userId: existing.id, customerId: a.customerId,
    });
    await audit(
      trx,
      {
        actorType: 'anonymous', action: 'registration.repeated', customerId: a.customerId, targetType: 'user',
        targetId: existing.id, ip, at: now,
      },
    );
    return;
  }
  if (await liveLink(trx, existing.id, a.customerId)) {
    const link = await issueLink(trx, 'password_reset', existing.id, now, config);
    await queueMail(
      trx,
      {
        to: existing.email, lang: existing.language, template: 'already_registered',
        params: { name: existing.first_name }, actionUrl: link, userId: existing.id,
      },
    );
    await audit(
      trx,
      {
        actorType: 'anonymous', action: 'registration.duplicate', targetType: 'user', targetId: existing.id, ip,
        at: now,
      },
    );
    return;
  }
  await tellExistingUser(trx, ctx, existing, a.customerId);
}

/**
 * The proven customer is not attached: the email on file for the customer is told, and so is the
 * user if they proved their own identity once. A user created from an invitation is not told,
 * since its address was chosen by whoever invited it.
 */
async function tellExistingUser(trx: Knex, ctx: AccountCtx, existing: UserRow, customerId: number): Promise<void> {
  const [customer] = await findCustomersByIds(trx, [customerId]);
  const to = new Map<string, { lang: string; userId: number | null }>();
  if (customer?.email) to.set(customer.email.toLowerCase(), { lang: existing.language, userId: null });
  if (existing.identity_proven) to.set(existing.email.toLowerCase(), { lang: existing.language, userId: existing.id });
  for (const [address, m] of to) {
    await queueMail(trx, {
      to: address, lang: m.lang, template: 'registration_existing_user', params: {
        name: customer?.name ?? '', company: customer?.name ?? '',
      },
      actionUrl: `${ctx.config.publicUrl}/ajustes/suministros`, userId: m.userId, customerId,
    });
  }
  await audit(trx, {
    actorType: 'anonymous', action: 'registration.existing_user', customerId, targetType: 'user', targetId: existing.id,
    ip: ctx.ip, at: ctx.now,
    details: { told: to.size, identityProven: existing.identity_proven },
  });
}

/**
 * A fresh single-use activation link (older unused ones stop working) mailed to the user:
 * used by registration and by support when the first email never arrived.
 */
export async function sendActivationLink(
  trx: Knex, user: { id: number; email: string; firstName: string; loginId: string; language: string }, now: Date,
  config: Config, customerId?: number | null,
): Promise<void> {
  const url = await issueLink(trx, 'activation', user.id, now, config);
  await queueMail(
    trx,
    {
      to: user.email, lang: user.language, template: 'activation',
      params: { name: user.firstName, loginId: user.loginId }, actionUrl: url, userId: user.id,
      customerId: customerId ?? null,
    },
  );
}

export type ActivationState = TokenCheck | 'replaced';

/**
 * A used link whose user is still pending was replaced by a newer one (the person registered
 * again): saying "already used, your user is active" would send them to a login that fails.
 */
async function explain(db: Knex, check: TokenCheck, userId: number | null | undefined): Promise<ActivationState> {
  if (check !== 'used' || !userId) return check;
  const user = await findUserById(db, userId);
  return user?.status === 'pending' ? 'replaced' : check;
}

/** For the page the emailed link opens (a button, so mail scanners that prefetch change nothing). */
export async function activationState(ctx: AccountCtx, token: unknown): Promise<ActivationState> {
  const { check, row } = await peekToken(ctx.db, token, 'activation', ctx.now);
  return explain(ctx.db, check, row?.user_id);
}

export async function activate(ctx: AccountCtx, token: unknown): Promise<ActivationState | 'activated'> {
  const { now } = ctx;
  return ctx.db.transaction(async (trx) => {
    const { check, row } = await consumeToken(trx, token, 'activation', now);
    if (check !== 'valid' || !row?.user_id) return explain(trx, check, row?.user_id);
    const user = await findUserById(trx, row.user_id);
    if (!user || user.status !== 'pending') return 'used' as const;
    await updateUser(trx, user.id, { status: 'active', email_verified_at: now, failed_logins: 0 }, now);
    await audit(
      trx,
      {
        actorType: 'user', actorId: user.id, action: 'registration.activated', targetType: 'user', targetId: user.id,
        ip: ctx.ip, at: now,
      },
    );
    return 'activated' as const;
  });
}

export type SupplyClaim =
  | { kind: 'household'; contractAccount: string; ibanLast4: string }
  | { kind: 'business'; companyTaxId: string; ibanLast4?: string; invoiceTotalCents?: number };

export type SupplyProofResult =
  | { kind: 'throttled' }
  | { kind: 'no_match' }
  | { kind: 'not_representative' }
  | { kind: 'linked'; name: string }
  | { kind: 'already'; name: string };

/**
 * "Add a supply" while logged in: the user proves with contract data that a customer is theirs
 * (their login id is the holder's, or the company's representative on file). This is the only
 * way a proven customer joins an existing user, and it also proves the user's own identity.
 */
export async function proveSupply(ctx: AccountCtx, userId: number, claim: SupplyClaim): Promise<SupplyProofResult> {
  const { db, now, ip, config } = ctx;
  const user = await findUserById(db, userId);
  if (!user) throw new Error('the logged-in user vanished');
  const customerKey = claim.kind === 'household' ? user.login_id : claim.companyTaxId;
  const byUser = await overLimit(db, THROTTLES.registerCustomer, `user:${userId}`, now);
  const byCustomer = await overLimit(db, THROTTLES.registerCustomer, customerKey, now);
  if (byUser || byCustomer) return { kind: 'throttled' };

  const holder = await holderRecord(db, customerKey);
  let role: LinkRole;
  if (claim.kind === 'household') {
    const ok = householdProofMatches(
      {
        taxId: user.login_id, email: user.email, contractAccountNumber: claim.contractAccount,
        ibanLast4: claim.ibanLast4,
      },
      holder,
    );
    if (!ok || !holder) return { kind: 'no_match' };
    role = 'holder';
  } else {
    const proof = claim.invoiceTotalCents !== undefined ? { invoiceTotalCents: claim.invoiceTotalCents } : {
      ibanLast4: claim.ibanLast4,
    };
    const r = businessProofMatches({ companyTaxId: claim.companyTaxId, personNif: user.login_id, ...proof }, holder);
    if (r === 'no_match' || !holder) return { kind: 'no_match' };
    if (r === 'not_representative') return { kind: 'not_representative' };
    role = 'representative';
  }
  return db.transaction(async (trx) => {
    if (await liveLink(trx, user.id, holder.customerId)) return { kind: 'already', name: holder.name } as const;
    await insertLink(trx, { userId: user.id, customerId: holder.customerId, role, grantedBy: null, now });
    if (!user.identity_proven) await updateUser(trx, user.id, { identity_proven: true }, now);
    await audit(
      trx,
      {
        actorType: 'user', actorId: user.id, action: 'supply.proven', customerId: holder.customerId, targetType: 'user',
        targetId: user.id, ip, at: now, details: { role },
      },
    );
    await queueMail(trx, {
      to: user.email, lang: user.language, template: role === 'representative' ? 'company_linked' : 'holder_linked',
      params: { name: user.first_name, company: holder.name }, actionUrl: `${config.publicUrl}/`, userId: user.id,
      customerId: holder.customerId,
    });
    return { kind: 'linked', name: holder.name } as const;
  });
}

