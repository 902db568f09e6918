/**
 * A customer's second factor (TOTP with recovery codes), reusing the staff implementation's
 * adapters: enrolment from Ajustes, the code step after the password, switching it off, and
 * recovering a lost factor with contract data and the email on file.
 */
import type { Knex } from 'knex';
import { DEFAULT_LOCKOUT, evaluateLogin } from '../domain/accounts';
import { parseCode } from '../domain/staff';
import { ibanLast4 } from '../domain/ids';
import { secondFactorRequired } from '../domain/second-factor';
import {
  consumeUserRecoveryCode, findUserById, lockUserForUpdate, ownerUserByEmail, recordLogin, updateUser, type UserRow,
} from '../data/users-repo';
import { contractAccountIban, customerByContractAccount } from '../data/customers-repo';
import { audit } from '../data/audit-repo';
import { hashRecoveryCode, newRecoveryCodes, newTotpSecret, totpQrDataUrl, verifyTotp } from '../adapters/totp';
import { open, seal } from '../adapters/secret-box';
import { queueMail } from '../adapters/mail/outbox';
import { verifyPassword } from '../adapters/passwords';
import { isBlocked, overLimit, THROTTLES } from './throttle';
import { issueLink } from './account-links';
import { consumeToken, peekToken } from './token-use';
import { loadUserAccess } from './access';
import { checkCurrentPassword, lockedOut, loginChanges } from './current-password';
import type { AccountCtx } from './account-context';
import type { TokenCheck } from '../domain/tokens';

const ISSUER = 'Área Clientes';

export function enrolled(user: Pick<UserRow, 'totp_secret' | 'totp_enrolled_at'>): boolean {
  return user.totp_secret !== null && user.totp_enrolled_at !== null;
}

/** Whether the policy makes the second factor compulsory for this user. */
export async function secondFactorPolicy(ctx: AccountCtx, userId: number): Promise<boolean> {
  if (ctx.config.require2faAboveCustomers === null) return false;
  const access = await loadUserAccess(ctx.db, userId);
  return secondFactorRequired(access.customerIds().length, ctx.config.require2faAboveCustomers);
}

/** The code step after a right password: a wrong code counts like a wrong password. */
export async function customerCodeStep(
  ctx: AccountCtx, userId: number, code: string,
): Promise<
  | { ok: false; throttled?: boolean }
  | { ok: true; method: 'totp' | 'recovery'; left: number; language: 'es' | 'ca' }
> {
  const { db, now, ip, dataKey } = ctx;
  if (await isBlocked(db, THROTTLES.login, ip, now)) return { ok: false, throttled: true };
  const result = await db.transaction(async (trx) => {
    const row = await lockUserForUpdate(trx, userId);
    if (!row) return { ok: false } as const;
    const parsed = parseCode(code);
    let codeOk = false;
    let timeStep: number | null = null;
    // a locked account never consumes a recovery code or a time step
    if (row.status === 'active' && row.totp_secret && row.totp_enrolled_at) {
      if (parsed.kind === 'totp') {
        const r = await verifyTotp(
          open(row.totp_secret, dataKey), parsed.code, now,
          row.totp_last_time_step === null ? null : Number(row.totp_last_time_step),
        );
        if (r.valid) {
          codeOk = true;
          timeStep = r.timeStep;
        }
      } else if (parsed.kind === 'recovery') {
        codeOk = await consumeUserRecoveryCode(trx, row.id, hashRecoveryCode(parsed.code), now);
      }
    }
    const d = evaluateLogin({ status: row.status, failedLogins: row.failed_logins }, codeOk, now, DEFAULT_LOCKOUT);
    await updateUser(
      trx, row.id, { ...loginChanges(d.changes), ...(timeStep !== null ? { totp_last_time_step: timeStep } : {}) }, now,
    );
    if (codeOk) await recordLogin(trx, { userId: row.id, at: now, success: true, ip, userAgent: null });
    const method = parsed.kind === 'recovery' ? 'recovery' : 'totp';
    await audit(trx, {
      actorType: codeOk ? 'user' : 'anonymous', actorId: row.id, action: codeOk ? 'login.success' : 'login.failure',
      targetType: 'user', targetId: row.id, ip, at: now,
      details: { step: 'code', outcome: d.outcome, ...(codeOk ? { secondFactor: method } : {}) },
    });
    if (d.justLocked) await lockedOut(trx, row, ctx);
    if (!codeOk) return { ok: false } as const;
    const left = method === 'recovery'
      ? (await findUserById(trx, row.id))!.recovery_code_hashes.length
      : row.recovery_code_hashes.length;
    return { ok: true, method, left, language: row.language } as const;
  });
  if (!result.ok) await overLimit(db, THROTTLES.login, ip, now);
  return result;
}

