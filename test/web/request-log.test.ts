import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import express from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { requestLog } from '../../src/web/middleware/request-log';

function appWithLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(JSON.parse(l) as Record<string, unknown>);
      }
      done();
    },
  });
  const logger = pino({ level: 'info' }, stream);
  const app = express();
  app.use(requestLog(logger));
  app.get('/static/app.css', (_req, res) => { res.type('css').send('body{}'); });
  app.get('/ok', (req, res) => {
    req.log.info('inside');
    res.send('ok');
  });
  app.get('/boom', (_req, res) => { res.status(500).send('no'); });
  return { app, lines };
}

describe('request log', () => {
  it('writes method, path without the query string, status and time; never cookies or the query', async () => {
    const { app, lines } = appWithLog();
    await request(app).get('/ok?nif=12345678Z').set('Cookie', 'ac.sid=secret').expect(200);
    await request(app).get('/static/app.css').expect(200);
    await request(app).get('/boom').expect(500);
    await new Promise((r) => setImmediate(r));
    const done = lines.filter((l) => l.msg !== 'inside');
    const summary = done.map((l) => [
      l.level, l.msg, (l.req as { path: string }).path, (l.res as { statusCode: number }).statusCode,
    ]);
    expect(summary).to.deep.equal([
      [30, 'request completed', '/ok', 200],
      [50, 'request errored', '/boom', 500],
    ]);
    expect(typeof done[0]!.responseTime).to.equal('number');
    // a line written while answering carries the request's number
    const inside = lines.find((l) => l.msg === 'inside')!;
    expect(inside.reqId).to.equal((done[0]!.req as { id: number }).id);
    expect(JSON.stringify(lines)).not.to.match(/12345678Z|secret/);
  });
});

describe('the server log (asynchronous writes)', () => {
  const loggerModule = new URL('../../src/adapters/logger.ts', import.meta.url).href;
  const script = (ending: string) => `
    const { createLogger } = await import(${JSON.stringify(loggerModule)});
    const log = createLogger('info', { async: true });
    for (let i = 0; i < 20000; i++) log.info({ i }, 'line');
    ${ending}`;
  const run = (ending: string) => spawnSync(
    process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(ending)],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );

  for (const [what, ending, status] of [
    ['process.exit', 'process.exit(0);', 0],
    ['an uncaught exception', 'setImmediate(() => { throw new Error("boom"); });', 1],
    ['the end of the event loop', '', 0],
  ] as const) {
    it(`loses no line at ${what}`, () => {
      const r = run(ending);
      expect(r.status, r.stderr).to.equal(status);
      const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { i: number });
      expect(lines).to.have.length(20000);
      expect(lines.every((l, i) => l.i === i)).to.equal(true);
    });
  }
});
