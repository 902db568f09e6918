import { Router } from 'express';
import type { Database } from '../data/db';
import { outboxLag } from '../data/outbox-repo';

function isDiskFull(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === '53100' || /No space left on device/i.test(e.message ?? '');
}

/**
 * Answers load balancers and uptime checks; no session, no cookies. Reads a real table (the
 * outbox, whose lag it reports) and commits a one-row write, so a database that answers
 * `select 1` but cannot store anything (disk full, read-only) is reported as down.
 */
export function healthRoutes(db: Database): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const started = process.hrtime.bigint();
    res.set('Cache-Control', 'no-store');
    try {
      const outbox = await outboxLag(db.knex, new Date());
      await db.knex.raw(
        "INSERT INTO app_meta (key, value) VALUES ('healthz', now()::text) "
          + 'ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      );
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      res.json({ status: 'ok', database: 'up', writable: true, outbox, latencyMs: Math.round(ms * 10) / 10 });
    } catch (err) {
      res.status(503).set('Retry-After', '5').json(
        { status: 'error', database: isDiskFull(err) ? 'disk full' : 'down' },
      );
    }
  });
  return router;
}
