/**
 * A contracted-power change after the customer asked for it: the administrator sends it to the
 * distributor (ATR), then records the distributor's answer. An accepted change becomes a new
 * entry of the contract's power schedule from its effective day, in the same transaction as
 * the status change, and the customer is told (timeline note and email) what changes from when.
 */
import type { Knex } from 'knex';
import { DomainError } from '../domain/errors';
import { checkDistributorAnswer, type DistributorAnswerError } from '../domain/power-periods';
import { todayInSpain } from '../domain/time';
import { letterDay, letterKw } from '../domain/letter-format';
import { audit } from '../data/audit-repo';
import { findContract } from '../data/contracts-repo';
import { lockRequest } from '../data/requests-repo';
import { insertPowerPeriod, lastInvoicedDay, powerSchedule, setSupplyPointPower } from '../data/power-periods-repo';
import { requestCreator, setRequestOutcome } from '../data/request-outcomes-repo';
import { translator, isLanguage } from '../i18n';
import { changeRequestStatus } from './requests';
import type { StaffContext } from './context';

type Locked = NonNullable<Awaited<ReturnType<typeof lockRequest>>>;

async function lockPowerChange(trx: Knex.Transaction, requestId: number, status: 'recibida' | 'en_tramite'): Promise<Locked> {
  const req = await lockRequest(trx, requestId);
  if (!req || req.type !== 'power_change') throw new DomainError('not_found');
  if (req.status !== status) throw new DomainError('conflict', `The power change is ${req.status}, not ${status}`);
  return req;
}

async function customerT(trx: Knex, req: Locked) {
  const creator = await requestCreator(trx, req.created_by);
  const lang = creator && isLanguage(creator.language) ? creator.language : 'es';
  return { t: translator(lang), lang };
}

/** "en trámite" for a power change means: sent to the distributor, on this day. */
export async function sendPowerChangeToDistributor(ctx: StaffContext, requestId: number): Promise<{ reference: string; sentOn: string }> {
  return ctx.db.transaction(async (trx) => {
    const req = await lockPowerChange(trx, requestId, 'recibida');
    const c = req.contract_id ? await findContract(trx, req.contract_id) : undefined;
    if (!c) throw new DomainError('not_found');
    const today = todayInSpain(ctx.now);
    const { t } = await customerT(trx, req);
    const note = t('powerChanges.sentNote', { distributor: c.distributor, date: letterDay(today) });
    await changeRequestStatus(trx, requestId, 'en_tramite', { type: 'staff', id: ctx.actor.id }, note, ctx.now, ctx.config);
    await setRequestOutcome(trx, requestId, { sent_to_distributor_on: today });
    await audit(trx, {
      actorType: 'staff', actorId: ctx.actor.id, customerId: req.customer_id, action: 'power_change.sent', targetType: 'request', targetId: requestId,
      ip: ctx.actor.ip, at: ctx.now, details: { reference: req.reference, distributor: c.distributor, sentOn: today },
    });
    return { reference: req.reference, sentOn: today };
  });
}

export type AnswerResult =
  | { ok: true; kind: 'accepted' | 'refused'; reference: string; effectiveDate: string | null }
  | { ok: false; errors: DistributorAnswerError[] };

/**
 * The distributor's answer. Accepted: the schedule gets the new powers from the effective day
 * (the powers the contract had until then are written first when it has no history yet), the
 * supply point carries the latest powers, the request completes. Refused: it is rejected with
 * the distributor's reason. Validation needs the request and the invoices, so it runs here.
 */
export async function recordDistributorAnswer(ctx: StaffContext, requestId: number, input: { answer: string; effectiveDate: string; reason: string }): Promise<AnswerResult> {
  return ctx.db.transaction(async (trx) => {
    const req = await lockPowerChange(trx, requestId, 'en_tramite');
    const c = req.contract_id ? await findContract(trx, req.contract_id) : undefined;
    if (!c || c.power_p1_kw === null || c.power_p2_kw === null) throw new DomainError('not_found');
    const checked = checkDistributorAnswer(input, {
      today: todayInSpain(ctx.now), requestedOn: todayInSpain(new Date(req.created_at)), lastBilledDay: await lastInvoicedDay(trx, c.id),
    });
    if (!checked.ok) return { ok: false, errors: checked.errors };
    const { t, lang } = await customerT(trx, req);
    const staff = { type: 'staff' as const, id: ctx.actor.id };
    if (checked.value.kind === 'refused') {
      const note = t('powerChanges.refusedNote', { distributor: c.distributor, reason: checked.value.reason });
      await changeRequestStatus(trx, requestId, 'rechazada', staff, note, ctx.now, ctx.config);
      await audit(trx, {
        actorType: 'staff', actorId: ctx.actor.id, customerId: req.customer_id, action: 'power_change.refused', targetType: 'request', targetId: requestId,
        ip: ctx.actor.ip, at: ctx.now, details: { reference: req.reference, reason: checked.value.reason },
      });
      return { ok: true, kind: 'refused', reference: req.reference, effectiveDate: null };
    }
    const day = checked.value.effectiveDate;
    const p = req.payload as { toP1?: unknown; toP2?: unknown };
    const to = { P1: Number(p.toP1), P2: Number(p.toP2) };
    if (!(to.P1 > 0 && to.P2 > 0)) throw new DomainError('conflict', 'The request does not say which powers were asked for');
    const from = { P1: Number(c.power_p1_kw), P2: Number(c.power_p2_kw) };
    if ((await powerSchedule(trx, c.id)).length === 0) {
      // the powers billed so far, from the contract's start, so days before the change keep them
      await insertPowerPeriod(trx, { contractId: c.id, validFrom: c.start_date, ...from, requestId: null, now: ctx.now });
    }
    await insertPowerPeriod(trx, { contractId: c.id, validFrom: day, ...to, requestId, now: ctx.now });
    await setSupplyPointPower(trx, c.sp_id, to);
    await setRequestOutcome(trx, requestId, { effective_date: day });
    const note = t('powerChanges.acceptedNote', { distributor: c.distributor, date: letterDay(day), p1: letterKw(to.P1, lang), p2: letterKw(to.P2, lang) });
    await changeRequestStatus(trx, requestId, 'completada', staff, note, ctx.now, ctx.config);
    await audit(trx, {
      actorType: 'staff', actorId: ctx.actor.id, customerId: req.customer_id, action: 'power_change.applied', targetType: 'contract', targetId: c.id,
      ip: ctx.actor.ip, at: ctx.now, details: { reference: req.reference, from, to, effectiveDate: day },
    });
    return { ok: true, kind: 'accepted', reference: req.reference, effectiveDate: day };
  });
}
