import crypto from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock';
import { claimNext, markFailedAttempt, markSent } from '../../data/outbox-repo';

export interface MailTransport {
  kind: 'smtp' | 'mailbox';
  send(m: { from: string; to: string; subject: string; text: string; html: string }): Promise<void>;
  close(): void;
}

/** Longest time one SMTP conversation may take; the claim of a message outlasts it. */
const SMTP_TIMEOUT_MS = 60_000;
export const LEASE_MS = 3 * SMTP_TIMEOUT_MS;

/** SMTP when configured; otherwise messages stay in the outbox, readable in the dev mailbox. */
export function createTransport(smtpUrl: string | undefined): MailTransport {
  if (!smtpUrl) return { kind: 'mailbox', async send() { /* kept in the outbox table */ }, close() {} };
  // nodemailer reads its options from the URL's query; ours unless the URL sets them
  const url = new URL(smtpUrl);
  for (
    const [k, v] of [
      ['connectionTimeout', 20_000], ['greetingTimeout', 20_000], ['socketTimeout', SMTP_TIMEOUT_MS],
    ] as const
  ) {
    if (!url.searchParams.has(k)) url.searchParams.set(k, String(v));
  }
  const t = nodemailer.createTransport(url.toString());
  return {
    kind: 'smtp',
    async send(m) {
      await t.sendMail(m);
    },
    close: () => t.close(),
  };
}

/** Capped backoff, never giving up: 1 min, 2, 4, 8, 16, 32, then every hour until it goes. */
export const MAX_RETRY_DELAY_MS = 60 * 60_000;
export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, 60_000 * 2 ** Math.min(20, Math.max(0, attempts - 1)));
}

export interface DeliverOptions {
  /** How long a claimed message is ours (tests shorten it). */
  leaseMs?: number;
  /** At most this many messages per call. */
  max?: number;
}

/**
 * Sends due messages one by one, each under its own claim taken just before it is sent. A
 * failure is retried later with a capped backoff, forever: mail is never dropped silently;
 * the admin home shows what is waiting and why.
 */
export async function deliverDue(
  db: Knex, transport: MailTransport, from: string, clock: Clock, log?: Logger, opts: DeliverOptions = {},
): Promise<{ sent: number; failed: number }> {
  const leaseMs = opts.leaseMs ?? LEASE_MS;
  const max = opts.max ?? 20;
  let sent = 0;
  let failed = 0;
  while (sent + failed < max) {
    const token = crypto.randomUUID();
    const m = await claimNext(db, clock.now(), leaseMs, token);
    if (!m) break;
    try {
      await transport.send({ from, to: m.to_address, subject: m.subject, text: m.text_body, html: m.html_body });
      await markSent(db, m.id, token, transport.kind, clock.now());
      sent++;
    } catch (err) {
      failed++;
      await markFailedAttempt(
        db, m.id, token, (err as Error).message, new Date(clock.now().getTime() + retryDelayMs(m.attempts)),
      );
      log?.warn({ outboxId: m.id, attempts: m.attempts }, 'mail delivery failed; will retry');
    }
  }
  return { sent, failed };
}

/** Polls the outbox; `kick()` after a commit makes new mail go out at once. */
export function startMailWorker(
  db: Knex, transport: MailTransport, from: string, clock: Clock, log: Logger, intervalMs = 5000,
) {
  let running = false;
  let stopped = false;
  const tick = async () => {
    if (running || stopped) return;
    running = true;
    try {
      let r;
      do r = await deliverDue(db, transport, from, clock, log); while (r.sent + r.failed === 20 && !stopped);
    } catch (err) {
      log.error({ err }, 'mail worker tick failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return {
    kick: () => void tick(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      while (running) await new Promise((r) => setTimeout(r, 20));
      transport.close();
    },
  };
}
