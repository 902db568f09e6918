import crypto from 'node:crypto';
import argon2 from 'argon2';

export interface Argon2Cost { memoryCost: number; timeCost: number; parallelism: number }

export function hashPassword(password: string, cost: Argon2Cost): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, ...cost });
}

/** A malformed stored hash counts as a mismatch, never as an error page. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

// One hash per cost, made on first use: verified for unknown login ids so they take as long as
// known ones and timing does not tell them apart (customer and staff logins alike).
const dummies = new Map<string, Promise<string>>();

export function dummyHash(cost: Argon2Cost): Promise<string> {
  const key = `${cost.memoryCost}:${cost.timeCost}:${cost.parallelism}`;
  let hash = dummies.get(key);
  if (!hash) dummies.set(key, (hash = hashPassword(crypto.randomBytes(16).toString('hex'), cost)));
  return hash;
}

/** Verifies against the stored hash, or against the dummy when there is none (unknown login id). */
export async function verifyPasswordOrDummy(
  hash: string | undefined, password: string, cost: Argon2Cost,
): Promise<boolean> {
  if (hash === undefined) {
    await verifyPassword(await dummyHash(cost), password);
    return false;
  }
  return verifyPassword(hash, password);
}
