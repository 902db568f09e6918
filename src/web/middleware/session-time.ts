import type { RequestHandler } from 'express';
import type { AppDeps } from '../../deps';

/**
 * Tells the page how long the session has left (WCAG 2.2.1): the layout states it to the
 * enhancement script, which warns (a non-modal dialog) about two minutes before the end and offers to stay
 * connected; htmx responses carry it too, as they also count as activity.
 */
export const SESSION_LEFT_HEADER = 'X-Session-Seconds-Left';

export function secondsLeft(lastSeenAt: number | undefined, nowMs: number, idleMinutes: number): number {
  return Math.max(0, Math.floor(((lastSeenAt ?? nowMs) + idleMinutes * 60_000 - nowMs) / 1000));
}

export function sessionTimeLocals(deps: AppDeps): RequestHandler {
  return (req, res, next) => {
    if (!req.user) return next();
    const left = secondsLeft(req.session.lastSeenAt, deps.clock.now().getTime(), deps.config.sessionIdleMinutes);
    res.locals.sessionTime = { idleMinutes: deps.config.sessionIdleMinutes, secondsLeft: left };
    res.set(SESSION_LEFT_HEADER, String(left));
    next();
  };
}
