import { expect } from 'chai';
import type { Knex } from 'knex';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { testContext, type TestContext } from '../support/context';
import { createTransport, deliverDue, MAX_RETRY_DELAY_MS, retryDelayMs, type MailTransport } from '../../src/adapters/mail/worker';
import { insertOutbox } from '../../src/data/outbox-repo';
import { systemClock } from '../../src/adapters/clock';

/** A real SMTP server that takes `delayMs` to accept each message and records what it got. */
async function slowSmtp(delayMs: number): Promise<{ url: string; received: string[]; close(): Promise<void> }> {
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, _session, callback) {
      let text = '';
      stream.on('data', (c: Buffer) => { text += c.toString(); });
      stream.on('end', () => setTimeout(() => {
        received.push(/^Subject: (.*)$/m.exec(text)?.[1]?.trim() ?? '?');
        callback();
      }, delayMs));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise((r) => server.close(() => r())) };
}

describe('mail delivery (issue 11)', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let db: Knex;
  // leases run out in real time, and the outbox's default due time is the database's now()
  const clock = systemClock;
  const queue = async (subject: string) => insertOutbox(db, { to: 'destino@example.com', language: 'es', template: 'test', subject, text: subject, html: `<p>${subject}</p>` });

  before(async () => {
    ctx = await testContext();
    db = ctx.db.knex;
  });

  afterEach(async () => {
    // other suites' mail stays readable in the dev mailbox; only ours is removed
    await db('outbox').where({ template: 'test' }).delete();
  });

  it('two instances with an SMTP server that takes 8 s per message send each message exactly once', async () => {
    // everything else waiting in the shared outbox is out of the way of this test
    const others = await db('outbox').where({ status: 'pending' }).update({ next_attempt_at: new Date(Date.now() + 3600_000) }).returning('id');
    const smtp = await slowSmtp(8000);
    const subjects = [`lenta-1-${process.pid}`, `lenta-2-${process.pid}`];
    for (const s of subjects) await queue(s);
    // a lease shorter than two messages: a batch claimed at once would run out and be sent twice
    const opts = { leaseMs: 12_000 };
    const instance = async () => {
      const transport = createTransport(smtp.url);
      let sent = 0;
      const until = Date.now() + 20_000;
      while (Date.now() < until && sent < 2) {
        sent += (await deliverDue(db, transport, 'test@example.com', clock, undefined, opts)).sent;
        const left = await db('outbox').where({ template: 'test', status: 'pending' }).count<{ n: number }[]>('* as n').first();
        if (Number(left!.n) === 0) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      transport.close();
    };
    try {
      const started = Date.now();
      await Promise.all([instance(), instance()]);
      expect([...smtp.received].sort()).to.deep.equal(subjects);
      expect(Date.now() - started).to.be.lessThan(15_000);
      const rows = await db('outbox').where({ template: 'test' }).select('status');
      expect(rows.map((r: { status: string }) => r.status)).to.deep.equal(['sent', 'sent']);
    } finally {
      await smtp.close();
      await db('outbox').whereIn('id', others.map((o: { id: number }) => o.id)).update({ next_attempt_at: new Date() });
    }
  });

  it('never gives a message up: failures are retried with a backoff capped at an hour', async () => {
    expect(retryDelayMs(1)).to.equal(60_000);
    expect(retryDelayMs(3)).to.equal(4 * 60_000);
    expect(retryDelayMs(50)).to.equal(MAX_RETRY_DELAY_MS);
    const id = await queue(`fallo-${process.pid}`);
    await db('outbox').where({ id }).update({ attempts: 40 });
    const failing: MailTransport = { kind: 'smtp', async send() { throw new Error('421 try later'); }, close() {} };
    const hold = await db('outbox').where({ status: 'pending' }).whereNot({ id }).update({ next_attempt_at: new Date(Date.now() + 3600_000) }).returning('id');
    try {
      const r = await deliverDue(db, failing, 'test@example.com', clock);
      expect(r).to.deep.equal({ sent: 0, failed: 1 });
      const row = await db('outbox').where({ id }).first();
      expect(row).to.include({ status: 'pending', attempts: 41, last_error: '421 try later', claim_token: null });
      const wait = new Date(row.next_attempt_at).getTime() - Date.now();
      expect(wait).to.be.within(MAX_RETRY_DELAY_MS - 10_000, MAX_RETRY_DELAY_MS + 1000);
    } finally {
      await db('outbox').whereIn('id', hold.map((o: { id: number }) => o.id)).update({ next_attempt_at: new Date() });
    }
  });
});
