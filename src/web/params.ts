import type { Request } from 'express';
import { z } from 'zod';
import { DomainError } from '../domain/errors';

const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A positive integer id from the route (`:name`); anything else is "not found". */
export function idParam(req: Request, name: string): number {
  const parsed = Id.safeParse(req.params[name]);
  if (!parsed.success) throw new DomainError('not_found');
  return parsed.data;
}
