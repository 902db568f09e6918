/**
 * External managers (gestor externo: a gestoría or administrador de fincas managing a client's
 * supplies), DESIGN.md §4 rules 18 and 20. Pure rules: the relation's life cycle and what the
 * client must give to appoint one.
 */
import { DomainError } from './errors';
import { classifyTaxId, isValidCif, normalizeId } from './ids';

export const MANAGER_STATUSES = ['pending_review', 'active', 'rejected', 'revoked'] as const;
export type ManagerStatus = (typeof MANAGER_STATUSES)[number];

// Rejected and revoked are final: a new appointment is a new relation with its own documents.
const TRANSITIONS: Record<ManagerStatus, readonly ManagerStatus[]> = {
  pending_review: ['active', 'rejected', 'revoked'],
  active: ['revoked'],
  rejected: [],
  revoked: [],
};

export function canTransition(from: ManagerStatus, to: ManagerStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function transitionManager(from: ManagerStatus, to: ManagerStatus): ManagerStatus {
  if (!canTransition(from, to)) {
    throw new DomainError('conflict', `An external manager cannot go from ${from} to ${to}`);
  }
  return to;
}

/** The client may withdraw a pending appointment as well as end an active one. */
export function canRevoke(status: ManagerStatus): boolean {
  return canTransition(status, 'revoked');
}

/** "Live" relations are the ones the unique index allows only once per client and gestoría. */
export function isLive(status: ManagerStatus): boolean {
  return status === 'pending_review' || status === 'active';
}

/** Appointments waiting for review at the same time, per client: enough for real use, not for spam. */
export const MAX_PENDING_APPOINTMENTS = 3;
export const MANAGER_NAME_MAX = 200;

export interface AppointmentInput {
  managerTaxId: string;
  managerName: string;
  representativeNif: string;
  representativeEmail: string;
}

export interface AppointmentContext {
  clientTaxId: string;
  pendingAppointments: number;
}

export type AppointmentField = keyof AppointmentInput;
export type AppointmentErrorCode = 'required' | 'invalid' | 'self' | 'too_long' | 'too_many_pending';
export interface AppointmentError { field: AppointmentField; code: AppointmentErrorCode }

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateAppointment(input: AppointmentInput, ctx: AppointmentContext):
  { ok: true; value: AppointmentInput } | { ok: false; errors: AppointmentError[] } {
  const errors: AppointmentError[] = [];
  const taxId = normalizeId(input.managerTaxId);
  const name = input.managerName.replace(/\s+/g, ' ').trim();
  const nif = normalizeId(input.representativeNif);
  const email = input.representativeEmail.trim();

  if (taxId === '') errors.push({ field: 'managerTaxId', code: 'required' });
  else if (!isValidCif(taxId)) errors.push({ field: 'managerTaxId', code: 'invalid' });
  else if (taxId === normalizeId(ctx.clientTaxId)) errors.push({ field: 'managerTaxId', code: 'self' });
  else if (ctx.pendingAppointments >= MAX_PENDING_APPOINTMENTS) errors.push(
    { field: 'managerTaxId', code: 'too_many_pending' },
  );

  if (name === '') errors.push({ field: 'managerName', code: 'required' });
  else if (name.length > MANAGER_NAME_MAX) errors.push({ field: 'managerName', code: 'too_long' });

  // the representative logs in with a personal id (rule 1), never with a CIF
  const kind = classifyTaxId(nif)?.kind;
  if (nif === '') errors.push({ field: 'representativeNif', code: 'required' });
  else if (kind !== 'nif' && kind !== 'nie') errors.push({ field: 'representativeNif', code: 'invalid' });

  if (email === '') errors.push({ field: 'representativeEmail', code: 'required' });
  else if (email.length > 254 || !EMAIL.test(email)) errors.push({ field: 'representativeEmail', code: 'invalid' });

  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: { managerTaxId: taxId, managerName: name, representativeNif: nif, representativeEmail: email.toLowerCase() },
  };
}
