/** Session expiry (DESIGN.md §4 rule 5): the page that follows tells the user which limit hit. */

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 15 * MINUTE_MS, absoluteMs: 8 * HOUR_MS };

/** Config speaks minutes and hours; a zero, negative or non-numeric limit is a configuration error. */
export function sessionPolicyFrom(idleMinutes: number, absoluteHours: number): SessionPolicy {
  if (!(Number.isFinite(idleMinutes) && idleMinutes > 0)) {
    throw new RangeError(`session idle minutes must be a positive number, got ${idleMinutes}`);
  }
  if (!(Number.isFinite(absoluteHours) && absoluteHours > 0)) {
    throw new RangeError(`session absolute hours must be a positive number, got ${absoluteHours}`);
  }
  return { idleMs: idleMinutes * MINUTE_MS, absoluteMs: absoluteHours * HOUR_MS };
}

export type SessionState = 'valid' | 'idle_expired' | 'absolute_expired';

/**
 * Timestamps are ms since the epoch. Exactly at a limit the session is still valid. The
 * absolute limit wins when both are exceeded, because staying active cannot extend it and
 * the user should be told the real reason.
 */
export function evaluateSession(
  s: { createdAt: number; lastSeenAt: number },
  now: Date,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
): SessionState {
  const t = now.getTime();
  if (t - s.createdAt > policy.absoluteMs) return 'absolute_expired';
  if (t - s.lastSeenAt > policy.idleMs) return 'idle_expired';
  return 'valid';
}