export interface EnrolmentView {
  enrolled: boolean; required: boolean; recoveryCodesLeft: number; qr?: string; secret?: string;
}

/** The page in Ajustes: the status, or a new secret (kept on the row so a reload shows the same QR code). */
export async function twoFactorView(ctx: AccountCtx, userId: number): Promise<EnrolmentView> {
  const required = await secondFactorPolicy(ctx, userId);
  return ctx.db.transaction(async (trx) => {
    const row = await lockUserForUpdate(trx, userId);
    if (!row) throw new Error('user vanished');
    if (enrolled(row)) return { enrolled: true, required, recoveryCodesLeft: row.recovery_code_hashes.length };
    let secret: string;
    if (row.totp_secret) secret = open(row.totp_secret, ctx.dataKey);
    else {
      secret = newTotpSecret();
      await updateUser(
        trx, userId,
        {
          totp_secret: seal(secret, ctx.dataKey), totp_enrolled_at: null, totp_last_time_step: null,
          recovery_code_hashes: JSON.stringify([]),
        },
        ctx.now,
      );
    }
    return {
      enrolled: false, required, recoveryCodesLeft: 0, qr: await totpQrDataUrl(row.login_id, secret, ISSUER), secret,
    };
  });
}

/** Confirms the authenticator with a current code; returns the recovery codes to show once. */
export async function confirmTotp(
  ctx: AccountCtx, userId: number, code: string,
): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false }> {
  const { now, ip } = ctx;
  return ctx.db.transaction(async (trx) => {
    const row = await lockUserForUpdate(trx, userId);
    if (!row?.totp_secret || row.totp_enrolled_at || row.status !== 'active') return { ok: false };
    const parsed = parseCode(code);
    const r = parsed.kind === 'totp' ? await verifyTotp(open(row.totp_secret, ctx.dataKey), parsed.code, now, null) : {
      valid: false as const,
    };
    if (!r.valid) {
      await audit(
        trx,
        {
          actorType: 'user', actorId: row.id, action: 'totp.enrolment_failed', targetType: 'user', targetId: row.id, ip,
          at: now,
        },
      );
      return { ok: false };
    }
    const { codes, hashes } = newRecoveryCodes();
    await updateUser(
      trx, row.id,
      { totp_enrolled_at: now, totp_last_time_step: r.timeStep, recovery_code_hashes: JSON.stringify(hashes) }, now,
    );
    await audit(
      trx,
      {
        actorType: 'user', actorId: row.id, action: 'totp.enrolled', targetType: 'user', targetId: row.id, ip, at: now,
      },
    );
    await queueMail(
      trx,
      { to: row.email, lang: row.language, template: 'totp_enabled', params: { name: row.first_name }, userId: row.id },
    );
    return { ok: true, recoveryCodes: codes };
  });
}

