import { expect } from 'chai';
import pg from 'pg';
import { loadConfig } from '../../src/config';
import { MAX_NAMED_PER_CONNECTION, prepareRepeatedStatements, statementName } from '../../src/data/prepared-statements';
import { testContext } from '../support/context';

async function preparedOn(client: pg.Client): Promise<string[]> {
  // asked without parameters, so this question is not itself prepared
  const r = await client.query('SELECT name FROM pg_prepared_statements ORDER BY name');
  return r.rows.map((row: { name: string }) => row.name);
}

describe('named prepared statements', () => {
  let client: pg.Client;
  beforeEach(async () => {
    const ctx = await testContext();
    client = new pg.Client({ connectionString: ctx.db.url });
    await client.connect();
    prepareRepeatedStatements(client);
  });
  afterEach(async () => {
    await client.end();
  });

  it('prepares a parameterised query once per connection and answers it every time', async () => {
    const text = 'SELECT $1::int + 1 AS n';
    for (const [form, n] of [['string', 1], ['config', 2], ['string', 3]] as const) {
      const r = form === 'string' ? await client.query(text, [n]) : await client.query({ text, values: [n] });
      expect(r.rows[0].n).to.equal(n + 1);
    }
    expect(await preparedOn(client)).to.deep.equal([statementName(text)]);
  });

  it('leaves statements without parameters, with several commands, or already named as they are', async () => {
    await client.query('SELECT 1');
    await client.query({ text: 'SELECT $1::text AS t', values: ['x'], name: 'mine' });
    await client.query('CREATE TEMP TABLE t_prep (a int); INSERT INTO t_prep VALUES (1)');
    expect(await preparedOn(client)).to.deep.equal(['mine']);
  });

  it('stops naming new texts past the limit of one connection, and still answers them', async () => {
    for (let i = 0; i < MAX_NAMED_PER_CONNECTION + 5; i++) {
      const r = await client.query(`SELECT $1::int AS v${i}`, [i]);
      expect(r.rows[0][`v${i}`]).to.equal(i);
    }
    expect(await preparedOn(client)).to.have.length(MAX_NAMED_PER_CONNECTION);
    // a text named before the limit was reached stays named
    await client.query('SELECT $1::int AS v0', [7]);
    expect(await preparedOn(client)).to.have.length(MAX_NAMED_PER_CONNECTION);
  });

  it('are on unless DATABASE_PREPARED_STATEMENTS=0 (a pooler without session state)', () => {
    expect(loadConfig({}, []).preparedStatements).to.equal(true);
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: '0' }, []).preparedStatements).to.equal(false);
  });

  it('are what the portal\'s own connections use', async () => {
    const ctx = await testContext();
    const rows = await ctx.db.knex.transaction(async (trx) => {
      await trx('users').where('id', -1).first();
      return (await trx.raw('SELECT name, statement FROM pg_prepared_statements')).rows as { statement: string }[];
    });
    expect(rows.some((r) => r.statement.includes('from "users" where "id" = $1'))).to.equal(true);
  });
});
