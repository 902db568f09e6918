import type { Request, RequestHandler } from 'express';
import type { AppDeps } from '../../deps';
import type { Action } from '../../domain/access';
import type { UserActor } from '../../domain/actor';
import type { UserAccess } from '../../services/access';
import { accessOf, loadUser as loadUserWith, userActor } from '../current-user';
import { customerGuard } from '../guards';

/*
 * Compatibility layer for routers not yet converted to factories: the same middleware as
 * src/web/current-user.ts and src/web/guards.ts, with the dependencies looked up from the app.
 * New code takes `AppDeps` as a parameter and imports those modules instead.
 */

export { requireUser, type CurrentUser } from '../current-user';

/**
 * @deprecated Service locator, kept until every router is a factory taking `AppDeps`; then it goes.
 */
export function deps(req: Request): AppDeps {
  return req.app.locals.deps as AppDeps;
}

/** @deprecated Use `loadUser(deps)` from web/current-user. */
export const loadUser: RequestHandler = (req, res, next) => loadUserWith(deps(req))(req, res, next);

/** @deprecated Use `accessOf(db, req)` from web/current-user. */
export function userAccess(req: Request): Promise<UserAccess> {
  return accessOf(deps(req).db.knex, req);
}

/** @deprecated Use `guards(deps).customer(action)` from web/guards. */
export function requireCustomer(action: Action): RequestHandler {
  return customerGuard((req) => deps(req).db.knex, action);
}

/** @deprecated Use `userActor(req)` from web/current-user. */
export function requestActor(req: Request): UserActor {
  return userActor(req);
}
