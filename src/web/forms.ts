import type { Request } from 'express';

/** A flat record of strings from a urlencoded body; anything else becomes ''. */
export function formFields<K extends string>(req: Request, names: readonly K[]): Record<K, string> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const out = {} as Record<K, string>;
  for (const n of names) {
    const v = body[n];
    out[n] = typeof v === 'string' ? v.slice(0, 1000) : '';
  }
  return out;
}

export function checkbox(req: Request, name: string): boolean {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return v === 'on' || v === '1' || v === 'true' || v === 'yes';
}

export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
