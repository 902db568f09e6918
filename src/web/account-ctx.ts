import type { Request } from 'express';
import type { AppDeps } from '../deps';
import type { AccountCtx } from '../services/account-context';
import { clientIp } from './forms';
import type { FieldErrors } from './validation';
import type { FieldIssue } from '../services/field-issues';

/** The account use cases' context for one request, read from the router's deps. */
export function accountCtx(deps: AppDeps, req: Request): AccountCtx {
  return { db: deps.db.knex, now: deps.clock.now(), config: deps.config, ip: clientIp(req), dataKey: deps.dataKey };
}

/** A use case's field problems, next to the fields. */
export function addIssues(e: FieldErrors, issues: FieldIssue[]): void {
  for (const i of issues) {
    if (i.key !== undefined) e.add(i.field, i.key);
    else e.addText(i.field, i.text);
  }
}
