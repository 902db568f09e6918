/** The admin outbox list's filters, and what staff may read of a message. Pure. */
import { queryText } from './audit-filter';

/** The worker's statuses: a message is 'failed' once its attempts are exhausted (dead). */
export const OUTBOX_STATUSES = ['pending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export const OUTBOX_PAGE_SIZE = 50;

export interface OutboxFilter { status?: OutboxStatus; to?: string; page: number }

export function parseOutboxFilter(
  q: Record<string, unknown>,
): { filter: OutboxFilter; form: { estado: string; para: string } } {
  const s = queryText(q, 'estado');
  const to = queryText(q, 'para');
  const p = queryText(q, 'pagina');
  const page = /^\d{1,6}$/.test(p) ? Math.max(1, Number(p)) : 1;
  const status = (OUTBOX_STATUSES as readonly string[]).includes(s) ? (s as OutboxStatus) : undefined;
  return {
    filter: { ...(status ? { status } : {}), ...(to ? { to } : {}), page }, form: { estado: status ?? '', para: to },
  };
}

/**
 * Mail bodies hold one-time links (activation, recovery, invitations, all `?token=`): staff
 * read the message, not the token, so a support agent cannot use a customer's link.
 */
export function redactTokens(text: string): string {
  return text.replace(/([?&]token=)[A-Za-z0-9_-]+/g, '$1[…]');
}
