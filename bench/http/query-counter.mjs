/**
 * Preloaded (`--import`) into the portal and the baseline by `npm run bench:http`: counts every
 * SQL statement sent through node-postgres (Knex and the session store both use it) and tells
 * the benchmark the total when it asks over the IPC channel; profiles the CPU when asked to. Plain JavaScript, so it loads the
 * same way in tsx and compiled runs, and in the PDF worker threads (where it does nothing).
 */
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread && (process.send || process.env.BENCH_LOG_SQL === '1')) {
  const require = createRequire(import.meta.url);
  const pg = require('pg');
  let queries = 0;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function counted(...args) {
    queries++;
    if (process.env.BENCH_LOG_SQL === '1') {
      const text = typeof args[0] === 'string' ? args[0] : args[0]?.text;
      process.stderr.write(`SQL ${String(text).replace(/\s+/g, ' ').slice(0, 160)}\n`);
    }
    return query.apply(this, args);
  };
  // `--profile=DIR`: a CPU profile of the load on each page only (not of the start-up)
  let session = null;
  process.on('message', (m) => {
    if (m === 'queries') process.send?.({ queries });
    else if (m?.profile === 'start') {
      void import('node:inspector').then(({ Session }) => {
        session = new Session();
        session.connect();
        session.post('Profiler.enable', () => session.post('Profiler.start', () => process.send({ profiling: true })));
      });
    } else if (m?.profile === 'stop' && session) {
      session.post('Profiler.stop', (err, res) => {
        void import('node:fs').then((fs) => {
          fs.writeFileSync(m.file, JSON.stringify(res.profile));
          session.disconnect();
          session = null;
          process.send({ profiled: m.file });
        });
      });
    }
  });
  // the IPC channel must not keep a stopping server alive
  process.channel?.unref();
}
