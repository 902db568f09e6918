/**
 * The mandatory reason of a staff action (support actions, staff management): one rule for the
 * whole admin section, long enough to say something, short enough for an audit row.
 */
export const REASON_MIN = 10;
export const REASON_MAX = 1000;

export type ReasonProblem = 'required' | 'too_short' | 'too_long';
export type ReasonCheck = { ok: true; value: string } | { ok: false; code: ReasonProblem };

/** Whitespace runs count as one space, so "..........   " is not a reason. */
export function checkReason(raw: string): ReasonCheck {
  const value = raw.replace(/\s+/g, ' ').trim();
  if (value === '') return { ok: false, code: 'required' };
  if (value.length < REASON_MIN) return { ok: false, code: 'too_short' };
  if (value.length > REASON_MAX) return { ok: false, code: 'too_long' };
  return { ok: true, value };
}
