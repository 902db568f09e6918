import type { Request } from 'express';
import { ACCEPTS_UPLOAD } from '../../adapters/uploads';

type Layer = {
  rawPath?: unknown;
  slash?: boolean;
  route?: { path: unknown; methods: Record<string, boolean>; stack: { handle: unknown }[] };
  handle?: { stack?: Layer[] };
};

interface UploadRoute { method: string; pattern: RegExp }

function compile(path: string): RegExp {
  const source = path.split(/(:[A-Za-z0-9_]+)/).map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}/?$`, 'i');
}

/** Every route whose handlers include the upload parser, with its full path (sub-routers included). */
function findUploadRoutes(stack: Layer[], prefix = ''): UploadRoute[] {
  const out: UploadRoute[] = [];
  for (const layer of stack) {
    if (layer.route && typeof layer.route.path === 'string') {
      const uploads = layer.route.stack.some(
        (l) => (l.handle as Record<symbol, unknown> | null)?.[ACCEPTS_UPLOAD] === true,
      );
      if (!uploads) continue;
      for (const method of Object.keys(layer.route.methods)) out.push(
        { method: method.toUpperCase(), pattern: compile(`${prefix}${layer.route.path}`) },
      );
    } else if (layer.handle?.stack) {
      out.push(
        ...findUploadRoutes(
          layer.handle.stack, layer.slash || typeof layer.rawPath !== 'string' ? prefix : `${prefix}${layer.rawPath}`,
        )
      );
    }
  }
  return out;
}

// Read from the app's router on the first multipart request, when every route is mounted.
const known = new WeakMap<object, UploadRoute[]>();

/** Whether the request goes to a route that takes files, i.e. may carry a multipart body. */
export function acceptsUpload(req: Request): boolean {
  const app = req.app as unknown as { router?: { stack: Layer[] } };
  let routes = known.get(app);
  if (!routes) {
    routes = findUploadRoutes(app.router?.stack ?? []);
    known.set(app, routes);
  }
  const path = (req.originalUrl.split('?')[0] ?? '');
  return routes.some((r) => r.method === req.method && r.pattern.test(path));
}
