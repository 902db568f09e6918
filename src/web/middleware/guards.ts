import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Knex } from 'knex';
import type { Action } from '../../domain/access';
import { DomainError } from '../../domain/errors';
import { contractCustomer, findContract, type ContractView } from '../../data/contracts-repo';
import { deps, requireUser, userAccess } from './auth';
import { setActingForBanner } from './acting-for';

type OwnerLookup = (db: Knex, id: number) => Promise<number | undefined>;

/**
 * The access guard for routes addressed by a resource id (`:param`): the resource's customer
 * must be readable by the user, or the answer is 404 — the same as for an id that does not
 * exist, so other customers' ids reveal nothing. Acting needs the 'act' permission (403).
 */
export function guardByOwner(param: string, owner: OwnerLookup, action: Action): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!req.user) return requireUser(req, res, next);
    const id = Number(req.params[param]);
    if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('not_found');
    const customerId = await owner(deps(req).db.knex, id);
    if (customerId === undefined) throw new DomainError('not_found');
    const access = (await userAccess(req)).to(customerId);
    if (!access.read) throw new DomainError('not_found');
    if (action === 'act' && !access.act) throw new DomainError('forbidden');
    if (action === 'manage_contacts' && !access.manageContacts) throw new DomainError('forbidden');
    res.locals.customerAccess = access;
    res.locals.actingFor = customerId;
    await setActingForBanner(deps(req).db.knex, res, customerId, access);
    next();
  };
}

export const contractGuard = (action: Action) => guardByOwner('contractId', contractCustomer, action);

export const invoiceGuard = (action: Action) => guardByOwner('invoiceId', async (db, id) => {
  const row = await db('invoices').where({ id }).first('customer_id');
  return row?.customer_id;
}, action);

/** The contract a `contractGuard` has already let through (404 if it vanished since). */
export async function loadGuardedContract(req: Request): Promise<ContractView> {
  const c = await findContract(deps(req).db.knex, Number(req.params.contractId));
  if (!c) throw new DomainError('not_found');
  return c;
}
