import type { Knex } from 'knex';
import { audit } from '../data/audit-repo';
import {
  audienceOf, currentPromotions, customersOfUser, findPromotion, insertPromotion, latestConsent, listPromotions,
  recordConsent, setPromotionActive, updatePromotion, type ConsentRow, type PromotionRow,
} from '../data/promotions-repo';
import { DomainError } from '../domain/errors';
import { MARKETING_CONSENT_VERSION, audienceKind, promotionApplies, type PromotionValue } from '../domain/promotions';
import { todayInSpain } from '../domain/time';

export interface PromotionsCtx {
  db: Knex;
  now: Date;
}

export interface PromotionCard {
  id: number;
  title: string;
  body: string;
  code: string | null;
  validTo: string;
  /** Accepted for a contract, it comes off the energy term of the next invoices. */
  discount: { percent: number; months: number } | null;
}

function card(p: PromotionRow, lang: 'es' | 'ca'): PromotionCard {
  const discount = p.discount_percent && p.discount_months
    ? { percent: p.discount_percent, months: p.discount_months } : null;
  return {
    id: p.id, title: lang === 'ca' ? p.title_ca : p.title_es, body: lang === 'ca' ? p.body_ca : p.body_es, code: p.code,
    validTo: p.valid_to, discount,
  };
}

/** The promotions in force today for any customer the user answers for, in their language. */
export async function promotionsForUser(
  ctx: PromotionsCtx, userId: number, lang: 'es' | 'ca',
): Promise<PromotionCard[]> {
  const today = todayInSpain(ctx.now);
  const [promos, customers] = await Promise.all([currentPromotions(ctx.db, today), customersOfUser(ctx.db, userId)]);
  const profiles = customers.map((c) => ({ kind: audienceKind(c.kind, c.manages), supplies: c.supplies }));
  return promos
    .filter(
      (p) => profiles.some(
        (profile) => promotionApplies(
          { active: p.active, validFrom: p.valid_from, validTo: p.valid_to, audience: audienceOf(p) }, profile, today,
        ),
      ),
    )
    .map((p) => card(p, lang));
}

// ---------------------------------------------------------------------------------------------
// Commercial communications (GDPR/LSSI): off unless the person says yes, each decision kept.

export interface ConsentState {
  granted: boolean;
  at: Date | null;
  version: string;
}

export async function marketingConsent(ctx: PromotionsCtx, userId: number): Promise<ConsentState> {
  const row: ConsentRow | undefined = await latestConsent(ctx.db, userId);
  return {
    granted: row?.granted ?? false, at: row?.at ?? null, version: row?.text_version ?? MARKETING_CONSENT_VERSION,
  };
}

export async function setMarketingConsent(
  ctx: PromotionsCtx & { actor: { userId: number; ip: string } }, granted: boolean,
): Promise<void> {
  await ctx.db.transaction(async (trx) => {
    await recordConsent(trx, ctx.actor.userId, granted, MARKETING_CONSENT_VERSION, ctx.now);
    await audit(trx, {
      actorType: 'user', actorId: ctx.actor.userId,
      action: granted ? 'consent.marketing.granted' : 'consent.marketing.withdrawn',
      targetType: 'user', targetId: ctx.actor.userId, ip: ctx.actor.ip, at: ctx.now, details: {
        textVersion: MARKETING_CONSENT_VERSION,
      },
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Staff

export interface StaffCtx extends PromotionsCtx {
  actor: { actorType: 'staff'; actorId: number; ip: string | null };
}

export function allPromotions(ctx: PromotionsCtx): Promise<PromotionRow[]> {
  return listPromotions(ctx.db);
}

export async function promotionById(ctx: PromotionsCtx, id: number): Promise<PromotionRow> {
  const p = Number.isSafeInteger(id) && id > 0 ? await findPromotion(ctx.db, id) : undefined;
  if (!p) throw new DomainError('not_found');
  return p;
}

export async function createPromotion(ctx: StaffCtx, v: PromotionValue): Promise<number> {
  return ctx.db.transaction(async (trx) => {
    const id = await insertPromotion(trx, v, ctx.actor.actorId, ctx.now);
    await audit(trx, {
      ...ctx.actor, action: 'promotion.create', targetType: 'promotion', targetId: id, at: ctx.now,
      details: { title: v.titleEs, from: v.validFrom, to: v.validTo, discount: v.discount ?? null },
    });
    return id;
  });
}

export async function editPromotion(ctx: StaffCtx, id: number, v: PromotionValue): Promise<void> {
  await ctx.db.transaction(async (trx) => {
    await promotionById({ db: trx, now: ctx.now }, id);
    await updatePromotion(trx, id, v, ctx.now);
    await audit(trx, {
      ...ctx.actor, action: 'promotion.update', targetType: 'promotion', targetId: id, at: ctx.now,
      details: { title: v.titleEs, from: v.validFrom, to: v.validTo, discount: v.discount ?? null },
    });
  });
}

export async function switchPromotion(ctx: StaffCtx, id: number, active: boolean): Promise<void> {
  await ctx.db.transaction(async (trx) => {
    await promotionById({ db: trx, now: ctx.now }, id);
    await setPromotionActive(trx, id, active, ctx.now);
    await audit(
      trx,
      {
        ...ctx.actor, action: active ? 'promotion.publish' : 'promotion.withdraw', targetType: 'promotion',
        targetId: id, at: ctx.now,
      },
    );
  });
}
