import type { Knex } from 'knex';
import type { Config } from '../config';
import type { LinkRole } from '../domain/access';
import { findUserByLoginId, insertUser, updateUser } from '../data/users-repo';
import { insertLink } from '../data/links-repo';
import { audit } from '../data/audit-repo';
import { hashPassword } from '../adapters/passwords';
import { issueLink } from './account-links';
import { queueMail } from '../adapters/mail/outbox';
import { normalizeAnswer } from '../domain/secret-answer';

export interface NewAccount {
  loginId: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  password: string;
  secretQuestion: string | null;
  secretAnswer: string | null;
  language: 'es' | 'ca';
  customerId: number;
  role: LinkRole;
  ip: string;
}

export type RegistrationResult = 'activation_sent' | 'already_registered' | 'linked_existing';

/**
 * Creates (or refreshes) a pending user linked to the proven customer and queues the
 * activation email. An existing active user is never changed by someone else's form: the
 * owner gets an email instead, and the page says the same thing in every case.
 */
export async function registerAccount(trx: Knex.Transaction, a: NewAccount, now: Date, config: Config): Promise<RegistrationResult> {
  const existing = await findUserByLoginId(trx, a.loginId);
  if (existing && existing.status !== 'pending') {
    if (existing.status === 'disabled') {
      // A disabled account stays as it is: no link, no reset link (it would not work anyway).
      await audit(trx, { actorType: 'anonymous', action: 'registration.duplicate', targetType: 'user', targetId: existing.id, ip: a.ip, at: now, details: { disabled: true } });
      return 'already_registered';
    }
    const linked = await trx('customer_links').where({ user_id: existing.id, customer_id: a.customerId }).whereNot('status', 'revoked').first();
    if (!linked) {
      // The person proved this customer's data and the login id is the holder's (household) or
      // the representative's on file (business): the proven customer joins their account.
      await insertLink(trx, { userId: existing.id, customerId: a.customerId, role: a.role, grantedBy: null, now });
      await audit(trx, { actorType: 'anonymous', action: 'registration.linked_existing', customerId: a.customerId, targetType: 'user', targetId: existing.id, ip: a.ip, at: now, details: { role: a.role } });
      const customer = await trx('customers').where({ id: a.customerId }).first('name');
      await queueMail(trx, {
        to: existing.email, lang: existing.language, template: a.role === 'representative' ? 'company_linked' : 'holder_linked',
        params: { name: existing.first_name, company: customer?.name ?? '' }, actionUrl: `${config.publicUrl}/`, userId: existing.id, customerId: a.customerId,
      });
      return 'linked_existing';
    }
    const link = await issueLink(trx, 'password_reset', existing.id, now, config);
    await queueMail(trx, { to: existing.email, lang: existing.language, template: 'already_registered', params: { name: existing.first_name }, actionUrl: link, userId: existing.id });
    await audit(trx, { actorType: 'anonymous', action: 'registration.duplicate', targetType: 'user', targetId: existing.id, ip: a.ip, at: now });
    return 'already_registered';
  }
  const fields = {
    first_name: a.firstName, last_name: a.lastName, email: a.email, phone: a.phone,
    password_hash: await hashPassword(a.password, config.argon2), language: a.language,
    secret_question: a.secretQuestion, secret_answer_hash: a.secretAnswer ? await hashPassword(normalizeAnswer(a.secretAnswer), config.argon2) : null,
  };
  let userId: number;
  if (existing) {
    userId = existing.id;
    await updateUser(trx, userId, fields, now);
  } else {
    userId = await insertUser(trx, {
      loginId: a.loginId, firstName: a.firstName, lastName: a.lastName, email: a.email, phone: a.phone,
      passwordHash: fields.password_hash, status: 'pending', language: a.language,
      secretQuestion: a.secretQuestion, secretAnswerHash: fields.secret_answer_hash, now,
    });
  }
  const linked = await trx('customer_links').where({ user_id: userId, customer_id: a.customerId }).whereNot('status', 'revoked').first();
  if (!linked) await insertLink(trx, { userId, customerId: a.customerId, role: a.role, grantedBy: null, now });
  await sendActivationLink(trx, { id: userId, email: a.email, firstName: a.firstName, loginId: a.loginId, language: a.language }, now, config, a.customerId);
  await audit(trx, { actorType: 'anonymous', action: 'registration.created', customerId: a.customerId, targetType: 'user', targetId: userId, ip: a.ip, at: now, details: { role: a.role } });
  return 'activation_sent';
}

/**
 * A fresh single-use activation link (older unused ones stop working) mailed to the user:
 * used by registration and by support when the first email never arrived.
 */
export async function sendActivationLink(
  trx: Knex, user: { id: number; email: string; firstName: string; loginId: string; language: string }, now: Date, config: Config, customerId?: number | null,
): Promise<void> {
  const url = await issueLink(trx, 'activation', user.id, now, config);
  await queueMail(trx, { to: user.email, lang: user.language, template: 'activation', params: { name: user.firstName, loginId: user.loginId }, actionUrl: url, userId: user.id, customerId: customerId ?? null });
}
