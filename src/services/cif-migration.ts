import type { Knex } from 'knex';
import type { Config } from '../config';
import { DomainError } from '../domain/errors';
import { planCifMigration, type MigrationStep } from '../domain/cif-migration';
import type { RepresentativeDocumentType } from '../domain/representative-change';
import { findCustomerByTaxId } from '../data/customers-repo';
import { findRequest, lockRequest } from '../data/requests-repo';
import { destroyUserSessions, findUserById, findUserByLoginId, updateUser } from '../data/users-repo';
import { audit } from '../data/audit-repo';
import {
  addLink, customersByIds, liveLinksOfUser, lockCustomer, openRequestOfType, revokeLink, setLinkRole,
  setRepresentativeNif,
} from '../data/representative-repo';
import { changeRequestStatus, createRequest, type Actor } from './requests';
import { attachDocuments, NO_ACCESS, type Staff } from './representative-change';
import { queueMail } from '../adapters/mail/outbox';
import type { AcceptedFile } from '../adapters/uploads';
import type { UseCaseContext } from './context';

/**
 * Seed 002: an account registered with a company CIF can no longer log in; the representative,
 * logged in with their own NIF, asks for the old account's companies to move to them. The same
 * email goes out whether or not there was anything to migrate.
 */
export async function requestCifMigration(
  ctx: UseCaseContext, input: { cif: string; documentType: RepresentativeDocumentType; files: readonly AcceptedFile[] },
): Promise<void> {
  const { actor } = ctx;
  await ctx.db.transaction(async (trx) => {
    await submitCifMigration(trx, input, actor, ctx.now, ctx.config);
    await queueMail(
      trx,
      {
        to: actor.email, lang: actor.language, template: 'cif_migration_received', userId: actor.userId,
        params: { name: actor.firstName, cif: input.cif },
      },
    );
  });
  ctx.mailer?.kick();
}

/**
 * Files a CIF migration when there is something to migrate (an old CIF account or a customer
 * with that CIF). Returns null otherwise, or when one is already waiting: the page and the
 * email say the same in every case, so the form does not tell who is a customer.
 */
export async function submitCifMigration(
  trx: Knex.Transaction,
  input: { cif: string; documentType: RepresentativeDocumentType; files: readonly AcceptedFile[] }, actor: Actor,
  now: Date, config: Config,
): Promise<{ id: number; reference: string } | null> {
  const company = await findCustomerByTaxId(trx, input.cif);
  const cifUser = await findUserByLoginId(trx, input.cif);
  const customerId = company?.id ?? (cifUser ? (await liveLinksOfUser(trx, cifUser.id))[0]?.customer_id : undefined);
  if (customerId === undefined) {
    await audit(
      trx,
      { actorType: 'user', actorId: actor.userId, action: 'cif_migration.nothing_to_migrate', ip: actor.ip, at: now },
    );
    return null;
  }
  await lockCustomer(trx, customerId);
  if (await openRequestOfType(trx, customerId, 'cif_migration')) {
    await audit(
      trx,
      {
        actorType: 'user', actorId: actor.userId, customerId, action: 'cif_migration.already_open', ip: actor.ip,
        at: now,
      },
    );
    return null;
  }
  const r = await createRequest(trx, {
    type: 'cif_migration', customerId, access: NO_ACCESS, notifyCreator: false,
    payload: { cif: input.cif, documentType: input.documentType, documents: input.files.length },
  }, actor, now, config);
  await attachDocuments(trx, customerId, r, input.files, actor, now);
  return r;
}

async function applyStep(
  trx: Knex.Transaction, s: MigrationStep, nifUserId: number, staff: Staff, reference: string, now: Date,
): Promise<void> {
  if (s.kind === 'insert') {
    await addLink(trx, { userId: nifUserId, customerId: s.customerId, role: s.role, grantedBy: null, now });
  }
  else if (s.kind === 'set_role') await setLinkRole(trx, s.linkId, s.role, null, now);
  else await revokeLink(trx, s.linkId, now);
  await audit(trx, {
    actorType: 'staff', actorId: staff.id, customerId: s.customerId,
    action: s.kind === 'revoke_old' ? 'link.revoked' : s.kind === 'insert' ? 'link.granted' : 'link.role_changed',
    targetType: 'link', targetId: s.kind === 'insert' ? `user:${nifUserId}` : s.linkId, at: now, details: {
      reference, reason: 'cif_migration', ...(s.kind === 'revoke_old' ? {} : { role: s.role }),
    },
  });
}

