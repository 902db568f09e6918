/**
 * Support actions an agent may take on a customer's user (issue 7 item 3): which ones apply to
 * an account in a given state, and the mandatory reason written to the audit log.
 */
import { canUnlock, type AccountStatus } from './accounts';

export const SUPPORT_ACTIONS = ['desbloquear', 'reenviar-activacion', 'cerrar-sesiones', 'corregir-email'] as const;
export type SupportAction = typeof SUPPORT_ACTIONS[number];

export const REASON_MIN = 10;
export const REASON_MAX = 1000;

export function isSupportAction(v: string): v is SupportAction {
  return (SUPPORT_ACTIONS as readonly string[]).includes(v);
}

/**
 * Unlock only a locked account (see canUnlock); a new activation link only while pending
 * (an active user who lost access resets the password instead); sessions and the email can
 * be dealt with in any state, a disabled account included, so support can clean up after it.
 */
export function supportActionApplies(action: SupportAction, status: AccountStatus): boolean {
  switch (action) {
    case 'desbloquear': return canUnlock({ status, failedLogins: 0 });
    case 'reenviar-activacion': return status === 'pending';
    case 'cerrar-sesiones': return true;
    case 'corregir-email': return true;
  }
}

export type ReasonCheck = { ok: true; value: string } | { ok: false; code: 'required' | 'too_short' | 'too_long' };

/** Whitespace runs count as one space, so "..........   " is not a reason. */
export function checkReason(raw: string): ReasonCheck {
  const value = raw.replace(/\s+/g, ' ').trim();
  if (value === '') return { ok: false, code: 'required' };
  if (value.length < REASON_MIN) return { ok: false, code: 'too_short' };
  if (value.length > REASON_MAX) return { ok: false, code: 'too_long' };
  return { ok: true, value };
}
