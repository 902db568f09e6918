import { expect } from 'chai';
import { testContext, type TestContext } from '../support/context';
import { createContractAccount, createCustomer, createSupply } from '../support/factories';
import { issueInvoicesForMonth, PartialIssueError } from '../../src/services/invoicing';

// A month no other test bills, so the run sees exactly this file's contracts.
const MONTH = '2018-03';

describe('billing run in batches', () => {
  let ctx: TestContext;
  const contractIds: number[] = [];
  before(async () => {
    ctx = await testContext();
    const customer = await createCustomer(ctx.db.knex, { kind: 'company' });
    const account = await createContractAccount(ctx.db.knex, customer);
    for (let i = 0; i < 5; i++) {
      contractIds.push((await createSupply(ctx.db.knex, account, { startDate: '2017-01-01', consumption: [{ month: MONTH, P1: 100 + i, P2: 80, P3: 120 }] })).contractId);
    }
  });

  const issuedCount = async () => Number((await ctx.db.knex('invoices').whereIn('contract_id', contractIds).count<{ n: number }[]>('* as n'))[0]!.n);
  const options = (onProgress?: (p: { done: number; total: number; candidates: number }) => void) =>
    ({ signer: ctx.app.locals.deps.signer, now: ctx.clock.now(), config: ctx.config, notify: false, batchSize: 2, onProgress });

  it('keeps the batches committed before an interruption, and a second run issues only the rest', async () => {
    let error: unknown;
    const seen: number[] = [];
    try {
      await issueInvoicesForMonth(ctx.db.knex, MONTH, options(({ done }) => {
        seen.push(done);
        if (done === 3) throw new Error('stop');
      }));
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(PartialIssueError);
    expect((error as PartialIssueError).issued).to.equal(2);
    expect((error as PartialIssueError).message).to.equal('stop');
    expect(seen).to.deep.equal([0, 1, 2, 3]);
    // the first batch of two committed with their signed PDFs; the third invoice rolled back
    expect(await issuedCount()).to.equal(2);
    const docs = await ctx.db.knex('invoice_documents as d').join('invoices as i', 'i.id', 'd.invoice_id').whereIn('i.contract_id', contractIds).count<{ n: number }[]>('* as n');
    expect(Number(docs[0]!.n)).to.equal(2);

    const progress: { done: number; total: number; candidates: number }[] = [];
    const again = await issueInvoicesForMonth(ctx.db.knex, MONTH, options((p) => progress.push(p)));
    expect(again).to.include({ candidates: 3, issued: 3 });
    expect(progress.at(-1)).to.deep.equal({ done: 3, total: 3, candidates: 3 });
    expect(await issuedCount()).to.equal(5);

    expect(await issueInvoicesForMonth(ctx.db.knex, MONTH, options())).to.include({ candidates: 0, issued: 0 });
  });
});
