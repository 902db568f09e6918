import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Knex } from 'knex';
import type { AppDeps } from '../deps';
import type { Access, Action, LinkRole } from '../domain/access';
import { DomainError } from '../domain/errors';
import { actingForBanner } from '../domain/overview';
import { findCustomersByIds } from '../data/customers-repo';
import { contractCustomer, findContract, type ContractView } from '../data/contracts-repo';
import { contractEnded } from '../data/holder-change-repo';
import { invoiceCustomer } from '../data/invoices-repo';
import { requestCustomer } from '../data/requests-repo';
import { accessOf, requireUser } from './current-user';

/** The customer a resource id belongs to; undefined when there is no such resource. */
export type CustomerOf = (db: Knex, id: number) => Promise<number | undefined>;

export interface ActingForBanner {
  customerId: number;
  name: string;
  taxId: string;
  role: LinkRole;
  /** The gestoría the user acts through, when not linked directly. */
  managerName: string | null;
}

const itself: CustomerOf = async (_db, id) => id;

/**
 * THE access guard, "may this user read / act on / manage the contacts of this customer": the
 * customer comes from the route, either directly (`:customerId`) or as the owner of the resource
 * the route names (`:contractId`, `:invoiceId`, `:requestId`…). A customer the user cannot read
 * is "not found" (404), exactly like an id that does not exist, so other customers' ids reveal
 * nothing; reading but not acting is 403. Leaves `res.locals.customerAccess`, `actingFor` and
 * the acting-for banner for the page.
 */
export function customerGuard(
  d: Pick<AppDeps, 'db'> | ((req: Request) => Knex), action: Action,
  param = 'customerId', customerOf: CustomerOf = itself,
): RequestHandler {
  const dbOf = typeof d === 'function' ? d : () => d.db.knex;
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!req.user) return requireUser(req, res, next);
    const id = Number(req.params[param]);
    if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('not_found');
    const db = dbOf(req);
    const customerId = await customerOf(db, id);
    if (customerId === undefined) throw new DomainError('not_found');
    const access = (await accessOf(db, req)).to(customerId);
    if (!access.read) throw new DomainError('not_found');
    if (action === 'act' && !access.act) throw new DomainError('forbidden');
    // an ended contract (a baja, a change of holder) keeps its history readable but takes no new gestiones
    if (action === 'act' && param === 'contractId' && await contractEnded(db, id)) throw new DomainError('forbidden');
    if (action === 'manage_contacts' && !access.manageContacts) throw new DomainError('forbidden');
    res.locals.customerAccess = access;
    res.locals.actingFor = customerId;
    await setActingForBanner(db, res, customerId, access);
    next();
  };
}

/** The guards of each kind of resource, bound to the app's database. */
export function guards(d: Pick<AppDeps, 'db'>) {
  return {
    customer: (action: Action) => customerGuard(d, action),
    contract: (action: Action) => customerGuard(d, action, 'contractId', contractCustomer),
    invoice: (action: Action) => customerGuard(d, action, 'invoiceId', invoiceCustomer),
    request: (action: Action) => customerGuard(d, action, 'requestId', requestCustomer),
  };
}

/** The contract a contract guard has already let through (404 if it vanished since). */
export async function guardedContract(db: Knex, req: Request): Promise<ContractView> {
  const c = await findContract(db, Number(req.params.contractId));
  if (!c) throw new DomainError('not_found');
  return c;
}

/**
 * Sets the data of the "acting for" banner of the layout when the user reaches this customer
 * other than as the holder of their own account: one small query, and none for the holder.
 */
export async function setActingForBanner(db: Knex, res: Response, customerId: number, access: Access): Promise<void> {
  const banner = actingForBanner(access.via);
  if (!banner) return;
  const ids = banner.managerCustomerId === null ? [customerId] : [customerId, banner.managerCustomerId];
  const rows = await findCustomersByIds(db, ids);
  const customer = rows.find((r) => r.id === customerId);
  if (!customer) return;
  const manager = banner.managerCustomerId === null ? undefined : rows.find((r) => r.id === banner.managerCustomerId);
  const value: ActingForBanner = {
    customerId, name: customer.name, taxId: customer.tax_id, role: banner.role, managerName: manager?.name ?? null,
  };
  res.locals.actingForBanner = value;
}
