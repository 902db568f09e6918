/** Ajustes: what a logged-in user changes about their own account. */
import type { Language } from '../i18n';
import { isSecretQuestionKey, normalizeAnswer, type SecretQuestionKey } from '../domain/secret-answer';
import { destroyUserSessions, findUserById, loginHistory, updateUser, type UserRow } from '../data/users-repo';
import { findCustomersByIds } from '../data/customers-repo';
import { audit } from '../data/audit-repo';
import { hashPassword } from '../adapters/passwords';
import { queueMail } from '../adapters/mail/outbox';
import { issueLink } from './account-links';
import { consumeToken, peekToken } from './token-use';
import type { TokenCheck } from '../domain/tokens';
import { loadUserAccess } from './access';
import { checkCurrentPassword } from './current-password';
import { passwordIssues, type FieldIssue } from './field-issues';
import type { AccountCtx } from './account-context';
import { letterInstant } from '../domain/letter-format';

export type SettingsResult = { ok: true } | { ok: false; issues: FieldIssue[] };

function words(u: UserRow): string[] {
  return [u.login_id, u.first_name, u.last_name, u.email.split('@')[0] ?? ''];
}

function localTime(now: Date, lang: string): string {
  return letterInstant(now, lang);
}

async function currentUser(ctx: AccountCtx, userId: number): Promise<UserRow> {
  const user = await findUserById(ctx.db, userId);
  if (!user) throw new Error('the logged-in user vanished');
  return user;
}

/** The current password, counted like a login attempt; the issue names the form's field. */
async function passwordIssue(ctx: AccountCtx, userId: number, field: string, password: string): Promise<FieldIssue[]> {
  const r = await checkCurrentPassword(ctx, userId, password);
  if (r === 'ok') return [];
  return [{ field, key: r === 'throttled' ? 'auth.login.throttled' : 'account.errors.currentPassword' }];
}

export interface SettingsView {
  account: UserRow;
  /** Only a question from the list counts; an older typed one must be chosen again. */
  currentQuestion: SecretQuestionKey | null;
  /** The customers whose contacts this user manages (their own as holder or representative). */
  contactCustomers: { id: number; name: string }[];
}

export async function settingsView(ctx: AccountCtx, userId: number): Promise<SettingsView> {
  const account = await currentUser(ctx, userId);
  const access = await loadUserAccess(ctx.db, userId);
  const ids = [...new Set(access.links.filter((l) => l.status === 'active').map((l) => l.customerId))].filter(
    (id) => access.to(id).manageContacts,
  );
  const contactCustomers = (await findCustomersByIds(ctx.db, ids)).map((c) => ({ id: Number(c.id), name: c.name }));
  return {
    account, contactCustomers,
    currentQuestion: isSecretQuestionKey(account.secret_question) ? account.secret_question : null,
  };
}

export interface PasswordChange {
  currentPassword: string; password: string; passwordConfirm: string; lang: Language; keepSession: string;
}

/** A new password ends every other session of the user; the owner is told by email. */
export async function changePassword(ctx: AccountCtx, userId: number, input: PasswordChange): Promise<SettingsResult> {
  const user = await currentUser(ctx, userId);
  const issues = [
    ...(await passwordIssue(ctx, userId, 'currentPassword', input.currentPassword)),
    ...passwordIssues(input.password, input.passwordConfirm, input.lang, words(user)),
  ];
  if (issues.length) return { ok: false, issues };
  const hash = await hashPassword(input.password, ctx.config.argon2);
  const { now } = ctx;
  await ctx.db.transaction(async (trx) => {
    await updateUser(trx, user.id, { password_hash: hash }, now);
    await destroyUserSessions(trx, user.id, input.keepSession);
    await audit(
      trx,
      {
        actorType: 'user', actorId: user.id, action: 'password.changed', targetType: 'user', targetId: user.id,
        ip: ctx.ip, at: now,
      },
    );
    await queueMail(
      trx,
      {
        to: user.email, lang: user.language, template: 'password_changed',
        params: { name: user.first_name, when: localTime(now, input.lang) }, userId: user.id,
      },
    );
  });
  return { ok: true };
}

