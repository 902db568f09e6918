/**
 * Password recovery (seed 000, DESIGN.md §4 rule 4): by secret question or by contract data.
 * Both only ever end in a single-use reset link sent to the email on file, and no answer says
 * whether an account exists.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Language } from '../i18n';
import { ibanLast4 } from '../domain/ids';
import { unlockChanges } from '../domain/accounts';
import {
  decoyQuestionKey, isSecretQuestionKey, normalizeAnswer, type SecretQuestionKey,
} from '../domain/secret-answer';
import type { TokenCheck } from '../domain/tokens';
import {
  destroyUserSessions, findUserById, findUserByLoginId, lockUserForUpdate, ownerUserByEmail, updateUser, type UserRow,
} from '../data/users-repo';
import { contractAccountIban, customerByContractAccount } from '../data/customers-repo';
import { audit } from '../data/audit-repo';
import { hashPassword, verifyPasswordOrDummy } from '../adapters/passwords';
import { queueMail } from '../adapters/mail/outbox';
import { isBlocked, overLimit, THROTTLES } from './throttle';
import { issueResetLink } from './account-links';
import { consumeToken, peekToken } from './token-use';
import { passwordIssues, type FieldIssue } from './field-issues';
import type { AccountCtx } from './account-context';
import { letterInstant } from '../domain/letter-format';

/** The user's own question if it is usable; a question from the same list otherwise. */
function usableQuestion(user: UserRow | undefined): SecretQuestionKey | null {
  if (!user || user.status === 'disabled' || !user.secret_answer_hash) return null;
  return isSecretQuestionKey(user.secret_question) ? user.secret_question : null;
}

/**
 * The question to show for an id, by key (the page translates it). Ids without one get a stable
 * decoy picked by a keyed digest, so the same id always shows the same question and nothing on
 * the page, in any language, tells a real question from a decoy.
 */
export async function questionFor(ctx: AccountCtx, loginId: string): Promise<SecretQuestionKey> {
  const user = await findUserByLoginId(ctx.db, loginId);
  const own = usableQuestion(user);
  return own ?? decoyQuestionKey(
    crypto.createHmac('sha256', ctx.dataKey).update(`secret-question:${loginId}`).digest(),
  );
}

async function sendReset(ctx: AccountCtx, trx: Knex, user: UserRow): Promise<void> {
  const link = await issueResetLink(trx, user.id, ctx.now, ctx.config);
  await queueMail(
    trx,
    {
      to: user.email, lang: user.language, template: 'password_reset', params: { name: user.first_name },
      actionUrl: link, userId: user.id,
    },
  );
}

/**
 * A right answer sends the reset link to the email on file; a wrong one, for a real question or
 * a decoy alike, counts against the login throttle of the address and the id's own budget.
 */
export async function answerSecretQuestion(ctx: AccountCtx, input: { loginId: string; answer: string }): Promise<void> {
  const { db, now, ip, config } = ctx;
  const throttled = (await isBlocked(db, THROTTLES.login, ip, now)) || (
    await isBlocked(db, THROTTLES.secretAnswer, input.loginId, now)
  );
  const user = await findUserByLoginId(db, input.loginId);
  const real = usableQuestion(user) !== null ? user : undefined;
  // no real question: the same argon2 verify against a dummy, so timing does not tell them apart
  const matches = await verifyPasswordOrDummy(
    real?.secret_answer_hash ?? undefined, normalizeAnswer(input.answer), config.argon2,
  );
  const ok = !throttled && real !== undefined && matches;
  await db.transaction(async (trx) => {
    await audit(trx, {
      actorType: 'anonymous', action: ok ? 'recovery.question.ok' : 'recovery.question.failed',
      targetType: real ? 'user' : undefined, targetId: real?.id,
      ip, at: now, details: throttled ? { throttled: true } : undefined,
    });
    if (ok && real) await sendReset(ctx, trx, real);
  });
  if (!ok && !throttled) {
    await overLimit(db, THROTTLES.login, ip, now);
    await overLimit(db, THROTTLES.secretAnswer, input.loginId, now);
  }
}

