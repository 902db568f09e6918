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
