/**
 * Support actions an agent may take on a customer's user (issue 7 item 3): which ones apply to
 * an account in a given state, and the mandatory reason written to the audit log.
 */
import { canUnlock, type AccountStatus } from './accounts';

export const SUPPORT_ACTIONS = ['desbloquear', 'reenviar-activacion', 'cerrar-sesiones', 'corregir-email'] as const;
export type SupportAction = typeof SUPPORT_ACTIONS[number];

export { REASON_MAX, REASON_MIN, checkReason, type ReasonCheck } from './reason';

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

