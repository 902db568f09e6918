/**
 * A customer accepts a promotion's discount for one of its contracts (issue 15 item 4): once
 * per contract, with an audit row and a confirmation email; the billing run then takes the
 * discount into the invoices of the months it covers (data/billing-repo → domain/billing).
 */
import { audit } from '../data/audit-repo';
import { findPromotion, audienceOf, type PromotionRow } from '../data/promotions-repo';
import { insertAcceptance, offerContracts, type OfferContractRow } from '../data/promotion-acceptances-repo';
import { queueMail } from '../adapters/mail/outbox';
import { DomainError } from '../domain/errors';
import { audienceKind } from '../domain/promotions';
import { acceptRefusal, discountMonths, type AcceptRefusal, type Discount } from '../domain/promotion-discounts';
import { todayInSpain } from '../domain/time';
import type { UseCaseContext } from './context';

export interface OfferPromotion {
  id: number;
  title: string;
  body: string;
  validTo: string;
  discount: Discount;
}

export interface OfferContract {
  contractId: number;
  customerId: number;
  address: string;
  energy: 'electricity' | 'gas';
  refusal: AcceptRefusal | null;
}

function discountOf(p: PromotionRow): Discount | null {
  return p.discount_percent && p.discount_months ? { percent: p.discount_percent, months: p.discount_months } : null;
}

function refusalFor(p: PromotionRow, c: OfferContractRow, today: string): AcceptRefusal | null {
  return acceptRefusal(
    {
      active: p.active, validFrom: p.valid_from, validTo: p.valid_to, audience: audienceOf(p), discount: discountOf(p),
    },
    c, audienceKind(c.customer_kind, c.manages), c.accepted, today,
  );
}

/** A promotion with a discount that shows today; anything else is "not found". */
async function offeredPromotion(
  ctx: UseCaseContext, promotionId: number, lang: 'es' | 'ca',
): Promise<{ row: PromotionRow; card: OfferPromotion }> {
  const today = todayInSpain(ctx.now);
  const p = Number.isSafeInteger(promotionId) && promotionId > 0 ? await findPromotion(ctx.db, promotionId) : undefined;
  const discount = p ? discountOf(p) : null;
  if (!p || !discount || !p.active || today < p.valid_from || today > p.valid_to) throw new DomainError('not_found');
  return {
    row: p,
    card: {
      id: p.id, title: lang === 'ca' ? p.title_ca : p.title_es, body: lang === 'ca' ? p.body_ca : p.body_es,
      validTo: p.valid_to, discount,
    },
  };
}

function offer(c: OfferContractRow, refusal: AcceptRefusal | null): OfferContract {
  return {
    contractId: c.contract_id, customerId: c.customer_id, address: `${c.street} ${c.number}, ${c.municipality}`,
    energy: c.energy, refusal,
  };
}

/** The contracts of the customers the user may act for, each with whether it may take the promotion. */
export async function promotionOffer(
  ctx: UseCaseContext, input: { promotionId: number; lang: 'es' | 'ca'; customerIds: number[] },
): Promise<{ promotion: OfferPromotion; contracts: OfferContract[] }> {
  const { row, card } = await offeredPromotion(ctx, input.promotionId, input.lang);
  const today = todayInSpain(ctx.now);
  const rows = await offerContracts(ctx.db, row.id, { customerIds: input.customerIds });
  const contracts = rows.map((c) => offer(c, refusalFor(row, c, today)));
  // a contract the promotion is not for is not offered at all
  return { promotion: card, contracts: contracts.filter((c) => c.refusal !== 'not_for_you') };
}

/** The confirm page of one contract: what it gets, from and to which month, or why not. */
export async function promotionForContract(
  ctx: UseCaseContext, input: { promotionId: number; contractId: number; lang: 'es' | 'ca' },
): Promise<{ promotion: OfferPromotion; contract: OfferContract; months: { first: string; last: string } }> {
  const { row, card } = await offeredPromotion(ctx, input.promotionId, input.lang);
  const [c] = await offerContracts(ctx.db, row.id, { contractId: input.contractId });
  if (!c) throw new DomainError('not_found');
  const today = todayInSpain(ctx.now);
  const months = discountMonths(today, card.discount.months);
  return { promotion: card, contract: offer(c, refusalFor(row, c, today)), months };
}

export type AcceptResult =
  | { kind: 'done'; months: { first: string; last: string }; title: string }
  | { kind: 'refused'; reason: AcceptRefusal };

export async function acceptPromotion(
  ctx: UseCaseContext, input: { promotionId: number; contractId: number; lang: 'es' | 'ca' },
): Promise<AcceptResult> {
  const { actor, now } = ctx;
  const today = todayInSpain(now);
  const result = await ctx.db.transaction(async (trx): Promise<AcceptResult> => {
    const { row, card } = await offeredPromotion({ ...ctx, db: trx }, input.promotionId, input.lang);
    const [c] = await offerContracts(trx, row.id, { contractId: input.contractId });
    if (!c) throw new DomainError('not_found');
    const refusal = refusalFor(row, c, today);
    if (refusal) return { kind: 'refused', reason: refusal };
    const months = discountMonths(today, card.discount.months);
    const id = await insertAcceptance(trx, {
      promotionId: row.id, contractId: c.contract_id, customerId: c.customer_id, userId: actor.userId,
      percent: card.discount.percent, first: months.first, last: months.last, now,
    });
    // a second click that raced the first: the unique key kept it to one
    if (id === null) return { kind: 'refused', reason: 'already' };
    await audit(trx, {
      actorType: 'user', actorId: actor.userId, customerId: c.customer_id, action: 'promotion.accepted',
      targetType: 'contract',
      targetId: c.contract_id, ip: actor.ip, at: now,
      details: {
        promotionId: row.id, acceptanceId: id, percent: card.discount.percent, first: months.first, last: months.last,
      },
    });
    await queueMail(trx, {
      to: actor.email, lang: actor.language, template: 'promotion_accepted',
      userId: actor.userId, customerId: c.customer_id,
      params: {
        name: actor.firstName, title: actor.language === 'ca' ? row.title_ca : row.title_es,
        percent: card.discount.percent, address: `${c.street} ${c.number}, ${c.municipality}`,
        first: monthText(months.first), last: monthText(months.last),
      },
      actionUrl: `${ctx.config.publicUrl}/contratos/${c.contract_id}`,
    });
    return { kind: 'done', months, title: card.title };
  });
  if (result.kind === 'done') ctx.mailer?.kick();
  return result;
}

/** 'YYYY-MM' → 'MM/YYYY', as months are written in the emails. */
function monthText(month: string): string {
  return `${month.slice(5, 7)}/${month.slice(0, 4)}`;
}
