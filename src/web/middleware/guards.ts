import type { Request, RequestHandler } from 'express';
import type { Action } from '../../domain/access';
import type { ContractView } from '../../data/contracts-repo';
import { contractCustomer } from '../../data/contracts-repo';
import { invoiceCustomer } from '../../data/invoices-repo';
import { customerGuard, guardedContract, type CustomerOf } from '../guards';
import { deps } from './auth';

/*
 * Compatibility layer for routers not yet converted to factories: the one guard of
 * src/web/guards.ts with the database looked up from the app. New code uses `guards(deps)`.
 */

/** @deprecated Use `customerGuard(deps, action, param, customerOf)` from web/guards. */
export function guardByOwner(param: string, owner: CustomerOf, action: Action): RequestHandler {
  return customerGuard((req) => deps(req).db.knex, action, param, owner);
}

/** @deprecated Use `guards(deps).contract(action)`. */
export const contractGuard = (action: Action) => guardByOwner('contractId', contractCustomer, action);

/** @deprecated Use `guards(deps).invoice(action)`. */
export const invoiceGuard = (action: Action) => guardByOwner('invoiceId', invoiceCustomer, action);

/** @deprecated Use `guardedContract(deps.db.knex, req)`. */
export function loadGuardedContract(req: Request): Promise<ContractView> {
  return guardedContract(deps(req).db.knex, req);
}