async function clearTotp(trx: Knex, user: UserRow, ctx: AccountCtx, action: string): Promise<void> {
  await updateUser(
    trx, user.id,
    { totp_secret: null, totp_enrolled_at: null, totp_last_time_step: null, recovery_code_hashes: JSON.stringify([]) },
    ctx.now,
  );
  await audit(
    trx,
    { actorType: 'user', actorId: user.id, action, targetType: 'user', targetId: user.id, ip: ctx.ip, at: ctx.now },
  );
  await queueMail(
    trx,
    {
      to: user.email, lang: user.language, template: 'totp_disabled', params: { name: user.first_name },
      userId: user.id,
    },
  );
}

export type DisableResult = 'done' | 'required' | 'wrong_password' | 'throttled';

/** Switching it off needs the password (counted like a login); never while the policy requires it. */
export async function disableTotp(ctx: AccountCtx, userId: number, password: string): Promise<DisableResult> {
  if (await secondFactorPolicy(ctx, userId)) return 'required';
  const check = await checkCurrentPassword(ctx, userId, password);
  if (check !== 'ok') return check === 'throttled' ? 'throttled' : 'wrong_password';
  await ctx.db.transaction(async (trx) => {
    const row = await lockUserForUpdate(trx, userId);
    if (row && enrolled(row)) await clearTotp(trx, row, ctx, 'totp.disabled');
  });
  return 'done';
}

/**
 * A lost second factor: contract account + email on file + last IBAN digits, as for password
 * recovery. Only ever a link sent to the email on file; the page says the same in every case.
 */
export async function requestTotpReset(
  ctx: AccountCtx, input: { contractAccount: string; email: string; ibanLast4: string },
): Promise<void> {
  const { db, now, ip, config } = ctx;
  if (await overLimit(db, THROTTLES.recover, ip, now)) return;
  const customer = await customerByContractAccount(db, input.contractAccount);
  const iban = customer ? await contractAccountIban(db, input.contractAccount) : null;
  const ibanOk = !!iban && ibanLast4(iban) === input.ibanLast4;
  const user = customer && ibanOk ? await ownerUserByEmail(db, customer.id, input.email) : undefined;
  const withFactor = user && enrolled(user) ? user : undefined;
  await db.transaction(async (trx) => {
    await audit(
      trx,
      {
        actorType: 'anonymous', action: withFactor ? 'totp.reset_requested' : 'totp.reset_refused',
        customerId: customer?.id, targetType: withFactor ? 'user' : undefined, targetId: withFactor?.id, ip, at: now,
      },
    );
    if (!withFactor) return;
    const link = await issueLink(trx, 'totp_reset', withFactor.id, now, config);
    await queueMail(
      trx,
      {
        to: withFactor.email, lang: withFactor.language, template: 'totp_reset',
        params: { name: withFactor.first_name }, actionUrl: link, userId: withFactor.id,
      },
    );
  });
}

export async function totpResetLinkState(ctx: AccountCtx, token: unknown): Promise<TokenCheck> {
  return (await peekToken(ctx.db, token, 'totp_reset', ctx.now)).check;
}

/** The emailed link, plus the password (counted like a login), removes the second factor. */
export async function completeTotpReset(
  ctx: AccountCtx, token: string, password: string,
): Promise<TokenCheck | 'done' | 'wrong_password' | 'throttled'> {
  const { db, now, ip } = ctx;
  const { check, row } = await peekToken(db, token, 'totp_reset', now);
  if (check !== 'valid' || !row?.user_id) return check;
  if (await isBlocked(db, THROTTLES.login, ip, now)) return 'throttled';
  const user = await findUserById(db, row.user_id);
  if (!user || user.status !== 'active') return 'unknown';
  if (!(await verifyPassword(user.password_hash, password))) {
    await overLimit(db, THROTTLES.login, ip, now);
    return 'wrong_password';
  }
  return db.transaction(async (trx) => {
    const consumed = await consumeToken(trx, token, 'totp_reset', now);
    if (consumed.check !== 'valid') return consumed.check;
    const current = await lockUserForUpdate(trx, user.id);
    if (current && enrolled(current)) await clearTotp(trx, current, ctx, 'totp.reset');
    return 'done' as const;
  });
}
