/**
 * Maintenance services on a contract (issue 15 item 3): contract one that fits the supply,
 * see them, cancel. Each change commits with its audit row and the confirmation email; the
 * fee reaches the invoices through the billing run (data/billing-repo → domain/billing).
 * The route's guard has already decided the user may act for the contract's customer.
 */
import type { ContractView } from '../data/contracts-repo';
import { findContract } from '../data/contracts-repo';
import {
  endContractService, findContractService, insertContractService, listContractServices, type ContractServiceRow,
} from '../data/contract-services-repo';
import { audit } from '../data/audit-repo';
import { queueMail } from '../adapters/mail/outbox';
import { DomainError } from '../domain/errors';
import {
  cancellationTerms, contractingRefusal, findService, serviceLive, serviceName, servicesFor,
  type CancellationTerms, type ContractingRefusal, type MaintenanceService,
} from '../domain/maintenance-services';
import { todayInSpain } from '../domain/time';
import type { UseCaseContext } from './context';
import { createRequest } from './requests';
import type { Access } from '../domain/access';
import { letterDay, letterEuros } from '../domain/letter-format';

export interface ContractedServiceView {
  id: number;
  code: string;
  monthlyFeeCents: number;
  startDate: string;
  endDate: string | null;
  live: boolean;
  /** Present while it can still be cancelled. */
  terms: CancellationTerms | null;
}

export interface ServicesPage {
  contract: ContractView;
  contracted: ContractedServiceView[];
  /** Services that fit the supply and are not in force on it. */
  available: MaintenanceService[];
}

async function contractOrNotFound(ctx: UseCaseContext, contractId: number): Promise<ContractView> {
  const c = await findContract(ctx.db, contractId);
  if (!c) throw new DomainError('not_found');
  return c;
}

function view(r: ContractServiceRow, today: string): ContractedServiceView {
  const s = {
    code: r.service_code, startDate: r.start_date, endDate: r.end_date, permanenceMonths: r.permanence_months,
  };
  return {
    id: r.id, code: r.service_code, monthlyFeeCents: r.monthly_fee_cents, startDate: r.start_date, endDate: r.end_date,
    live: serviceLive(s, today), terms: r.end_date === null ? cancellationTerms(s, today) : null,
  };
}

/** The services of a contract as its pages show them (the contract page lists the live ones). */
export async function contractServices(ctx: UseCaseContext, input: { contractId: number }): Promise<ServicesPage> {
  const contract = await contractOrNotFound(ctx, input.contractId);
  const today = todayInSpain(ctx.now);
  const contracted = (await listContractServices(ctx.db, contract.id)).map((r) => view(r, today));
  const live = new Set(contracted.filter((s) => s.live).map((s) => s.code));
  const available = contract.status === 'active' ? servicesFor(contract.energy).filter((s) => !live.has(s.code)) : [];
  return { contract, contracted, available };
}

export type ContractServiceResult =
  | { kind: 'done'; id: number; service: MaintenanceService; startDate: string }
  | { kind: 'refused'; reason: ContractingRefusal }
  | { kind: 'conditions_not_accepted' };

