/**
 * Logging in with a certificate, after the TLS listener (or the reverse proxy) has verified
 * it: the verified identity crosses to the portal in a single-use ticket that lives one minute,
 * is signed with the session secret and stored only as a hash; redeeming it logs in the
 * account of that NIF (its lock, disabled and "certificate login off" states respected), or
 * offers a person with no account to register with the NIF already proven.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Config } from '../config';
import { namesFromIdentity, type CertificateIdentity } from '../domain/certificate-identity';
import type { CertificateSummary } from '../adapters/client-cert';
import { hashToken } from '../adapters/tokens';
import { hashPassword } from '../adapters/passwords';
import { audit } from '../data/audit-repo';
import {
  destroyUserSessions, findUserByLoginId, insertUser, lockUserForUpdate, recordLogin, updateUser, type UserRow,
} from '../data/users-repo';
import { invalidateAllTokens } from '../data/tokens-repo';
import { insertLink, liveLink } from '../data/links-repo';
import {
  certificateLoginEnabled, customersForProvenNif, findCertificateTicketForUpdate, insertCertificateTicket,
  markCertificateTicketUsed, setCertificateLogin, type ProvenCustomer,
} from '../data/certificate-login-repo';
import { sendActivationLink } from './registration';

export const TICKET_LIFETIME_MS = 60_000;
/** How long a proven NIF may take to fill in the registration form. */
export const PROOF_LIFETIME_MS = 15 * 60_000;

export interface CertLoginContext {
  db: Knex;
  now: Date;
  config: Config;
  /** Signs tickets (the session secret: every instance shares it). */
  secret: string;
  ip: string;
}

/** What the certificate proved, kept in the session between the ticket and the registration form. */
export interface CertificateProof {
  personId: string;
  entityCif: string | null;
  firstName: string | null;
  lastName: string | null;
  issuer: string;
  serial: string;
  expiresAt: number;
  /**
   * The NIF's user was created from an invitation: its email and password were chosen on the
   * inviter's side, so the certificate holder takes it over by registering their own email.
   */
  reclaimUserId?: number;
}

function signature(secret: string, random: string): string {
  return crypto.createHmac('sha256', `certificate-login:${secret}`).update(random).digest('base64url');
}

function signedTicket(secret: string): string {
  const random = crypto.randomBytes(32).toString('base64url');
  return `${random}.${signature(secret, random)}`;
}

