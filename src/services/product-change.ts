/**
 * Product (tariff) change (issue 14 item 4): the customer compares the retailer's other products
 * on their own last 12 months, billed by the billing function, and asks for one; completing the
 * request moves the contract to it from the first day of the next month.
 */
import type { Knex } from 'knex';
import type { Access } from '../domain/access';
import { DomainError } from '../domain/errors';
import {
  checkProductChoice, monthlyCostDifference, productAlternatives, productChangeEffectiveDay, productOn,
  type ProductChangeError,
} from '../domain/product-change';
import { findProduct } from '../domain/tariffs';
import { todayInSpain } from '../domain/time';
import { letterDay } from '../domain/letter-format';
import { audit } from '../data/audit-repo';
import { findContract, monthlyConsumption, type ContractView } from '../data/contracts-repo';
import { openRequestFor, requestCreator, setRequestOutcome } from '../data/request-outcomes-repo';
import { insertEvent, type RequestRow } from '../data/requests-repo';
import { insertProductPeriod, productSchedule, setContractProduct } from '../data/product-periods-repo';
import { translator, isLanguage } from '../i18n';
import type { StaffActor, UseCaseContext } from './context';
import { createRequest } from './requests';
import { lastClosedMonth, monthsBefore } from './contracts';

export interface ProductOption { code: string; name: string; differenceCents: number | null }

export interface ProductPage {
  contract: ContractView;
  current: { code: string; name: string; since: string | null };
  options: ProductOption[];
  /** How many of the last 12 months had consumption to compare on. */
  months: number;
  pending: { id: number; reference: string } | null;
}

/** The contract's product today, the others it may move to and what each would have cost. */
export async function productPage(ctx: UseCaseContext, input: { contractId: number }): Promise<ProductPage> {
  const c = await findContract(ctx.db, input.contractId);
  if (!c || c.status !== 'active') throw new DomainError('not_found');
  const today = todayInSpain(ctx.now);
  const last = lastClosedMonth(today);
  const [usage, schedule, pending] = await Promise.all([
    monthlyConsumption(ctx.db, c.id, monthsBefore(last, 11), last),
    productSchedule(ctx.db, c.id),
    openRequestFor(ctx.db, c.id, 'product_change'),
  ]);
  const now = productOn(today, schedule, c.product_code);
  const months = usage.map((u) => ({ month: u.month, consumption: { P1: u.P1, P2: u.P2, P3: u.P3 } }));
  const powerKw = c.energy === 'electricity' && c.power_p1_kw !== null && c.power_p2_kw !== null
    ? { P1: Number(c.power_p1_kw), P2: Number(c.power_p2_kw) } : null;
  const options = productAlternatives(now.code).map((p) => ({
    code: p.code, name: p.name,
    differenceCents: monthlyCostDifference({ energy: c.energy, fromCode: now.code, toCode: p.code, powerKw, months }),
  }));
  return {
    contract: c, current: { code: now.code, name: findProduct(now.code)?.name ?? now.code, since: now.since },
    options, months: months.length, pending: pending ? { id: Number(pending.id), reference: pending.reference } : null,
  };
}

export type ProductChangeResult =
  | { kind: 'created'; request: { id: number; reference: string } }
  | { kind: 'invalid'; page: ProductPage; error: ProductChangeError };

export async function requestProductChange(
  ctx: UseCaseContext, input: { contractId: number; access: Access; product: string },
): Promise<ProductChangeResult> {
  const page = await productPage(ctx, input);
  const checked = checkProductChoice(page.current.code, input.product);
  if (!checked.ok) return { kind: 'invalid', page, error: checked.error };
  const option = page.options.find((o) => o.code === checked.value.code)!;
  const created = await ctx.db.transaction((trx) => createRequest(trx, {
    type: 'product_change', customerId: page.contract.customer_id, contractId: page.contract.id, access: input.access,
    payload: {
      fromProduct: page.current.code, toProduct: option.code,
      ...(option.differenceCents === null
        ? {}
        : { monthlyDifferenceCents: option.differenceCents, months: page.months }),
    },
  }, ctx.actor, ctx.now, ctx.config));
  ctx.mailer?.kick();
  return { kind: 'created', request: created };
}

/**
 * Completion, inside the status change's transaction: the contract's product changes from the
 * first day of next month (the schedule keeps the product it had until then), the request
 * records that day, the customer reads it in the timeline.
 */
export async function applyProductChange(
  trx: Knex.Transaction, req: RequestRow, staff: StaffActor, now: Date,
): Promise<void> {
  const c = req.contract_id ? await findContract(trx, req.contract_id) : undefined;
  const to = findProduct(String(req.payload?.toProduct ?? ''));
  if (!c || !to) throw new DomainError('conflict', 'The product change names no contract or no product');
  if (c.status !== 'active') throw new DomainError('conflict', 'The contract has ended');
  const day = productChangeEffectiveDay(todayInSpain(now));
  const schedule = await productSchedule(trx, c.id);
  // the product billed so far, from the contract's start, so the months before the change keep it
  if (schedule.length === 0) {
    await insertProductPeriod(trx, {
      contractId: c.id, validFrom: c.start_date, productCode: c.product_code, requestId: null, now,
    });
  }
  await insertProductPeriod(trx, { contractId: c.id, validFrom: day, productCode: to.code, requestId: req.id, now });
  await setContractProduct(trx, c.id, to.code);
  await setRequestOutcome(trx, req.id, { effective_date: day });
  const creator = await requestCreator(trx, req.created_by);
  const t = translator(creator && isLanguage(creator.language) ? creator.language : 'es');
  await insertEvent(trx, {
    requestId: req.id, at: now, kind: 'note', actorType: 'staff', actorId: staff.id,
    note: t('productChange.appliedNote', { product: to.name, date: letterDay(day) }),
  });
  await audit(trx, {
    actorType: 'staff', actorId: staff.id, customerId: req.customer_id, action: 'product_change.applied',
    targetType: 'contract', targetId: c.id, ip: staff.ip, at: now,
    details: { reference: req.reference, from: c.product_code, to: to.code, effectiveDate: day },
  });
}
