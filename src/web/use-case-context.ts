import type { Request } from 'express';
import type { AppDeps } from '../deps';
import type { StaffContext, SystemContext, UseCaseContext } from '../services/context';
import { userActor } from './current-user';

/** The context of a use case run for the logged-in customer user of this request. */
export function userContext(deps: AppDeps, req: Request): UseCaseContext {
  return {
    db: deps.db.knex, now: deps.clock.now(), config: deps.config, actor: userActor(req), signer: deps.signer,
    mailer: deps.mailer,
  };
}

/** The context of a use case run for the staff member of this admin request. */
export function staffContext(deps: AppDeps, req: Request): StaffContext {
  if (!req.staff) throw new Error('staffContext outside requireStaff');
  return {
    db: deps.db.knex, now: deps.clock.now(), config: deps.config, actor: { id: req.staff.id, ip: req.ip ?? null },
    signer: deps.signer, mailer: deps.mailer,
  };
}

/** No one acting: the gateway's notifications, timers. */
export function systemContext(deps: AppDeps): SystemContext {
  return {
    db: deps.db.knex, now: deps.clock.now(), config: deps.config, actor: null, signer: deps.signer, mailer: deps.mailer,
  };
}
