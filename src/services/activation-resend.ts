/**
 * "Resend the activation email" (issue 15 item 5): the one use case behind the customer's
 * self-service form and the support agent's button. A fresh link replaces every earlier one
 * (issueLink invalidates unused activation tokens), so only the latest email works.
 */
import type { Knex } from 'knex';
import type { Config } from '../config';
import { findUserByLoginId, type UserRow } from '../data/users-repo';
import { audit } from '../data/audit-repo';
import { sendActivationLink } from './registration';
import { overLimit, type ThrottleRule } from './throttle';
import type { AccountCtx } from './account-context';

/** Mails a pending user a fresh activation link; the caller's transaction records who asked. */
export async function resendActivationEmail(
  trx: Knex, user: Pick<UserRow, 'id' | 'email' | 'first_name' | 'login_id' | 'language'>, now: Date, config: Config,
  customerId: number | null = null,
): Promise<void> {
  await sendActivationLink(trx, {
    id: user.id, email: user.email, firstName: user.first_name, loginId: user.login_id, language: user.language,
  }, now, config, customerId);
}

/**
 * Per address and per NIF: a person who lost the email asks once or twice; more is someone
 * using the form to flood a mailbox, or to probe which NIFs are pending.
 */
export const RESEND_THROTTLES = {
  byIp: { name: 'activation-resend', limit: 10, windowMs: 60 * 60_000 },
  byLoginId: { name: 'activation-resend-id', limit: 3, windowMs: 60 * 60_000 },
} satisfies Record<string, ThrottleRule>;

export type SelfResendResult = 'answered' | 'throttled';

/**
 * The self-service form: NIF and the email given at registration. The answer is the same
 * whether or not such a pending registration exists ("if the data match, we have sent it"), so
 * the form reveals nothing; only a NIF whose registration is pending with that very address
 * gets an email, so it can never send a link to anyone else's mailbox.
 */
export async function resendActivationSelfService(
  ctx: AccountCtx, input: { loginId: string; email: string },
): Promise<SelfResendResult> {
  const byIp = await overLimit(ctx.db, RESEND_THROTTLES.byIp, ctx.ip, ctx.now);
  const byId = await overLimit(ctx.db, RESEND_THROTTLES.byLoginId, input.loginId, ctx.now);
  if (byIp || byId) return 'throttled';
  await ctx.db.transaction(async (trx) => {
    const user = await findUserByLoginId(trx, input.loginId);
    const matches = user?.status === 'pending' && user.email.trim().toLowerCase() === input.email.trim().toLowerCase();
    if (!user || !matches) return;
    await resendActivationEmail(trx, user, ctx.now, ctx.config);
    await audit(trx, {
      actorType: 'anonymous', action: 'user.activation_resent', targetType: 'user', targetId: user.id,
      ip: ctx.ip, at: ctx.now,
      details: { selfService: true, loginId: user.login_id },
    });
  });
  return 'answered';
}
