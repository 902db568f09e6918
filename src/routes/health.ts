import { Router } from 'express';
import type { Database } from '../data/db';

/** Answers load balancers and uptime checks; no session, no cookies. */
export function healthRoutes(db: Database): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const started = process.hrtime.bigint();
    try {
      await db.knex.raw('select 1');
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      res.set('Cache-Control', 'no-store').json({ status: 'ok', database: 'up', latencyMs: Math.round(ms * 10) / 10 });
    } catch {
      res.status(503).set('Cache-Control', 'no-store').json({ status: 'error', database: 'down' });
    }
  });
  return router;
}