/** The new address gets a confirmation link; the old one is told. Nothing changes until the link is used. */
export async function requestEmailChange(
  ctx: AccountCtx, userId: number, input: { newEmail: string; password: string },
): Promise<SettingsResult> {
  const user = await currentUser(ctx, userId);
  if (input.newEmail.toLowerCase() === user.email.toLowerCase()) {
    return { ok: false, issues: [{ field: 'newEmail', key: 'account.errors.sameEmail' }] };
  }
  const issues = await passwordIssue(ctx, userId, 'emailPassword', input.password);
  if (issues.length) return { ok: false, issues };
  const { now, config } = ctx;
  const newEmail = input.newEmail;
  await ctx.db.transaction(async (trx) => {
    const url = await issueLink(trx, 'email_change', user.id, now, config, { newEmail });
    await queueMail(
      trx,
      {
        to: newEmail, lang: user.language, template: 'email_change_confirm', params: { name: user.first_name },
        actionUrl: url, userId: user.id,
      },
    );
    await queueMail(
      trx,
      {
        to: user.email, lang: user.language, template: 'email_change_notice',
        params: { name: user.first_name, newEmail }, userId: user.id,
      },
    );
    await audit(
      trx,
      {
        actorType: 'user', actorId: user.id, action: 'email.change_requested', targetType: 'user', targetId: user.id,
        ip: ctx.ip, at: now,
      },
    );
  });
  return { ok: true };
}

export type EmailConfirmation = 'changed' | 'unknown' | 'expired' | 'used' | 'wrong_purpose';

export async function confirmEmailChange(ctx: AccountCtx, token: unknown): Promise<string> {
  const { now } = ctx;
  return ctx.db.transaction(async (trx) => {
    const { check, row } = await consumeToken(trx, token, 'email_change', now);
    const newEmail = row?.payload?.newEmail;
    if (check !== 'valid' || !row?.user_id || typeof newEmail !== 'string') {
      return check === 'valid' ? 'unknown' : check;
    }
    const user = await findUserById(trx, row.user_id);
    if (!user) return 'unknown';
    await updateUser(trx, user.id, { email: newEmail, email_verified_at: now }, now);
    await audit(
      trx,
      {
        actorType: 'user', actorId: user.id, action: 'email.changed', targetType: 'user', targetId: user.id, ip: ctx.ip,
        at: now,
      },
    );
    await queueMail(
      trx,
      {
        to: newEmail, lang: user.language, template: 'email_changed', params: { name: user.first_name },
        userId: user.id,
      },
    );
    return 'changed';
  });
}

/** The user's language, on every device and in their emails; nothing is written when it is the same. */
export async function setLanguage(ctx: AccountCtx, userId: number, language: Language): Promise<void> {
  await ctx.db.transaction(async (trx) => {
    const user = await findUserById(trx, userId);
    if (!user || user.language === language) return;
    await updateUser(trx, userId, { language }, ctx.now);
    await audit(
      trx,
      {
        actorType: 'user', actorId: userId, action: 'settings.language', targetType: 'user', targetId: userId,
        ip: ctx.ip, at: ctx.now, details: { language },
      },
    );
  });
}

export async function setSecretQuestion(
  ctx: AccountCtx, userId: number, input: { question: SecretQuestionKey; answer: string; password: string },
): Promise<SettingsResult> {
  const issues = await passwordIssue(ctx, userId, 'questionPassword', input.password);
  if (issues.length) return { ok: false, issues };
  const answerHash = await hashPassword(normalizeAnswer(input.answer), ctx.config.argon2);
  await ctx.db.transaction(async (trx) => {
    await updateUser(trx, userId, { secret_question: input.question, secret_answer_hash: answerHash }, ctx.now);
    await audit(
      trx,
      {
        actorType: 'user', actorId: userId, action: 'settings.secret_question', targetType: 'user', targetId: userId,
        ip: ctx.ip, at: ctx.now,
      },
    );
  });
  return { ok: true };
}

/** "Últimos accesos": the user's own recent login attempts. */
export function recentLogins(ctx: AccountCtx, userId: number): ReturnType<typeof loginHistory> {
  return loginHistory(ctx.db, userId, 20);
}

/** For the page the confirmation link opens. */
export async function emailChangeLinkState(ctx: AccountCtx, token: unknown): Promise<TokenCheck> {
  return (await peekToken(ctx.db, token, 'email_change', ctx.now)).check;
}
