import type { Knex } from 'knex';
import type { Config } from '../config';
import { genericStatusAllowed, isReviewType, type Decision, type ReviewType } from '../domain/admin-requests';
import { DomainError } from '../domain/errors';
import { isSystemManaged, type RequestStatus } from '../domain/requests';
import { audit } from '../data/audit-repo';
import { applyProductChange } from './product-change';
import { applyCancellation } from './cancellation';
import { applyHolderChange } from './holder-change';
import { findRequest, lockRequest } from '../data/requests-repo';
import { isAssignableStaff, lockRequestForAssignment, setAssignee } from '../data/admin-requests-repo';
import { approveRepresentativeChange, rejectRepresentativeChange } from './representative-change';
import { approveCifMigration, rejectCifMigration } from './cif-migration';
import { approveExternalManager, rejectExternalManager } from './external-managers';
import { changeRequestStatus } from './requests';
import { isLeadType } from '../domain/new-supply';
import { dropBankDetails } from '../data/new-supply-repo';
import type { StaffActor, StaffContext } from './context';

export type { StaffActor } from './context';

type Operation<N> = (
  trx: Knex.Transaction, requestId: number, staff: { id: number | null }, note: N, now: Date, config: Config,
) => Promise<void>;

// Each decision applies its effect (links, representative on file, relation) with the status.
const OPERATIONS: Record<ReviewType, { approve: Operation<string | null>; reject: Operation<string> }> = {
  representative_change: { approve: approveRepresentativeChange, reject: rejectRepresentativeChange },
  cif_migration: { approve: approveCifMigration, reject: rejectCifMigration },
  external_manager: { approve: approveExternalManager, reject: rejectExternalManager },
};

/**
 * A supervisor's decision on a pending review, inside the caller's transaction; the request's
 * note (or reason) reaches the customer through the timeline and the status email.
 */
export function decideReview(
  ctx: StaffContext, input: { requestId: number; decision: Decision; note: string | null },
): Promise<{ reference: string; customerId: number }> {
  return ctx.db.transaction(
    (trx) => decideReviewInTransaction(
      trx, input.requestId, input.decision, input.note, ctx.actor, ctx.now, ctx.config,
    ),
  );
}

async function decideReviewInTransaction(
  trx: Knex.Transaction, requestId: number, decision: Decision, note: string | null, staff: StaffActor, now: Date,
  config: Config,
): Promise<{ reference: string; customerId: number }> {
  const req = await lockRequest(trx, requestId);
  if (!req) throw new DomainError('not_found');
  if (!isReviewType(req.type)) throw new DomainError('conflict', 'Not a request that needs a review');
  const op = OPERATIONS[req.type];
  if (decision === 'approve') await op.approve(trx, requestId, { id: staff.id }, note, now, config);
  else await op.reject(trx, requestId, { id: staff.id }, note ?? '', now, config);
  const reference = (await findRequest(trx, requestId))?.reference ?? '';
  await audit(trx, {
    actorType: 'staff', actorId: staff.id, customerId: req.customer_id,
    action: decision === 'approve' ? 'review.approved' : 'review.rejected',
    targetType: 'request', targetId: requestId, ip: staff.ip, at: now, details: {
      reference, type: req.type, ...(note ? { note } : {}),
    },
  });
  return { reference, customerId: req.customer_id };
}

/**
 * A status change from the request page, with the note the customer reads. Review types are
 * refused here except "en trámite" (the caller's check says so too; this holds under races).
 */
export async function changeStatusAsStaff(
  ctx: StaffContext, input: { requestId: number; to: RequestStatus; note: string | null },
): Promise<void> {
  await ctx.db.transaction(
    (trx) => changeStatusInTransaction(trx, input.requestId, input.to, input.note, ctx.actor, ctx.now, ctx.config),
  );
}

async function changeStatusInTransaction(
  trx: Knex.Transaction, requestId: number, to: RequestStatus, note: string | null, staff: StaffActor, now: Date,
  config: Config,
): Promise<void> {
  const req = await lockRequest(trx, requestId);
  if (!req) throw new DomainError('not_found');
  if (isReviewType(req.type) && to !== 'en_tramite') {
    throw new DomainError('conflict', 'Review requests are decided on the review page');
  }
  if (isSystemManaged(req.type)) throw new DomainError('conflict', 'A card payment follows its gateway order');
  if (!genericStatusAllowed(req.type, to)) {
    throw new DomainError('conflict', 'This request completes through its own form, which applies its change');
  }
  // completing a request applies its change in the same transaction, with its effective day
  if (to === 'completada' && req.type === 'product_change') await applyProductChange(trx, req, staff, now);
  if (to === 'completada' && req.type === 'cancellation') await applyCancellation(trx, req, staff, now);
  if (to === 'completada' && req.type === 'holder_change') await applyHolderChange(trx, req, staff, now, config);
  await changeRequestStatus(trx, requestId, to, { type: 'staff', id: staff.id }, note, now, config);
  if (to === 'rechazada' && isLeadType(req.type)) await dropBankDetails(trx, requestId);
  if (note) {
    // the generic status audit row has no note; keep what the customer was told with the staff member's address
    await audit(
      trx,
      {
        actorType: 'staff', actorId: staff.id, customerId: req.customer_id, action: 'request.note',
        targetType: 'request', targetId: requestId, ip: staff.ip, at: now, details: { status: to, note },
      },
    );
  }
}

export type AssignResult = 'assigned' | 'unchanged';

/** Internal: who handles a request. The customer is not told; the audit log keeps the history. */
export function assignRequest(
  ctx: StaffContext, input: { requestId: number; to: number | null },
): Promise<AssignResult> {
  return ctx.db.transaction((trx) => assignInTransaction(trx, input.requestId, input.to, ctx.actor, ctx.now));
}

async function assignInTransaction(
  trx: Knex.Transaction, requestId: number, to: number | null, staff: StaffActor, now: Date,
): Promise<AssignResult> {
  const req = await lockRequestForAssignment(trx, requestId);
  if (!req) throw new DomainError('not_found');
  if (to !== null && !(await isAssignableStaff(trx, to))) {
    throw new DomainError('invalid_input', 'Not an active staff member');
  }
  const from = req.assigned_staff_id === null ? null : Number(req.assigned_staff_id);
  if (from === to) return 'unchanged';
  await setAssignee(trx, requestId, to);
  await audit(trx, {
    actorType: 'staff', actorId: staff.id, customerId: req.customer_id, action: 'request.assigned',
    targetType: 'request', targetId: requestId, ip: staff.ip, at: now,
    details: { from, to },
  });
  return 'assigned';
}
