/**
 * An administrator issues a rectifying invoice: the corrected bill of the same period in the
 * "R" series, referencing the original, rendered and signed like every invoice (its stored
 * original follows the same original-once / duplicate rules), the original marked as replaced,
 * the e-billing customer emailed, an audit row. One transaction.
 */
import { DomainError } from '../domain/errors';
import { MIN_DAYS_TO_PAY } from '../domain/invoicing';
import {
  checkRectification, complaintRectifyRefusal, rectifiedBill, rectifyingDates, type RectifyError, type RectifyInput,
} from '../domain/rectifying';
import { todayInSpain } from '../domain/time';
import { letterDay, letterEuros } from '../domain/letter-format';
import { audit } from '../data/audit-repo';
import { powerSchedule } from '../data/power-periods-repo';
import { servicesForBilling } from '../data/contract-services-repo';
import { discountsForBilling } from '../data/promotion-acceptances-repo';
import { electronicRecipients, insertRectifying, lockInvoiceForRectifying } from '../data/rectifying-repo';
import { queueMail } from '../adapters/mail/outbox';
import { isLanguage, translator } from '../i18n';
import { insertEvent, lockRequest } from '../data/requests-repo';
import { requestCreator } from '../data/request-outcomes-repo';
import { storeSignedOriginals } from './invoice-documents';
import type { StaffContext } from './context';

export type RectifyResult =
  | { ok: true; id: number; number: string; original: string }
  | { ok: false; errors: RectifyError[] };

/**
 * `complaintId`: the favourable billing complaint the rectification answers; the complaint's
 * timeline tells the customer which invoice replaces which.
 */
export async function issueRectifyingInvoice(
  ctx: StaffContext, originalId: number, input: RectifyInput & { complaintId?: number | undefined },
): Promise<RectifyResult> {
  const signer = ctx.signer;
  if (!signer) throw new Error('issueRectifyingInvoice needs a signer');
  return ctx.db.transaction(async (trx) => {
    const o = await lockInvoiceForRectifying(trx, originalId);
    if (!o) throw new DomainError('not_found');
    const checked = checkRectification(input, {
      energy: o.energy, rectifiedBy: o.rectified_by_invoice_id, rectifies: o.rectifies_invoice_id,
    });
    const complaint = input.complaintId ? await lockRequest(trx, input.complaintId) : undefined;
    if (input.complaintId && !complaint) throw new DomainError('not_found');
    if (complaint) {
      const refusal = complaintRectifyRefusal({
        type: complaint.type, status: complaint.status, outcome: complaint.outcome ?? null,
        category: complaint.payload?.category, customerId: Number(complaint.customer_id),
        contractId: complaint.contract_id,
      }, { customerId: Number(o.customer_id), contractId: Number(o.contract_id) });
      if (refusal) {
        return { ok: false, errors: [...(checked.ok ? [] : checked.errors), { field: 'complaint', code: refusal }] };
      }
    }
    if (!checked.ok) return checked;
    const { reason, consumption } = checked.value;
    const contractId = Number(o.contract_id);
    const bill = rectifiedBill({
      energy: o.energy, productCode: o.product_code, periodStart: o.period_start, periodEnd: o.period_end,
      powerKw: o.power_p1_kw === null ? null : { P1: Number(o.power_p1_kw), P2: Number(o.power_p2_kw) },
      powerSchedule: o.energy === 'electricity' ? await powerSchedule(trx, o.contract_id) : [],
      // the corrected bill keeps the service fees and discounts of its period
      services: (await servicesForBilling(trx, [contractId], o.period_start, o.period_end)).get(contractId),
      discounts: (await discountsForBilling(trx, [contractId], o.period_start)).get(contractId),
    }, consumption);
    const dates = rectifyingDates(todayInSpain(ctx.now), o.due_date, MIN_DAYS_TO_PAY);
    const created = await insertRectifying(trx, o, {
      ...dates, reason, consumption, bill, requestId: complaint?.id ?? null,
    });
    await storeSignedOriginals(trx, [created.id], signer, ctx.now);
    if (o.delivery === 'electronic') {
      const diff = bill.totals.totalCents - o.total_cents;
      for (const u of await electronicRecipients(trx, o.customer_id)) {
        const lang = isLanguage(u.language) ? u.language : 'es';
        await queueMail(trx, {
          to: u.email, lang, template: 'invoice_rectified', userId: u.id, customerId: o.customer_id,
          params: {
            name: u.first_name, number: created.number, original: o.number, reason,
            address: `${o.street} ${o.sp_number}, ${o.municipality}`,
            amount: letterEuros(bill.totals.totalCents, lang),
            difference: `${diff > 0 ? '+' : diff < 0 ? '−' : ''}${letterEuros(Math.abs(diff), lang)}`,
            due: letterDay(dates.dueDate),
          },
          actionUrl: `${ctx.config.publicUrl}/facturas/${created.id}`,
        });
      }
    }
    if (complaint) {
      // the remedy, in the timeline of the complaint the customer follows, in their language
      const creator = await requestCreator(trx, complaint.created_by);
      const t = translator(creator && isLanguage(creator.language) ? creator.language : 'es');
      await insertEvent(trx, {
        requestId: complaint.id, at: ctx.now, kind: 'note', actorType: 'staff', actorId: ctx.actor.id,
        note: t('rectifying.complaintNote', { number: created.number, original: o.number }),
      });
    }
    await audit(trx, {
      actorType: 'staff', actorId: ctx.actor.id, customerId: o.customer_id,
      action: 'invoice.rectified', targetType: 'invoice', targetId: o.id, ip: ctx.actor.ip, at: ctx.now,
      details: {
        original: o.number, rectifying: created.number, reason, from: o.total_cents, to: bill.totals.totalCents,
        ...(complaint ? { complaint: complaint.reference } : {}),
      },
    });
    return { ok: true, id: created.id, number: created.number, original: o.number };
  });
}
