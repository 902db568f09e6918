import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';

/**
 * The page routers, tried only where they can answer. Mounted one after another, every request
 * walked every router's layers and matched its path against each of them (about 80 µs of CPU
 * per request over 30 routers, issue 17's profiles); here each router is tried, in the same
 * order, only for the first path segments its routes and mounts start with. A router with a
 * middleware for every path, or a first segment that is a parameter or pattern, is tried
 * for every request, as before.
 */
export function dispatchByFirstSegment(routers: Router[]): RequestHandler {
  const segments = routers.map(firstSegments);
  const known = new Set(segments.flatMap((s) => (s ? [...s] : [])));
  const bySegment = new Map<string, Router[]>();
  for (const segment of known) {
    bySegment.set(segment, routers.filter((_, i) => segments[i] === null || segments[i]!.has(segment)));
  }
  const everywhere = routers.filter((_, i) => segments[i] === null);
  const dispatch = (req: Request, res: Response, next: NextFunction) => {
    const list = bySegment.get(firstSegmentOf(req.path)) ?? everywhere;
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null && err !== 'router') {
        next(err);
        return;
      }
      const router = list[i++];
      if (router) router(req, res, step);
      else next();
    };
    step();
  };
  // the routers as mounted without a path, for what reads the app's routes from its router
  // (the upload routes, the route lists of the tests)
  return Object.assign(dispatch, { stack: routers.map((handle) => ({ rawPath: '/', slash: true, handle })) });
}

/** Lower-cased: routes match regardless of case, as Express's routers do by default. */
export function firstSegmentOf(path: string): string {
  const end = path.indexOf('/', 1);
  return (end < 0 ? path.slice(1) : path.slice(1, end)).toLowerCase();
}

interface LayerLike { rawPath?: unknown; slash?: boolean; handle?: { stack?: unknown } }

const PATTERN = /[:*{}()\\?+[\]]/;

/**
 * The first segments a router can answer, or null when it may answer any path. A router
 * mounted inside it without a path counts with its own segments.
 */
export function firstSegments(router: Router): Set<string> | null {
  const found = new Set<string>();
  for (const layer of router.stack as LayerLike[]) {
    if (layer.slash) {
      const inner = Array.isArray(layer.handle?.stack) ? firstSegments(layer.handle as Router) : null;
      if (!inner) return null;
      for (const segment of inner) found.add(segment);
      continue;
    }
    const paths = Array.isArray(layer.rawPath) ? layer.rawPath : [layer.rawPath];
    for (const path of paths) {
      if (typeof path !== 'string' || !path.startsWith('/')) return null;
      const segment = firstSegmentOf(path);
      if (PATTERN.test(segment)) return null;
      found.add(segment);
    }
  }
  return found;
}