export interface ContractProof { contractAccount: string; email: string; ibanLast4: string }

export async function recoverByContract(ctx: AccountCtx, input: ContractProof): Promise<void> {
  const { db, now, ip } = ctx;
  if (await overLimit(db, THROTTLES.recover, ip, now)) return;
  const customer = await customerByContractAccount(db, input.contractAccount);
  const iban = customer ? await contractAccountIban(db, input.contractAccount) : null;
  const ibanOk = !!iban && ibanLast4(iban) === input.ibanLast4;
  const user = customer && ibanOk ? await ownerUserByEmail(db, customer.id, input.email) : undefined;
  await db.transaction(async (trx) => {
    await audit(
      trx,
      {
        actorType: 'anonymous', action: user ? 'recovery.contract.ok' : 'recovery.contract.failed',
        customerId: customer?.id, targetType: user ? 'user' : undefined, targetId: user?.id, ip, at: now,
      },
    );
    if (user) await sendReset(ctx, trx, user);
  });
}

/** For the page the emailed link opens: a link of a disabled account counts as unknown. */
export async function resetLinkState(ctx: AccountCtx, token: unknown): Promise<TokenCheck> {
  const { check, row } = await peekToken(ctx.db, token, 'password_reset', ctx.now);
  if (check !== 'valid' || !row?.user_id) return check;
  const user = await findUserById(ctx.db, row.user_id);
  return !user || user.status === 'disabled' ? 'unknown' : 'valid';
}

export type ResetResult = { kind: 'invalid'; check: TokenCheck } | { kind: 'issues'; issues: FieldIssue[] } | {
  kind: 'done',
};

/** A completed reset also unlocks, confirms a pending account's email, and ends every session. */
export async function resetPassword(
  ctx: AccountCtx, input: { token: string; password: string; passwordConfirm: string; lang: Language },
): Promise<ResetResult> {
  const { db, now, config, ip } = ctx;
  const { check, row } = await peekToken(db, input.token, 'password_reset', now);
  if (check !== 'valid' || !row?.user_id) return { kind: 'invalid', check };
  const user = await findUserById(db, row.user_id);
  // A disabled account stays disabled: an older link (lockout, "already registered") must not revive it.
  if (!user || user.status === 'disabled') return { kind: 'invalid', check: 'unknown' };
  const issues = input.password
    ? passwordIssues(
      input.password, input.passwordConfirm, input.lang,
      [user.login_id, user.first_name, user.last_name, user.email.split('@')[0] ?? ''],
    )
    : [{ field: 'password', key: 'errors.required' }];
  if (issues.length) return { kind: 'issues', issues };

  const hash = await hashPassword(input.password, config.argon2);
  const done = await db.transaction(async (trx) => {
    const consumed = await consumeToken(trx, input.token, 'password_reset', now);
    if (consumed.check !== 'valid') return false;
    const current = await lockUserForUpdate(trx, user.id);
    if (!current || current.status === 'disabled') return false;
    const unlock = unlockChanges();
    await updateUser(trx, user.id, {
      password_hash: hash, status: unlock.status, failed_logins: unlock.failedLogins, locked_at: unlock.lockedAt,
      ...(current.status === 'pending' ? { email_verified_at: now } : {}),
    }, now);
    await destroyUserSessions(trx, user.id);
    await audit(
      trx,
      {
        actorType: 'user', actorId: user.id, action: 'password.reset', targetType: 'user', targetId: user.id, ip,
        at: now, details: { unlocked: current.status === 'locked' },
      },
    );
    const when = letterInstant(now, user.language);
    await queueMail(
      trx,
      {
        to: user.email, lang: user.language, template: 'password_changed', params: { name: user.first_name, when },
        userId: user.id,
      },
    );
    return true;
  });
  return done ? { kind: 'done' } : { kind: 'invalid', check: 'used' };
}
