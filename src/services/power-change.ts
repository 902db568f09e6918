import type { Access } from '../domain/access';
import { estimateMonthlyPowerCostDifference } from '../domain/billing';
import { DomainError } from '../domain/errors';
import {
  parsePower, validatePowerChange, type PowerChangeError, type PowerPair, type PowerPeriod,
} from '../domain/power';
import { findContract, type ContractView } from '../data/contracts-repo';
import { pendingPowerChange } from '../data/readings-repo';
import { insertEvent } from '../data/requests-repo';
import { translator } from '../i18n';
import type { UseCaseContext } from './context';
import { createRequest } from './requests';

/**
 * The contracted power change (issue 5 item 3): a request the distributor carries out, with the
 * monthly cost difference the billing function estimates, written in words in its timeline.
 */

export type ElectricityContract = ContractView & { power_p1_kw: number; power_p2_kw: number };

function locale(lang: string): string {
  return lang === 'ca' ? 'ca-ES' : 'es-ES';
}

export function formatKw(kw: number, lang: string): string {
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 3 }).format(kw);
}

function formatEuros(cents: number, lang: string): string {
  return new Intl.NumberFormat(locale(lang), { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

export interface PowerEstimate {
  fromP1: string; fromP2: string; toP1: string; toP2: string;
  cents: number; amount: string; direction: 'up' | 'down' | 'same'; value: PowerPair;
}

export function estimate(c: ElectricityContract, to: PowerPair, lang: string): PowerEstimate {
  const cents = estimateMonthlyPowerCostDifference(c.product_code, { P1: c.power_p1_kw, P2: c.power_p2_kw }, to);
  return {
    fromP1: formatKw(c.power_p1_kw, lang), fromP2: formatKw(c.power_p2_kw, lang), toP1: formatKw(to.P1, lang),
    toP2: formatKw(to.P2, lang),
    cents, amount: formatEuros(Math.abs(cents), lang), direction: cents > 0 ? 'up' : cents < 0 ? 'down' : 'same',
    value: to,
  };
}

export interface PowerPage { contract: ElectricityContract; pending: { id: number; reference: string } | null }

/** The contract (electricity only: gas supplies have no contracted power) and any change still open. */
export async function powerPage(ctx: UseCaseContext, input: { contractId: number }): Promise<PowerPage> {
  const c = await findContract(ctx.db, input.contractId);
  if (!c || c.energy !== 'electricity' || c.power_p1_kw === null || c.power_p2_kw === null) {
    throw new DomainError('not_found');
  }
  const pending = await pendingPowerChange(ctx.db, c.id);
  return {
    contract: c as ElectricityContract, pending: pending ? { id: pending.id, reference: pending.reference } : null,
  };
}

export type PowerChangeResult =
  | { kind: 'created'; request: { id: number; reference: string } }
  | { kind: 'invalid'; page: PowerPage; errors: Partial<Record<PowerPeriod, PowerChangeError>> };

export async function requestPowerChange(
  ctx: UseCaseContext, input: { contractId: number; access: Access; p1: string; p2: string },
): Promise<PowerChangeResult> {
  const { actor, now, config } = ctx;
  const page = await powerPage(ctx, input);
  const c = page.contract;
  const current = { P1: c.power_p1_kw, P2: c.power_p2_kw };
  const result = validatePowerChange(current, { P1: parsePower(input.p1), P2: parsePower(input.p2) });
  if (!result.ok) return { kind: 'invalid', page, errors: result.errors };
  const to = result.value;
  const t = translator(actor.language);
  const est = estimate(c, to, actor.language);
  const created = await ctx.db.transaction(async (trx) => {
    const r = await createRequest(trx, {
      type: 'power_change', customerId: c.customer_id, contractId: c.id, access: input.access,
      payload: { fromP1: current.P1, fromP2: current.P2, toP1: to.P1, toP2: to.P2, monthlyDifferenceCents: est.cents },
    }, actor, now, config);
    // what was asked, in words, in the timeline the customer follows
    await insertEvent(trx, {
      requestId: r.id, at: now, kind: 'note', actorType: 'user', actorId: actor.userId,
      note: t('powerChange.note', {
        fromP1: est.fromP1, fromP2: est.fromP2, toP1: est.toP1, toP2: est.toP2,
        difference: `${est.cents > 0 ? '+' : est.cents < 0 ? '−' : ''}${est.amount}`, distributor: c.distributor,
      }),
    });
    return r;
  });
  ctx.mailer?.kick();
  return { kind: 'created', request: created };
}
