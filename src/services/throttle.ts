import type { Knex } from 'knex';
import { hit, peek } from '../data/rate-limit-repo';

export interface ThrottleRule { name: string; limit: number; windowMs: number }

/**
 * Per-IP limits (and a few per customer, user or id); numbers chosen to stop scripted guessing
 * without bothering a person.
 */
export const THROTTLES = {
  login: { name: 'login', limit: 20, windowMs: 15 * 60_000 },
  register: { name: 'register', limit: 10, windowMs: 60 * 60_000 },
  /** Contract-data proofs per customer (and per logged-in user adding a supply), whatever the address. */
  registerCustomer: { name: 'register-customer', limit: 5, windowMs: 60 * 60_000 },
  /** Invitations sent by one user, and received by one NIF, whoever sends them. */
  inviteByInviter: { name: 'invite-by', limit: 20, windowMs: 24 * 60 * 60_000 },
  inviteToTarget: { name: 'invite-to', limit: 5, windowMs: 24 * 60 * 60_000 },
  recover: { name: 'recover', limit: 10, windowMs: 15 * 60_000 },
  secretAnswer: { name: 'secret-answer', limit: 5, windowMs: 15 * 60_000 },
} satisfies Record<string, ThrottleRule>;

function windowStart(now: Date, windowMs: number): Date {
  return new Date(Math.floor(now.getTime() / windowMs) * windowMs);
}

/** Counts this attempt; true when the caller is over the limit. */
export async function overLimit(db: Knex, rule: ThrottleRule, key: string, now: Date): Promise<boolean> {
  const hits = await hit(db, `${rule.name}:${key}`, windowStart(now, rule.windowMs));
  return hits > rule.limit;
}

export async function isBlocked(db: Knex, rule: ThrottleRule, key: string, now: Date): Promise<boolean> {
  return (await peek(db, `${rule.name}:${key}`, windowStart(now, rule.windowMs))) >= rule.limit;
}
