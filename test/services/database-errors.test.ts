import { expect } from 'chai';
import { classifyError } from '../../src/web/middleware/errors';
import { startupFailure } from '../../src/boot';
import { StartupError } from '../../src/data/startup-error';
import { loadConfig } from '../../src/config';

// The outage itself (server killed: 503 pages, uploads answered, /healthz) is exercised for real
// by `npm run test:durability`; a full disk cannot be produced here, so its mapping is checked.
describe('database errors tell the truth (issue 11 item 9)', () => {
  it('a full disk is its own 503 page, never "the form has expired"', () => {
    expect(classifyError(Object.assign(new Error('could not extend file: No space left on device'), { code: '53100' }))).to.deep.equal({ status: 503, key: 'diskFull' });
  });

  it('a database that is down or restarting is a 503 (with Retry-After), not a 500', () => {
    for (const e of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('the database system is in recovery mode'), { code: '57P03' }),
      new Error('Connection terminated unexpectedly'),
      Object.assign(new Error('Knex: Timeout acquiring a connection.'), { name: 'KnexTimeoutError' }),
    ]) expect(classifyError(e), e.message).to.deep.equal({ status: 503, key: 'unavailable' });
    expect(classifyError(Object.assign(new Error('duplicate key'), { code: '23505' }))).to.equal(null);
  });

  it('says at start-up that the disk is full', () => {
    const config = loadConfig({ DATA_DIR: '/srv/area-clientes' }, []);
    const err = startupFailure(Object.assign(new Error('could not write to file "pg_wal/xlogtemp.123": No space left on device'), { code: '53100' }), config);
    expect(err).to.be.instanceOf(StartupError);
    expect((err as Error).message).to.equal('The disk holding /srv/area-clientes is full (no space left on device): free some space and start again.');
  });
});
