/**
 * The routes of the app as its router has them, for the matrices that must cover every route
 * (a route added without an entry fails them).
 */
import type { Express } from 'express';

type Layer = { rawPath?: unknown; slash?: boolean; route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };

function walk(stack: Layer[], prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) out.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
    } else if (layer.handle?.stack) {
      out.push(...walk(layer.handle.stack, layer.slash ? prefix : `${prefix}${String(layer.rawPath)}`));
    }
  }
  return out;
}

/** "METHOD /path" of every route, sub-routers included (Express 5 / router 2). */
export function appRoutes(app: Express): string[] {
  return [...new Set(walk((app as unknown as { router: { stack: Layer[] } }).router.stack))];
}
