import os from 'node:os';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { testContext, type TestContext } from '../support/context';
import { createHousehold } from '../support/factories';
import { issueInvoicesForMonth, PartialIssueError } from '../../src/services/invoicing';
import { recoverAbandonedRuns } from '../../src/services/billing-runs';

/** Every number of a series, in order: FEyy00000001, 02, … with no hole. */
async function expectGapFree(db: Knex, series: string): Promise<number> {
  const rows = await db('invoices').where('number', 'like', `${series}%`).select('number');
  const numbers = rows.map((r: { number: string }) => Number(r.number.slice(series.length))).sort((a, b) => a - b);
  expect(numbers.length).to.be.greaterThan(0);
  expect(numbers, `${series} has a gap or a duplicate`).to.deep.equal(numbers.map((_, i) => i + 1));
  const counter = await db('invoice_series').where({ series }).first('last_number');
  expect(Number(counter.last_number)).to.equal(numbers.length);
  return numbers.length;
}

describe('invoice numbers (issue 11)', function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let db: Knex;
  const opts = () => ({ signer: ctx.app.locals.deps.signer, now: ctx.clock.now(), config: ctx.config, notify: false, batchSize: 3 });

  before(async () => {
    ctx = await testContext();
    db = ctx.db.knex;
    for (let i = 0; i < 8; i++) {
      await createHousehold(db, { consumption: [{ month: '2020-05', P1: 100 + i }, { month: '2020-06', P1: 90 + i }, { month: '2020-07', P1: 80 + i }] });
    }
  });

  it('two runs of one period at once issue each invoice once, numbered without gaps', async () => {
    const [a, b] = await Promise.all([issueInvoicesForMonth(db, '2020-05', opts()), issueInvoicesForMonth(db, '2020-05', opts())]);
    expect(a.issued + b.issued).to.equal(a.candidates);
    const ids = [...a.invoiceIds, ...b.invoiceIds];
    expect(new Set(ids).size).to.equal(ids.length);
    await expectGapFree(db, 'FE20');
  });

  it('a run stopped part-way gives back the numbers of its rolled-back batch; the re-run carries on', async () => {
    let seen = 0;
    const err = await issueInvoicesForMonth(db, '2020-06', {
      ...opts(),
      onProgress: ({ done }) => {
        seen = done;
        if (done === 4) throw new Error('killed');
      },
    }).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(PartialIssueError);
    expect(seen).to.equal(4);
    // the first batch of 3 committed; the second rolled back with its numbers
    expect((err as PartialIssueError).issued).to.equal(3);
    await expectGapFree(db, 'FE20');
    const rest = await issueInvoicesForMonth(db, '2020-06', opts());
    expect([rest.issued, rest.candidates]).to.deep.equal([5, 5]);
    await expectGapFree(db, 'FE20');
  });

  it('a run whose process died is closed as interrupted with the invoices it really issued', async () => {
    const now = ctx.clock.now();
    // a process of this machine that no longer exists, whose last heartbeat is recent
    const [ghost] = await db('billing_runs').insert({
      period: '2020-07', status: 'running', started_by: null, started_at: now, updated_at: now, owner: `${os.hostname()}:2147483646`, total: 8, issued: 1,
    }).returning('id');
    const r = await issueInvoicesForMonth(db, '2020-07', { ...opts(), billingRunId: ghost.id });
    expect(r.issued).to.be.greaterThan(1);
    await recoverAbandonedRuns(db, now);
    const row = await db('billing_runs').where({ id: ghost.id }).first();
    expect(row).to.include({ status: 'failed', error: 'stale', issued: r.issued });
    await expectGapFree(db, 'FE20');
  });
});
