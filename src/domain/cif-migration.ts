import type { LinkRole } from './access';
import { classifyTaxId, normalizeId } from './ids';
import { isDocumentType, type RepresentativeDocumentType } from './representative-change';

/**
 * Moving an old account registered with a company CIF to the representative's personal NIF
 * (seed 002, DESIGN.md §4 rules 1 and 20). Pure.
 */

export type MigrationField = 'cif' | 'documentType';

export type MigrationValidation =
  | { ok: true; value: { cif: string; documentType: RepresentativeDocumentType } }
  | { ok: false; errors: { field: MigrationField; code: 'required' | 'cif' }[] };

export function validateCifMigration(form: { cif: string; documentType: string }): MigrationValidation {
  const errors: { field: MigrationField; code: 'required' | 'cif' }[] = [];
  const id = classifyTaxId(normalizeId(form.cif));
  if (!form.cif.trim()) errors.push({ field: 'cif', code: 'required' });
  else if (id?.kind !== 'cif') errors.push({ field: 'cif', code: 'cif' });
  if (!isDocumentType(form.documentType)) errors.push({ field: 'documentType', code: 'required' });
  if (errors.length || !id) return { ok: false, errors };
  return { ok: true, value: { cif: id.value, documentType: form.documentType as RepresentativeDocumentType } };
}

export interface MigrationLink { linkId: number; customerId: number; role: LinkRole }
export interface MigrationCustomer { id: number; taxId: string; kind: 'individual' | 'company' | 'community' }

export type MigrationStep =
  | { kind: 'insert'; customerId: number; role: LinkRole }
  | { kind: 'set_role'; linkId: number; customerId: number; role: LinkRole }
  | { kind: 'revoke_old'; linkId: number; customerId: number };

export interface MigrationPlan {
  steps: MigrationStep[];
  /** Companies and communities whose representative on file becomes the NIF. */
  representativeOf: number[];
}

const STRENGTH: Record<LinkRole, number> = { authorized_read: 1, authorized_full: 2, representative: 3, holder: 3 };

/**
 * The CIF account's links move to the NIF account: the company itself (the customer whose tax
 * id is the CIF, or where the CIF account was holder/representative) as representative; any
 * other link keeps its role, so nobody gains more than the CIF account had. A link the NIF
 * account already has is only ever upgraded. Every CIF link is revoked.
 */
export function planCifMigration(input: {
  cif: string;
  cifLinks: readonly MigrationLink[];
  nifLinks: readonly MigrationLink[];
  customers: readonly MigrationCustomer[];
}): MigrationPlan {
  const steps: MigrationStep[] = [];
  const representativeOf: number[] = [];
  const cif = normalizeId(input.cif);
  for (const l of input.cifLinks) {
    const customer = input.customers.find((c) => c.id === l.customerId);
    const isCompany = customer !== undefined && customer.kind !== 'individual';
    const own = customer?.taxId === cif || l.role === 'holder' || l.role === 'representative';
    const target: LinkRole = own && isCompany ? 'representative' : own ? 'holder' : l.role;
    if (target === 'representative') representativeOf.push(l.customerId);
    const existing = input.nifLinks.find((n) => n.customerId === l.customerId);
    if (!existing) steps.push({ kind: 'insert', customerId: l.customerId, role: target });
    else if (STRENGTH[target] > STRENGTH[existing.role]) steps.push(
      { kind: 'set_role', linkId: existing.linkId, customerId: l.customerId, role: target },
    );
    steps.push({ kind: 'revoke_old', linkId: l.linkId, customerId: l.customerId });
  }
  // the company itself, even when the old account had lost its link to it
  const company = input.customers.find((c) => c.taxId === cif && c.kind !== 'individual');
  if (company && !input.cifLinks.some((l) => l.customerId === company.id)) {
    representativeOf.push(company.id);
    const existing = input.nifLinks.find((n) => n.customerId === company.id);
    if (!existing) steps.push({ kind: 'insert', customerId: company.id, role: 'representative' });
    else if (existing.role !== 'representative') steps.push(
      { kind: 'set_role', linkId: existing.linkId, customerId: company.id, role: 'representative' },
    );
  }
  return { steps, representativeOf };
}
