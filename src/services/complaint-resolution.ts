/**
 * Answering a complaint: the outcome and the resolution text are stored with the request and
 * reach the customer (request page, timeline, email) in the same transaction as "completada".
 */
import { DomainError } from '../domain/errors';
import { checkResolution, type ResolutionError } from '../domain/complaint-resolution';
import { audit } from '../data/audit-repo';
import { lockRequest } from '../data/requests-repo';
import { requestCreator, setRequestOutcome } from '../data/request-outcomes-repo';
import { isLanguage, translator } from '../i18n';
import { changeRequestStatus } from './requests';
import type { StaffContext } from './context';

export type ResolveResult = { ok: true; reference: string } | { ok: false; errors: ResolutionError[] };

export async function resolveComplaint(
  ctx: StaffContext, requestId: number, input: { outcome: string; resolution: string },
): Promise<ResolveResult> {
  const checked = checkResolution(input);
  if (!checked.ok) return checked;
  return ctx.db.transaction(async (trx) => {
    const req = await lockRequest(trx, requestId);
    if (!req || req.type !== 'complaint') throw new DomainError('not_found');
    if (req.status !== 'recibida' && req.status !== 'en_tramite') {
      throw new DomainError('conflict', `The complaint is ${req.status}`);
    }
    const { outcome, resolution } = checked.value;
    await setRequestOutcome(trx, requestId, { outcome, resolution });
    const creator = await requestCreator(trx, req.created_by);
    const t = translator(creator && isLanguage(creator.language) ? creator.language : 'es');
    const heading = t('complaintResolution.note', { outcome: t(`complaintResolution.outcomes.${outcome}`) });
    const note = `${heading} ${resolution}`;
    await changeRequestStatus(
      trx, requestId, 'completada', { type: 'staff', id: ctx.actor.id }, note, ctx.now, ctx.config,
    );
    await audit(trx, {
      actorType: 'staff', actorId: ctx.actor.id, customerId: req.customer_id,
      action: 'complaint.resolved', targetType: 'request', targetId: requestId,
      ip: ctx.actor.ip, at: ctx.now, details: { reference: req.reference, outcome },
    });
    return { ok: true, reference: req.reference };
  });
}
