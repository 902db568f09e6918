/**
 * Cancellation (baja) of a contract (issue 14 item 4): the customer gives the last day of supply
 * and the meter's final reading; completing the request ends the contract on that day and
 * records the reading, which the final invoice bills. No invoice covers a day after it.
 */
import type { Knex } from 'knex';
import type { Access } from '../domain/access';
import { checkCancellation, type CancellationError, type CancellationInput } from '../domain/cancellation';
import { DomainError } from '../domain/errors';
import { letterDay } from '../domain/letter-format';
import { todayInSpain } from '../domain/time';
import { audit } from '../data/audit-repo';
import { findContract, type ContractView } from '../data/contracts-repo';
import { endContractAndServices } from './contract-end';
import { lastInvoicedDay } from '../data/power-periods-repo';
import { asLastReading, insertReading, lastReading } from '../data/readings-repo';
import { openRequestFor, requestCreator, setRequestOutcome } from '../data/request-outcomes-repo';
import { insertEvent, type RequestRow } from '../data/requests-repo';
import { translator, isLanguage } from '../i18n';
import type { StaffActor, UseCaseContext } from './context';
import { createRequest } from './requests';

export interface CancellationPage {
  contract: ContractView;
  /** Three registers (electricity with periods) or one. */
  periods: boolean;
  lastReading: { date: string; p1: number; p2: number | null; p3: number | null } | null;
  pending: { id: number; reference: string } | null;
}

export async function cancellationPage(ctx: UseCaseContext, input: { contractId: number }): Promise<CancellationPage> {
  const c = await findContract(ctx.db, input.contractId);
  if (!c || c.status !== 'active') throw new DomainError('not_found');
  const [last, pending] = await Promise.all([
    lastReading(ctx.db, c.sp_id), openRequestFor(ctx.db, c.id, 'cancellation'),
  ]);
  return {
    contract: c, periods: c.energy === 'electricity',
    lastReading: last ? { date: last.reading_date, p1: last.p1_kwh, p2: last.p2_kwh, p3: last.p3_kwh } : null,
    pending: pending ? { id: Number(pending.id), reference: pending.reference } : null,
  };
}

export type CancellationResult =
  | { kind: 'created'; request: { id: number; reference: string } }
  | { kind: 'invalid'; page: CancellationPage; errors: CancellationError[] };

export async function requestCancellation(
  ctx: UseCaseContext, input: CancellationInput & { contractId: number; access: Access },
): Promise<CancellationResult> {
  const page = await cancellationPage(ctx, input);
  const c = page.contract;
  const last = await lastReading(ctx.db, c.sp_id);
  const checked = checkCancellation(input, {
    today: todayInSpain(ctx.now), lastInvoicedDay: await lastInvoicedDay(ctx.db, c.id), periods: page.periods,
    lastReading: asLastReading(last)?.registers ?? null,
  });
  if (!checked.ok) return { kind: 'invalid', page, errors: checked.errors };
  const r = checked.value.reading;
  const created = await ctx.db.transaction((trx) => createRequest(trx, {
    type: 'cancellation', customerId: c.customer_id, contractId: c.id, access: input.access,
    payload: {
      endDate: checked.value.endDate,
      ...('total' in r ? { finalReading: r.total } : { finalP1: r.P1, finalP2: r.P2, finalP3: r.P3 }),
    },
  }, ctx.actor, ctx.now, ctx.config));
  ctx.mailer?.kick();
  return { kind: 'created', request: created };
}

/**
 * Completion, inside the status change's transaction: the contract ends on the day asked for
 * and the final reading is recorded as the customer's reading of that day.
 */
export async function applyCancellation(
  trx: Knex.Transaction, req: RequestRow, staff: StaffActor, now: Date,
): Promise<void> {
  const c = req.contract_id ? await findContract(trx, req.contract_id) : undefined;
  const p = req.payload ?? {};
  const endDate = typeof p.endDate === 'string' ? p.endDate : '';
  if (!c || !endDate) throw new DomainError('conflict', 'The cancellation names no contract or no day');
  if (c.status !== 'active') throw new DomainError('conflict', 'The contract has already ended');
  const last = await lastInvoicedDay(trx, c.id);
  // an invoice issued since the request may already cover the day: the contract cannot end inside it
  if (last && endDate <= last) throw new DomainError('conflict', 'The last day of supply is already invoiced');
  const registers = typeof p.finalReading === 'number' ? { total: p.finalReading }
    : { P1: Number(p.finalP1), P2: Number(p.finalP2), P3: Number(p.finalP3) };
  await insertReading(trx, {
    supplyPointId: c.sp_id, date: endDate, source: 'customer', registers, createdBy: req.created_by, now,
  });
  await endContractAndServices(trx, c, endDate, staff, now, req.reference);
  await setRequestOutcome(trx, req.id, { effective_date: endDate });
  const creator = await requestCreator(trx, req.created_by);
  const t = translator(creator && isLanguage(creator.language) ? creator.language : 'es');
  await insertEvent(trx, {
    requestId: req.id, at: now, kind: 'note', actorType: 'staff', actorId: staff.id,
    note: t('cancellation.appliedNote', { date: letterDay(endDate) }),
  });
  await audit(trx, {
    actorType: 'staff', actorId: staff.id, customerId: req.customer_id, action: 'contract.ended',
    targetType: 'contract', targetId: c.id, ip: staff.ip, at: now, details: { reference: req.reference, endDate },
  });
}
