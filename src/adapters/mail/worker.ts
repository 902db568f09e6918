import nodemailer from 'nodemailer';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock';
import { claimDue, markFailedAttempt, markSent } from '../../data/outbox-repo';

export interface MailTransport {
  kind: 'smtp' | 'mailbox';
  send(m: { from: string; to: string; subject: string; text: string; html: string }): Promise<void>;
  close(): void;
}

/** SMTP when configured; otherwise messages stay in the outbox, readable in the dev mailbox. */
export function createTransport(smtpUrl: string | undefined): MailTransport {
  if (!smtpUrl) return { kind: 'mailbox', async send() { /* kept in the outbox table */ }, close() {} };
  const t = nodemailer.createTransport(smtpUrl);
  return {
    kind: 'smtp',
    async send(m) {
      await t.sendMail(m);
    },
    close: () => t.close(),
  };
}

export const MAX_ATTEMPTS = 6;
const LEASE_MS = 2 * 60_000;

/** 1 min, 2, 4, 8, 16 … between attempts. */
export function retryDelayMs(attempts: number): number {
  return 60_000 * 2 ** Math.max(0, attempts - 1);
}

export async function deliverDue(db: Knex, transport: MailTransport, from: string, clock: Clock, log?: Logger): Promise<{ sent: number; failed: number }> {
  const due = await claimDue(db, clock.now(), LEASE_MS, 20);
  let sent = 0;
  let failed = 0;
  for (const m of due) {
    try {
      await transport.send({ from, to: m.to_address, subject: m.subject, text: m.text_body, html: m.html_body });
      await markSent(db, m.id, transport.kind, clock.now());
      sent++;
    } catch (err) {
      failed++;
      const retryAt = m.attempts >= MAX_ATTEMPTS ? null : new Date(clock.now().getTime() + retryDelayMs(m.attempts));
      await markFailedAttempt(db, m.id, (err as Error).message, retryAt);
      log?.warn({ outboxId: m.id, attempts: m.attempts, willRetry: !!retryAt }, 'mail delivery failed');
    }
  }
  return { sent, failed };
}

/** Polls the outbox; `kick()` after a commit makes new mail go out at once. */
export function startMailWorker(db: Knex, transport: MailTransport, from: string, clock: Clock, log: Logger, intervalMs = 5000) {
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