function signatureValid(secret: string, ticket: string): boolean {
  const [random, sig, extra] = ticket.split('.');
  if (!random || !sig || extra !== undefined) return false;
  const expected = Buffer.from(signature(secret, random));
  const given = Buffer.from(sig);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

/**
 * The value the portal keeps in the browser's session when the login starts and the ticket
 * must carry back: a ticket obtained with someone else's certificate cannot log a victim's
 * browser into that account (login CSRF).
 */
export function newLoginState(): string {
  return crypto.randomBytes(24).toString('base64url');
}

export function isLoginState(v: unknown): v is string {
  return typeof v === 'string' && /^[A-Za-z0-9_-]{20,64}$/.test(v);
}

/** Called by the listener after verification: the ticket to hand to the portal. */
export async function issueCertificateTicket(
  ctx: CertLoginContext, input: { identity: CertificateIdentity; summary: CertificateSummary; state: string },
): Promise<string> {
  const ticket = signedTicket(ctx.secret);
  const names = namesFromIdentity(input.identity);
  await insertCertificateTicket(ctx.db, {
    hash: hashToken(ticket), personId: input.identity.personId, entityCif: input.identity.entityCif,
    firstName: names?.firstName ?? null, lastName: names?.lastName ?? null,
    issuer: input.summary.issuerName, serial: input.summary.serial, stateHash: hashToken(input.state),
    expiresAt: new Date(ctx.now.getTime() + TICKET_LIFETIME_MS), now: ctx.now,
  });
  return ticket;
}

/** A certificate refused by the listener leaves a trace (which one, why), never a session. */
export async function recordRefusedCertificate(
  ctx: CertLoginContext, input: { verdict: string; summary: CertificateSummary | null },
): Promise<void> {
  await audit(ctx.db, {
    actorType: 'anonymous', action: 'login.certificate_refused', ip: ctx.ip, at: ctx.now,
    details: {
      reason: input.verdict, issuer: input.summary?.issuerName ?? null, serial: input.summary?.serial ?? null,
    },
  });
}

export type RedeemResult =
  | { kind: 'invalid' }
  | { kind: 'logged_in'; user: UserRow }
  | { kind: 'refused'; reason: 'locked' | 'disabled' | 'pending' | 'turned_off' }
  | { kind: 'register'; proof: CertificateProof }
  | { kind: 'no_customer' };

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export async function redeemCertificateTicket(
  ctx: CertLoginContext, input: { ticket: unknown; state: string | undefined; userAgent: string | null },
): Promise<RedeemResult> {
  const ticket = input.ticket;
  if (typeof ticket !== 'string' || ticket.length > 200 || !signatureValid(ctx.secret, ticket)) {
    return { kind: 'invalid' };
  }
  if (!isLoginState(input.state)) return { kind: 'invalid' };
  const stateHash = hashToken(input.state);
  return ctx.db.transaction(async (trx): Promise<RedeemResult> => {
    const row = await findCertificateTicketForUpdate(trx, hashToken(ticket));
    if (!row || row.used_at || new Date(row.expires_at).getTime() < ctx.now.getTime()) return { kind: 'invalid' };
    if (!sameHash(row.state_hash, stateHash)) return { kind: 'invalid' };
    await markCertificateTicketUsed(trx, row.id, ctx.now);
    const details = { issuer: row.issuer, serial: row.serial, entityCif: row.entity_cif };
    const found = await findUserByLoginId(trx, row.person_id);
    if (!found) {
      const customers = await customersForProvenNif(trx, row.person_id);
      if (!customers.length) {
        await audit(
          trx,
          {
            actorType: 'anonymous', action: 'login.certificate_refused', ip: ctx.ip, at: ctx.now,
            details: { ...details, reason: 'no_customer' },
          },
        );
        return { kind: 'no_customer' };
      }
      return {
        kind: 'register',
        proof: {
          personId: row.person_id, entityCif: row.entity_cif, firstName: row.first_name, lastName: row.last_name,
          issuer: row.issuer, serial: row.serial, expiresAt: ctx.now.getTime() + PROOF_LIFETIME_MS,
        },
      };
    }
    const user = (await lockUserForUpdate(trx, found.id))!;
    if (!user.identity_proven && user.status !== 'disabled') {
      // Logging in would hand the holder of the NIF an account whose password someone else may
      // know; whatever that account did to itself (locked, certificate login off) must not stop it.
      await audit(trx, {
        actorType: 'anonymous', action: 'login.certificate_unproven_account', targetType: 'user', targetId: user.id,
        ip: ctx.ip, at: ctx.now, details,
      });
      return {
        kind: 'register',
        proof: {
          personId: row.person_id, entityCif: row.entity_cif, firstName: row.first_name, lastName: row.last_name,
          issuer: row.issuer, serial: row.serial, expiresAt: ctx.now.getTime() + PROOF_LIFETIME_MS,
          reclaimUserId: user.id,
        },
      };
    }
    const reason = user.status === 'locked' ? 'locked'
      : user.status === 'disabled' ? 'disabled'
        : user.status === 'pending' ? 'pending'
          : !(await certificateLoginEnabled(trx, user.id)) ? 'turned_off' : null;
    if (reason) {
      await audit(trx, {
        actorType: 'anonymous', action: 'login.certificate_refused', targetType: 'user', targetId: user.id, ip: ctx.ip,
        at: ctx.now,
        details: { ...details, reason },
      });
      return { kind: 'refused', reason };
    }
    // The certificate proved who this is, as a correct password would: the failure count restarts.
    await updateUser(trx, user.id, { failed_logins: 0, last_login_at: ctx.now }, ctx.now);
    await recordLogin(trx, { userId: user.id, at: ctx.now, success: true, ip: ctx.ip, userAgent: input.userAgent });
    await audit(
      trx,
      {
        actorType: 'user', actorId: user.id, action: 'login.certificate', targetType: 'user', targetId: user.id,
        ip: ctx.ip, at: ctx.now, details,
      },
    );
    return { kind: 'logged_in', user };
  });
}

export type CertificateRegistrationResult =
  | { kind: 'activation_sent'; customers: ProvenCustomer[] }
  | { kind: 'already_registered' }
  | { kind: 'expired' }
  | { kind: 'no_customer' };

/**
 * A proven NIF with no account: only the email is asked (and confirmed by the activation
 * link). The account has no usable password until the person sets one through recovery; the
 * customers linked are those the NIF holds or represents on file.
 */
export async function registerWithCertificate(
  ctx: CertLoginContext, input: { proof: CertificateProof; email: string; language: 'es' | 'ca' },
): Promise<CertificateRegistrationResult> {
  const { proof } = input;
  if (proof.expiresAt < ctx.now.getTime()) return { kind: 'expired' };
  const unusable = await hashPassword(crypto.randomBytes(32).toString('base64url'), ctx.config.argon2);
  return ctx.db.transaction(async (trx): Promise<CertificateRegistrationResult> => {
    const existing = await findUserByLoginId(trx, proof.personId);
    if (existing && existing.id === proof.reclaimUserId) return reclaimInvitedUser(ctx, trx, { ...input, unusable });
    if (existing) return { kind: 'already_registered' };
    const customers = await customersForProvenNif(trx, proof.personId);
    if (!customers.length) return { kind: 'no_customer' };
    const firstName = proof.firstName ?? customers.find((c) => c.role === 'holder')?.name ?? proof.personId;
    const lastName = proof.lastName ?? '';
    const userId = await insertUser(trx, {
      loginId: proof.personId, firstName, lastName, email: input.email, passwordHash: unusable, status: 'pending',
      // the certificate proved the NIF itself, as contract data would
      language: input.language, identityProven: true, now: ctx.now,
    });
    for (const c of customers) await insertLink(
      trx, { userId, customerId: c.id, role: c.role, grantedBy: null, now: ctx.now },
    );
    await sendActivationLink(
      trx, { id: userId, email: input.email, firstName, loginId: proof.personId, language: input.language }, ctx.now,
      ctx.config, customers[0]!.id,
    );
    await audit(trx, {
      actorType: 'anonymous', action: 'registration.certificate', targetType: 'user', targetId: userId, ip: ctx.ip,
      at: ctx.now,
      customerId: customers[0]!.id, details: {
        issuer: proof.issuer, serial: proof.serial, customers: customers.map((c) => c.id),
      },
    });
    return { kind: 'activation_sent', customers };
  });
}

/**
 * The certificate holder takes over the user an invitation created for their NIF: their own
 * email (confirmed by the activation link) replaces the one given on the inviter's side, and
 * everything set up without them stops working (password, second factor, sessions, links).
 * What the invitation gave stays; the customers the NIF holds or represents are added.
 */
async function reclaimInvitedUser(
  ctx: CertLoginContext,
  trx: Knex.Transaction,
  input: { proof: CertificateProof; email: string; language: 'es' | 'ca'; unusable: string },
): Promise<CertificateRegistrationResult> {
  const { proof } = input;
  const user = (await lockUserForUpdate(trx, proof.reclaimUserId!))!;
  if (user.identity_proven || user.status === 'disabled') return { kind: 'already_registered' };
  await updateUser(trx, user.id, {
    email: input.email, password_hash: input.unusable, status: 'pending', identity_proven: true,
    language: input.language, failed_logins: 0,
    totp_secret: null, totp_enrolled_at: null, totp_last_time_step: null, certificate_login: true,
    recovery_code_hashes: JSON.stringify([]),
  }, ctx.now);
  await destroyUserSessions(trx, user.id);
  await invalidateAllTokens(trx, user.id, ctx.now);
  const customers = await customersForProvenNif(trx, proof.personId);
  for (const c of customers) {
    if (!(await liveLink(trx, user.id, c.id))) {
      await insertLink(trx, { userId: user.id, customerId: c.id, role: c.role, grantedBy: null, now: ctx.now });
    }
  }
  await sendActivationLink(
    trx,
    { id: user.id, email: input.email, firstName: user.first_name, loginId: proof.personId, language: input.language },
    ctx.now, ctx.config, customers[0]?.id ?? null,
  );
  await audit(trx, {
    actorType: 'anonymous', action: 'registration.certificate_reclaimed', targetType: 'user', targetId: user.id,
    ip: ctx.ip, at: ctx.now, customerId: customers[0]?.id ?? null,
    details: { issuer: proof.issuer, serial: proof.serial, customers: customers.map((c) => c.id) },
  });
  return { kind: 'activation_sent', customers };
}

export async function changeCertificateLogin(
  ctx: CertLoginContext, input: { userId: number; enabled: boolean },
): Promise<void> {
  await ctx.db.transaction(async (trx) => {
    await setCertificateLogin(trx, input.userId, input.enabled, ctx.now);
    await audit(trx, {
      actorType: 'user', actorId: input.userId,
      action: input.enabled ? 'certificate_login.enabled' : 'certificate_login.disabled',
      targetType: 'user', targetId: input.userId, ip: ctx.ip, at: ctx.now,
    });
  });
}

export function isCertificateLoginEnabled(db: Knex, userId: number): Promise<boolean> {
  return certificateLoginEnabled(db, userId);
}
