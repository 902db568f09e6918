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

describe('data encryption key', () => {
  it('is required in production, and must be 32 bytes', async () => {
    const { resolveDataKey } = await import('../../src/adapters/secrets');
    const fail = async (env: NodeJS.ProcessEnv) => resolveDataKey(loadConfig(env, [])).then(() => null, (e: Error) => e.message);
    expect(await fail({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) })).to.equal('DATA_ENCRYPTION_KEY must be set in production (`openssl rand -base64 32`).');
    expect(await fail({ DATA_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') })).to.match(/^DATA_ENCRYPTION_KEY must be 32 random bytes/);
    const key = await resolveDataKey(loadConfig({ NODE_ENV: 'production', DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }, []));
    expect(key.equals(Buffer.alloc(32, 7))).to.equal(true);
  });
});
