import { expect } from 'chai';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/data/db';
import { StartupError } from '../../src/data/startup-error';

async function startupError(env: NodeJS.ProcessEnv): Promise<Error> {
  try {
    const db = await openDatabase(loadConfig(env, []));
    await db.close();
  } catch (err) {
    return err as Error;
  }
  throw new Error('openDatabase should have failed');
}

describe('start-up with bad configuration', () => {
  it('names the unreachable host of DATABASE_URL in one line, never its password', async () => {
    const err = await startupError({ DATABASE_URL: 'postgres://ana:s3cr3t-pw@127.0.0.1:1/area', DB_POOL_MAX: '2' });
    expect(err).to.be.instanceOf(StartupError);
    expect(err.message).to.equal('Cannot connect to PostgreSQL at 127.0.0.1:1/area: ECONNREFUSED');
    expect(err.message).not.to.contain('s3cr3t');
  });

  it('names a data folder that cannot be written', async () => {
    const err = await startupError({ DATA_DIR: '/etc/hostname/data' });
    expect(err).to.be.instanceOf(StartupError);
    expect(err.message).to.match(/^The data folder \/etc\/hostname\/data(\/pgdata)? cannot be written \(ENOTDIR\)\. Set DATA_DIR to a writable folder\.$/);
    expect(err.message.split('\n')).to.have.length(1);
  });
});