/**
 * An administrator approves: the old CIF account's customers move to the person who asked (as
 * representative of the company itself), the representative on file becomes their NIF, and the
 * CIF account is disabled with its sessions ended. Both addresses are told.
 */
export async function approveCifMigration(
  trx: Knex.Transaction, requestId: number, staff: Staff, note: string | null, now: Date, config: Config,
): Promise<void> {
  const req = await lockRequest(trx, requestId);
  if (!req || req.type !== 'cif_migration') throw new DomainError('not_found');
  const nifUser = req.created_by ? await findUserById(trx, req.created_by) : undefined;
  if (!nifUser || nifUser.status === 'disabled') {
    throw new DomainError('conflict', 'The person who asked can no longer take the accounts over');
  }
  await changeRequestStatus(trx, requestId, 'completada', { type: 'staff', id: staff.id }, note, now, config);
  const cif = String((req.payload as { cif?: unknown }).cif ?? '');
  const reference = (await findRequest(trx, requestId))?.reference ?? '';
  const cifUser = await findUserByLoginId(trx, cif);
  const cifLinks = cifUser ? await liveLinksOfUser(trx, cifUser.id) : [];
  const nifLinks = await liveLinksOfUser(trx, nifUser.id);
  const customers = await customersByIds(trx, [...new Set([req.customer_id, ...cifLinks.map((l) => l.customer_id)])]);
  const plan = planCifMigration({
    cif,
    cifLinks: cifLinks.map((l) => ({ linkId: l.link_id, customerId: l.customer_id, role: l.role })),
    nifLinks: nifLinks.map((l) => ({ linkId: l.link_id, customerId: l.customer_id, role: l.role })),
    customers: customers.map((c) => ({ id: c.id, taxId: c.tax_id, kind: c.kind })),
  });
  for (const s of plan.steps) await applyStep(trx, s, nifUser.id, staff, reference, now);
  for (const customerId of plan.representativeOf) {
    await setRepresentativeNif(trx, customerId, nifUser.login_id);
    await audit(
      trx,
      {
        actorType: 'staff', actorId: staff.id, customerId, action: 'representative.changed', targetType: 'request',
        targetId: requestId, at: now, details: { reference, to: nifUser.login_id, reason: 'cif_migration' },
      },
    );
  }
  const company = customers.find((c) => c.id === req.customer_id);
  if (cifUser && cifUser.status !== 'disabled') {
    await updateUser(trx, cifUser.id, { status: 'disabled' }, now);
    await destroyUserSessions(trx, cifUser.id);
    await audit(
      trx,
      {
        actorType: 'staff', actorId: staff.id, customerId: req.customer_id, action: 'account.disabled',
        targetType: 'user', targetId: cifUser.id, at: now,
        details: { reference, reason: 'cif_migration', movedTo: nifUser.id },
      },
    );
    await queueMail(trx, {
      to: cifUser.email, lang: cifUser.language, template: 'cif_migration_old_account', userId: cifUser.id,
      customerId: req.customer_id,
      params: { name: cifUser.first_name, cif, company: company?.name ?? '' },
    });
  }
  await queueMail(trx, {
    to: nifUser.email, lang: nifUser.language, template: 'cif_migration_done', userId: nifUser.id,
    customerId: req.customer_id,
    params: { name: nifUser.first_name, cif, company: company?.name ?? '' },
    actionUrl: `${config.publicUrl}/suministros`,
  });
}

/** An administrator refuses, with a reason; the CIF account stays as it was (it still cannot log in). */
export async function rejectCifMigration(
  trx: Knex.Transaction, requestId: number, staff: Staff, reason: string, now: Date, config: Config,
): Promise<void> {
  const req = await lockRequest(trx, requestId);
  if (!req || req.type !== 'cif_migration') throw new DomainError('not_found');
  await changeRequestStatus(trx, requestId, 'rechazada', { type: 'staff', id: staff.id }, reason, now, config);
  await audit(
    trx,
    {
      actorType: 'staff', actorId: staff.id, customerId: req.customer_id, action: 'cif_migration.rejected',
      targetType: 'request', targetId: requestId, at: now,
    },
  );
}
