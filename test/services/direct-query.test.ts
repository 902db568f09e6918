/**
 * The hot reads sent straight to node-postgres (`src/data/direct-query.ts`): the same rows as
 * through Knex, on the transaction's own connection inside one, named only where the connection
 * prepares statements, and announced to Knex's `query` listeners.
 */
import { expect } from 'chai';
import knexFactory from 'knex';
import { queryFirst, queryRows, statement } from '../../src/data/direct-query';
import { testContext } from '../support/context';

const ECHO = statement(`
  select $1::int as n,
    $2::text as t`);

describe('direct queries (the hot reads without Knex\'s builder)', () => {
  it('gives the rows Knex gives, with the same type parsing', async () => {
    const { db: { knex } } = await testContext();
    const sql = (p: string) => `select g::int8 as big, g * 1.5 as num, date '2026-02-27' + g as day,
      timestamptz '2026-03-29 00:30:00+00' + g * interval '1 hour' as at, array[g, g + 1] as pair,
      json_build_object('g', g) as doc from generate_series(1, ${p}) g order by g`;
    const direct = await queryRows<{ big: number; day: string; num: number }>(knex, statement(sql('$1')), [3]);
    const { rows } = await knex.raw(sql('?'), [3]);
    expect(direct).to.have.length(3).and.deep.equal(rows);
    expect(direct[2]).to.include({ big: 3, num: 4.5, day: '2026-03-02' });
    const st = statement('select id from users where id = $1');
    expect(await queryFirst(knex, ECHO, [41, 'x'])).to.deep.equal({ n: 41, t: 'x' });
    expect(await queryFirst(knex, st, [Number.MAX_SAFE_INTEGER])).to.equal(undefined);
    expect(ECHO.text).to.equal('select $1::int as n, $2::text as t');
  });

  it('runs on the transaction\'s connection: sees its uncommitted rows, and they go with a rollback', async () => {
    const { db: { knex } } = await testContext();
    const st = statement('select login_id from users where login_id = $1');
    const loginId = `DQ${Date.now()}`;
    await knex.transaction(async (trx) => {
      await trx.raw(`insert into users (login_id, first_name, last_name, email, password_hash, status, language)
        values (?, 'A', 'B', 'dq@example.com', 'x', 'active', 'es')`, [loginId]);
      expect(await queryRows(trx, st, [loginId])).to.deep.equal([{ login_id: loginId }]);
      expect(await queryRows(knex, st, [loginId])).to.deep.equal([]);
      await trx.rollback();
    }).catch(() => undefined);
    expect(await queryRows(knex, st, [loginId])).to.deep.equal([]);
  });

  it('is prepared under its name on the portal\'s connections', async () => {
    const { db: { knex } } = await testContext();
    const st = statement('select $1::int * 2 as twice');
    const names = await knex.transaction(async (trx) => {
      expect(await queryFirst(trx, st, [21])).to.deep.equal({ twice: 42 });
      return (await trx.raw('select name from pg_prepared_statements')).rows.map((r: { name: string }) => r.name);
    });
    expect(names).to.include(st.name);
  });

  it('is not named on a connection that does not prepare (DATABASE_PREPARED_STATEMENTS=0)', async () => {
    const { db } = await testContext();
    const plain = knexFactory({ client: 'pg', connection: db.url, pool: { min: 0, max: 1 } });
    try {
      const st = statement('select $1::int * 3 as thrice');
      const names = await plain.transaction(async (trx) => {
        expect(await queryFirst(trx, st, [2])).to.deep.equal({ thrice: 6 });
        return (await trx.raw('select name from pg_prepared_statements')).rows;
      });
      expect(names).to.deep.equal([]);
    } finally {
      await plain.destroy();
    }
  });

  it('is announced to Knex\'s query, response and error listeners, with the transaction it ran in', async () => {
    const { db: { knex } } = await testContext();
    type Announced = { sql: string; bindings: unknown[]; __knexTxId?: string; __knexQueryUid: string };
    const seen: Announced[] = [];
    const answered: [unknown, string][] = [];
    const failed: [string, string][] = [];
    const onQuery = (q: Announced) => seen.push(q);
    const onResponse = (rows: unknown, q: Announced) => answered.push([rows, q.__knexQueryUid]);
    const onError = (err: { code?: string }, q: Announced) => failed.push([String(err.code), q.__knexQueryUid]);
    knex.on('query', onQuery).on('query-response', onResponse).on('query-error', onError);
    const bad = statement('select $1::int / 0 as x');
    try {
      await queryRows(knex, ECHO, [1, 'a']);
      await knex.transaction((trx) => queryRows(trx, ECHO, [2, 'b']));
      await queryRows(knex, bad, [1]).catch(() => undefined);
    } finally {
      knex.off('query', onQuery).off('query-response', onResponse).off('query-error', onError);
    }
    const echoes = seen.filter((q) => q.sql === ECHO.text);
    expect(echoes.map((q) => q.bindings)).to.deep.equal([[1, 'a'], [2, 'b']]);
    expect(echoes[0]!.__knexTxId).to.equal(undefined);
    expect(echoes[1]!.__knexTxId).to.be.a('string');
    expect(answered.filter(([, uid]) => echoes.some((q) => q.__knexQueryUid === uid))).to.deep.equal([
      [[{ n: 1, t: 'a' }], echoes[0]!.__knexQueryUid], [[{ n: 2, t: 'b' }], echoes[1]!.__knexQueryUid],
    ]);
    const failing = seen.find((q) => q.sql === bad.text)!;
    expect(failed).to.deep.equal([['22012', failing.__knexQueryUid]]);
  });

  it('gives the connection back to the pool when the query fails', async () => {
    const { db } = await testContext();
    const one = knexFactory({
      client: 'pg', connection: db.url, pool: { min: 0, max: 1 }, acquireConnectionTimeout: 2000,
    });
    try {
      const bad = statement('select $1::int / 0 as x');
      for (let i = 0; i < 3; i++) {
        const err = await queryRows(one, bad, [1]).then(() => null, (e: { code?: string }) => e);
        expect(err?.code).to.equal('22012');
      }
      expect(await queryFirst(one, ECHO, [3, 'c'])).to.deep.equal({ n: 3, t: 'c' });
    } finally {
      await one.destroy();
    }
  });
});
