/**
 * Support actions on a customer's user, done by staff (issue 7 item 3). Each one runs in one
 * transaction with its audit row (actor 'staff', the reason in the details) and its emails.
 */
import type { Knex } from 'knex';
import type { Config } from '../config';
import { unlockChanges } from '../domain/accounts';
import { supportActionApplies, type SupportAction } from '../domain/admin-support';
import { destroyUserSessions, lockUserForUpdate, updateUser, type UserRow } from '../data/users-repo';
import { invalidateTokens } from '../data/tokens-repo';
import { audit } from '../data/audit-repo';
import { queueMail } from '../adapters/mail/outbox';
import { resendActivationEmail } from './activation-resend';

export interface SupportContext {
  staff: { id: number; ip: string | null };
  /** The customer page the agent acted from, recorded with the audit row. */
  customerId: number | null;
  reason: string;
  now: Date;
  config: Config;
}

export type SupportResult =
  | { ok: true; details?: Record<string, unknown> }
  | { ok: false; why: 'not_found' | 'not_applicable' };

const ACTIONS: Record<SupportAction, string> = {
  desbloquear: 'user.unlocked',
  'reenviar-activacion': 'user.activation_resent',
  'cerrar-sesiones': 'user.sessions_ended',
  'corregir-email': 'user.email_corrected',
};

async function run(
  db: Knex, action: SupportAction, userId: number, ctx: SupportContext,
  apply: (trx: Knex.Transaction, user: UserRow) => Promise<Record<string, unknown> | void>,
): Promise<SupportResult> {
  return db.transaction(async (trx) => {
    // the row lock keeps a concurrent login or a second agent from acting on a stale state
    const user = await lockUserForUpdate(trx, userId);
    if (!user) return { ok: false, why: 'not_found' } as const;
    if (!supportActionApplies(action, user.status)) return { ok: false, why: 'not_applicable' } as const;
    const details = (await apply(trx, user)) ?? {};
    await audit(trx, {
      actorType: 'staff', actorId: ctx.staff.id, ip: ctx.staff.ip, customerId: ctx.customerId, action: ACTIONS[action],
      targetType: 'user', targetId: user.id, at: ctx.now, details: {
        reason: ctx.reason, loginId: user.login_id, ...details,
      },
    });
    return { ok: true, details } as const;
  });
}

export function unlockUser(db: Knex, userId: number, ctx: SupportContext): Promise<SupportResult> {
  return run(db, 'desbloquear', userId, ctx, async (trx, user) => {
    const c = unlockChanges();
    await updateUser(trx, user.id, { status: c.status, failed_logins: c.failedLogins, locked_at: c.lockedAt }, ctx.now);
    await queueMail(trx, {
      to: user.email, lang: user.language, template: 'admin_unlocked', params: { name: user.first_name },
      actionUrl: `${ctx.config.publicUrl}/acceso`, userId: user.id, customerId: ctx.customerId,
    });
    return { failedLogins: user.failed_logins };
  });
}

export function resendActivation(db: Knex, userId: number, ctx: SupportContext): Promise<SupportResult> {
  return run(db, 'reenviar-activacion', userId, ctx, async (trx, user) => {
    // the same use case as the customer's own "resend the activation email"
    await resendActivationEmail(trx, user, ctx.now, ctx.config, ctx.customerId);
  });
}

export function endUserSessions(db: Knex, userId: number, ctx: SupportContext): Promise<SupportResult> {
  return run(
    db, 'cerrar-sesiones', userId, ctx, async (trx, user) => ({ sessions: await destroyUserSessions(trx, user.id) }),
  );
}

/**
 * After the agent checked the person's identity: the address is taken as verified. Links
 * already mailed to the old address (reset, activation, a pending email change) stop working,
 * because that mailbox may be the very reason for the correction.
 */
export function correctEmail(db: Knex, userId: number, newEmail: string, ctx: SupportContext): Promise<SupportResult> {
  return run(db, 'corregir-email', userId, ctx, async (trx, user) => {
    const oldEmail = user.email;
    await updateUser(trx, user.id, { email: newEmail, email_verified_at: ctx.now }, ctx.now);
    for (const purpose of ['password_reset', 'activation', 'email_change'] as const) await invalidateTokens(
      trx, user.id, purpose, ctx.now,
    );
    const base = { lang: user.language, userId: user.id, customerId: ctx.customerId };
    await queueMail(
      trx,
      { ...base, to: oldEmail, template: 'admin_email_corrected_old', params: { name: user.first_name, newEmail } },
    );
    await queueMail(
      trx,
      {
        ...base, to: newEmail, template: 'admin_email_corrected_new', params: { name: user.first_name },
        actionUrl: `${ctx.config.publicUrl}/acceso`,
      },
    );
    return { oldEmail, newEmail };
  });
}