/** Contracts a service from today, at today's fee and minimum term, which the row keeps. */
export async function contractMaintenanceService(
  ctx: UseCaseContext, input: { contractId: number; code: string; acceptedConditions: boolean; access: Access },
): Promise<ContractServiceResult> {
  const { actor, now } = ctx;
  const today = todayInSpain(now);
  const result = await ctx.db.transaction(async (trx): Promise<ContractServiceResult> => {
    const c = await findContract(trx, input.contractId);
    if (!c) throw new DomainError('not_found');
    const existing = (await listContractServices(trx, c.id))
      .map((r) => ({ code: r.service_code, startDate: r.start_date, endDate: r.end_date }));
    const refusal = contractingRefusal(input.code, c, existing, today);
    if (refusal) return { kind: 'refused', reason: refusal };
    if (!input.acceptedConditions) return { kind: 'conditions_not_accepted' };
    const service = findService(input.code)!;
    const id = await insertContractService(trx, {
      contractId: c.id, customerId: c.customer_id, code: service.code, monthlyFeeCents: service.monthlyFeeCents,
      permanenceMonths: service.permanenceMonths, startDate: today, userId: actor.userId, now,
    });
    await audit(trx, {
      actorType: 'user', actorId: actor.userId, customerId: c.customer_id, action: 'service.contracted',
      targetType: 'contract', targetId: c.id, ip: actor.ip, at: now,
      details: {
        service: service.code, contractServiceId: id, monthlyFeeCents: service.monthlyFeeCents,
        permanenceMonths: service.permanenceMonths, startDate: today,
      },
    });
    await queueMail(trx, {
      to: actor.email, lang: actor.language, template: 'service_contracted',
      userId: actor.userId, customerId: c.customer_id,
      params: {
        name: actor.firstName, service: serviceName(service.code, actor.language),
        address: `${c.street} ${c.sp_number}, ${c.municipality}`,
        fee: letterEuros(service.monthlyFeeCents, actor.language), start: letterDay(today),
        months: service.permanenceMonths,
      },
      actionUrl: `${ctx.config.publicUrl}/contratos/${c.id}/servicios`,
    });
    // applied at once, and kept in Mis gestiones and the staff queue like any other lead
    await createRequest(trx, {
      type: 'maintenance_service', customerId: c.customer_id, contractId: c.id, access: input.access,
      payload: {
        action: 'contract', service: service.code, serviceName: serviceName(service.code, actor.language),
        monthlyFeeCents: service.monthlyFeeCents, permanenceMonths: service.permanenceMonths, startDate: today,
      },
      status: 'completada', notifyCreator: false,
    }, actor, now, ctx.config);
    return { kind: 'done', id, service, startDate: today };
  });
  if (result.kind === 'done') ctx.mailer?.kick();
  return result;
}

export interface CancelPage { contract: ContractView; service: ContractedServiceView }

/** A service of the contract that can still be cancelled, with what cancelling means today. */
export async function serviceToCancel(
  ctx: UseCaseContext, input: { contractId: number; serviceId: number },
): Promise<CancelPage> {
  const contract = await contractOrNotFound(ctx, input.contractId);
  const row = Number.isSafeInteger(input.serviceId)
    ? await findContractService(ctx.db, contract.id, input.serviceId) : undefined;
  if (!row) throw new DomainError('not_found');
  return { contract, service: view(row, todayInSpain(ctx.now)) };
}

export type CancelResult = { kind: 'done'; terms: CancellationTerms; code: string } | { kind: 'already' };

/** Ends the service on the last day of the month (see domain/maintenance-services for why). */
export async function cancelMaintenanceService(
  ctx: UseCaseContext, input: { contractId: number; serviceId: number; access: Access },
): Promise<CancelResult> {
  const { actor, now } = ctx;
  const today = todayInSpain(now);
  const result = await ctx.db.transaction(async (trx): Promise<CancelResult> => {
    const c = await findContract(trx, input.contractId);
    const row = c && Number.isSafeInteger(input.serviceId)
      ? await findContractService(trx, c.id, input.serviceId) : undefined;
    if (!c || !row) throw new DomainError('not_found');
    if (row.end_date !== null) return { kind: 'already' };
    const terms = cancellationTerms({
      code: row.service_code, startDate: row.start_date, endDate: null, permanenceMonths: row.permanence_months,
    }, today);
    if (!(await endContractService(trx, row.id, terms.effectiveDate, actor.userId, now))) return { kind: 'already' };
    await audit(trx, {
      actorType: 'user', actorId: actor.userId, customerId: c.customer_id, action: 'service.cancelled',
      targetType: 'contract', targetId: c.id, ip: actor.ip, at: now,
      details: {
        service: row.service_code, contractServiceId: row.id, effectiveDate: terms.effectiveDate, early: terms.early,
        permanenceEnds: terms.permanenceEnds,
      },
    });
    await queueMail(trx, {
      to: actor.email, lang: actor.language, template: 'service_cancelled',
      userId: actor.userId, customerId: c.customer_id,
      params: {
        name: actor.firstName, service: serviceName(row.service_code, actor.language),
        address: `${c.street} ${c.sp_number}, ${c.municipality}`, end: letterDay(terms.effectiveDate),
      },
      actionUrl: `${ctx.config.publicUrl}/contratos/${c.id}/servicios`,
    });
    await createRequest(trx, {
      type: 'maintenance_service', customerId: c.customer_id, contractId: c.id, access: input.access,
      payload: {
        action: 'cancel', service: row.service_code, serviceName: serviceName(row.service_code, actor.language),
        startDate: row.start_date, endDate: terms.effectiveDate,
      },
      status: 'completada', notifyCreator: false,
    }, actor, now, ctx.config);
    return { kind: 'done', terms, code: row.service_code };
  });
  if (result.kind === 'done') ctx.mailer?.kick();
  return result;
}


