import { Router } from 'express';
import type { AppDeps } from '../deps';
import { SESSION_LEFT_HEADER, secondsLeft } from '../web/middleware/session-time';
import { requireUser } from '../web/current-user';

/**
 * "Seguir conectado": a real request that counts as activity, so the idle limit starts
 * again. An expired session never gets here (the session middleware ends it first).
 */
export function sessionTimeRoutes(deps: AppDeps): Router {
  const router = Router();
  router.post('/sesion/seguir', requireUser, (req, res) => {
    const now = deps.clock.now().getTime();
    req.session.lastSeenAt = now;
    res.set(SESSION_LEFT_HEADER, String(secondsLeft(now, now, deps.config.sessionIdleMinutes)));
    res.status(204).end();
  });
  return router;
}
