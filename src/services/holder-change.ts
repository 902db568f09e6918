/**
 * Change of holder (cambio de titular, issue 14 item 4): the new holder's identity and IBAN,
 * the current holder's consent (both sides confirm from an emailed single-use link, or
 * documents when the current holder cannot consent), and on completion the supply passes to
 * the new holder: the current contract ends the day before the effective day and a new
 * contract with a new contract account starts on it. Invoices stay with the contract (and
 * customer) they were issued for, so the old holder keeps reading their own past invoices and
 * never sees the new holder's.
 */
import type { Knex } from 'knex';
import type { Config } from '../config';
import type { Access } from '../domain/access';
import { mandateReference } from '../domain/direct-debit';
import { DomainError } from '../domain/errors';
import {
  checkHolderChange, confirmationsNeeded, dayBefore, holderChangeEffectiveDay, readyToComplete, stateOfPayload,
  type ConfirmationSide, type HolderChangeError, type HolderChangeInput,
} from '../domain/holder-change';
import { maskIban } from '../domain/ids';
import { letterDay } from '../domain/letter-format';
import { powersOn } from '../domain/power-periods';
import { productOn } from '../domain/product-change';
import { todayInSpain } from '../domain/time';
import { audit } from '../data/audit-repo';
import { findContract, type ContractView } from '../data/contracts-repo';
import { endContractAndServices } from './contract-end';
import { findCustomerByTaxId } from '../data/customers-repo';
import {
  customerContact, insertContract, insertContractAccount, insertCustomer, nextNumber,
} from '../data/holder-change-repo';
import { insertPowerPeriod, lastInvoicedDay, powerSchedule } from '../data/power-periods-repo';
import { productSchedule } from '../data/product-periods-repo';
import { openRequestFor, requestCreator, setRequestOutcome } from '../data/request-outcomes-repo';
import { findRequest, insertEvent, lockRequest, mergeRequestPayload, type RequestRow } from '../data/requests-repo';
import { queueMail } from '../adapters/mail/outbox';
import type { AcceptedFile } from '../adapters/uploads';
import { isLanguage, translator, type Language } from '../i18n';
import type { StaffActor, SystemContext, UseCaseContext } from './context';
import { issueLink } from './account-links';
import { attachDocuments } from './representative-change';
import { createRequest } from './requests';
import { consumeToken, peekToken } from './token-use';

export interface HolderChangePage {
  contract: ContractView;
  pending: { id: number; reference: string } | null;
  /** The day the change would apply if completed today. */
  effectiveDay: string;
}

export async function holderChangePage(ctx: UseCaseContext, input: { contractId: number }): Promise<HolderChangePage> {
  const c = await findContract(ctx.db, input.contractId);
  if (!c || c.status !== 'active') throw new DomainError('not_found');
  const [pending, last] = await Promise.all([
    openRequestFor(ctx.db, c.id, 'holder_change'), lastInvoicedDay(ctx.db, c.id),
  ]);
  return {
    contract: c, pending: pending ? { id: Number(pending.id), reference: pending.reference } : null,
    effectiveDay: holderChangeEffectiveDay(todayInSpain(ctx.now), last),
  };
}

export type HolderChangeResult =
  | { kind: 'created'; request: { id: number; reference: string } }
  | { kind: 'invalid'; page: HolderChangePage; errors: HolderChangeError[] };

/** Sends one side its confirmation link; only the token's hash is kept. */
async function sendConfirmation(trx: Knex, r: {
  requestId: number; reference: string; customerId: number; side: ConfirmationSide; to: string; lang: Language;
  params: Record<string, string>; now: Date; config: Config;
}): Promise<void> {
  // no user: the new holder may not be one; the token names the request and the side
  const link = await issueLink(trx, 'holder_consent', null, r.now, r.config, { requestId: r.requestId, side: r.side });
  await queueMail(trx, {
    to: r.to, lang: r.lang, template: `holder_change_confirm_${r.side}`, customerId: r.customerId,
    params: { ...r.params, reference: r.reference }, actionUrl: link,
  });
}

export async function requestHolderChange(ctx: UseCaseContext, input: HolderChangeInput & {
  contractId: number; access: Access; files: readonly AcceptedFile[]; filesOk: boolean;
}): Promise<HolderChangeResult> {
  const page = await holderChangePage(ctx, input);
  const c = page.contract;
  const checked = checkHolderChange(input, c.customer_tax_id);
  if (!checked.ok || !input.filesOk) return { kind: 'invalid', page, errors: checked.ok ? [] : checked.errors };
  const h = checked.value;
  const contact = await customerContact(ctx.db, c.customer_id);
  // the holder's email on file; a customer without one is told at the requester's address
  const currentEmail = contact?.email || ctx.actor.email;
  const created = await ctx.db.transaction(async (trx) => {
    const r = await createRequest(trx, {
      type: 'holder_change', customerId: c.customer_id, contractId: c.id, access: input.access,
      payload: {
        newHolderTaxId: h.taxId, newHolderKind: h.kind, newHolderName: h.name, newHolderEmail: h.email,
        newHolderPhone: h.phone,
        newIban: h.iban, consent: h.consent, documentType: h.documentType, currentEmail, documents: input.files.length,
      },
    }, ctx.actor, ctx.now, ctx.config);
    if (h.consent === 'documents') await attachDocuments(trx, c.customer_id, r, input.files, ctx.actor, ctx.now);
    const params = {
      currentName: c.customer_name, newName: h.name, cups: c.cups,
      address: `${c.street} ${c.sp_number}${c.floor_door ? ` ${c.floor_door}` : ''}, ${c.municipality}`,
    };
    for (const side of confirmationsNeeded(h.consent)) {
      await sendConfirmation(trx, {
        requestId: r.id, reference: r.reference, customerId: c.customer_id, side,
        to: side === 'current' ? currentEmail : h.email, lang: ctx.actor.language,
        params: { ...params, name: side === 'current' ? c.customer_name : h.name }, now: ctx.now, config: ctx.config,
      });
    }
    await audit(trx, {
      actorType: 'user', actorId: ctx.actor.userId, customerId: c.customer_id, action: 'holder_change.links_sent',
      targetType: 'request', targetId: r.id, ip: ctx.actor.ip, at: ctx.now,
      details: { reference: r.reference, sides: confirmationsNeeded(h.consent) },
    });
    return r;
  });
  ctx.mailer?.kick();
  return { kind: 'created', request: created };
}

export interface ConfirmationView {
  requestId: number; reference: string; side: ConfirmationSide;
  currentName: string; newName: string; cups: string; address: string; maskedIban: string; effectiveDay: string;
}

export type ConfirmationLookup = { ok: true; view: ConfirmationView } | { ok: false };

const OPEN = new Set(['recibida', 'en_tramite']);

async function viewOf(db: Knex, requestId: number, side: ConfirmationSide, now: Date):
  Promise<ConfirmationView | null> {
  const r = await findRequest(db, requestId);
  if (!r || r.type !== 'holder_change' || !OPEN.has(r.status) || !r.contract_id) return null;
  const c = await findContract(db, r.contract_id);
  if (!c || c.status !== 'active') return null;
  const p = r.payload ?? {};
  return {
    requestId, reference: r.reference, side, currentName: c.customer_name, newName: String(p.newHolderName ?? ''),
    cups: c.cups,
    address: `${c.street} ${c.sp_number}${c.floor_door ? ` ${c.floor_door}` : ''}, ${c.municipality}`,
    maskedIban: maskIban(String(p.newIban ?? '')),
    effectiveDay: holderChangeEffectiveDay(todayInSpain(now), await lastInvoicedDay(db, c.id)),
  };
}

function tokenTarget(payload: Record<string, unknown> | null): { requestId: number; side: ConfirmationSide } | null {
  const requestId = Number(payload?.requestId);
  const side = payload?.side;
  if (!Number.isSafeInteger(requestId) || (side !== 'current' && side !== 'new')) return null;
  return { requestId, side };
}

/** What the link's holder is asked to agree to; nothing is changed by looking. */
export async function holderConfirmation(ctx: SystemContext, token: unknown): Promise<ConfirmationLookup> {
  const { check, row } = await peekToken(ctx.db, token, 'holder_consent', ctx.now);
  const target = check === 'valid' ? tokenTarget(row?.payload ?? null) : null;
  const view = target ? await viewOf(ctx.db, target.requestId, target.side, ctx.now) : null;
  return view ? { ok: true, view } : { ok: false };
}

/**
 * One side confirms: the token is consumed under lock (a replay finds it used) and must belong
 * to the request the page showed, so a link cannot confirm another change.
 */
export async function confirmHolderChange(
  ctx: SystemContext, input: { token: unknown; requestId: number; ip: string | null },
):
  Promise<{ ok: true; view: ConfirmationView; ready: boolean } | { ok: false }> {
  const result = await ctx.db.transaction(async (trx) => {
    const peek = await peekToken(trx, input.token, 'holder_consent', ctx.now);
    const target = peek.check === 'valid' ? tokenTarget(peek.row?.payload ?? null) : null;
    if (!target || target.requestId !== input.requestId) return null;
    const req = await lockRequest(trx, target.requestId);
    const view = req ? await viewOf(trx, target.requestId, target.side, ctx.now) : null;
    if (!req || !view) return null;
    const { check } = await consumeToken(trx, input.token, 'holder_consent', ctx.now);
    if (check !== 'valid') return null;
    const day = todayInSpain(ctx.now);
    await mergeRequestPayload(trx, req.id, { [`${target.side}ConfirmedAt`]: day }, ctx.now);
    const creator = await requestCreator(trx, req.created_by);
    const t = translator(creator && isLanguage(creator.language) ? creator.language : 'es');
    await insertEvent(trx, {
      requestId: req.id, at: ctx.now, kind: 'note', actorType: 'system',
      note: t(`holderChange.confirmedNote.${target.side}`, {
        name: target.side === 'current' ? view.currentName : view.newName,
      }),
    });
    await audit(trx, {
      actorType: 'anonymous', customerId: req.customer_id, action: 'holder_change.confirmed', targetType: 'request',
      targetId: req.id, ip: input.ip, at: ctx.now, details: { reference: req.reference, side: target.side },
    });
    const after = await findRequest(trx, req.id);
    return { view, ready: readyToComplete(stateOfPayload(after?.payload ?? {})) };
  });
  return result ? { ok: true, ...result } : { ok: false };
}

/**
 * Completion, inside the status change's transaction: only once every confirmation is in (the
 * documents stand in for the current holder's). The new holder becomes a customer (or is found
 * by tax id), gets a new contract account with their IBAN and a new contract on the same supply
 * from the effective day; the current contract ends the day before.
 */
export async function applyHolderChange(
  trx: Knex.Transaction, req: RequestRow, staff: StaffActor, now: Date, config: Config,
): Promise<void> {
  const p = req.payload ?? {};
  if (!readyToComplete(stateOfPayload(p))) {
    throw new DomainError('conflict', 'The change of holder still waits for a confirmation');
  }
  const c = req.contract_id ? await findContract(trx, req.contract_id) : undefined;
  if (!c) throw new DomainError('conflict', 'The change of holder names no contract');
  if (c.status !== 'active') throw new DomainError('conflict', 'The contract has already ended');
  const str = (k: string) => (typeof p[k] === 'string' ? p[k] as string : '');
  const effective = holderChangeEffectiveDay(todayInSpain(now), await lastInvoicedDay(trx, c.id));

  const existing = await findCustomerByTaxId(trx, str('newHolderTaxId'));
  const customerId = existing ? Number(existing.id) : await insertCustomer(trx, {
    taxId: str('newHolderTaxId'), kind: p.newHolderKind === 'company' ? 'company' : 'individual',
    name: str('newHolderName'), email: str('newHolderEmail'), phone: str('newHolderPhone') || null, now,
  });
  const accountNumber = await nextNumber(trx, 'contract_accounts');
  const accountId = await insertContractAccount(trx, {
    number: accountNumber, customerId, billingName: str('newHolderName'),
    billing: {
      street: c.street, number: c.sp_number, floor_door: c.floor_door, postal_code: c.postal_code,
      municipality: c.municipality, province: c.province,
    },
    iban: str('newIban'), ibanHolder: str('newHolderName').slice(0, 70),
    mandateRef: mandateReference(accountNumber, now), now,
  });
  // the new contract starts with the product and powers in force on its first day
  const product = productOn(effective, await productSchedule(trx, c.id), c.product_code).code;
  const contractId = await insertContract(trx, {
    number: await nextNumber(trx, 'contracts'), accountId, supplyPointId: c.sp_id, customerId, productCode: product,
    startDate: effective, eBilling: false, now,
  });
  const schedule = await powerSchedule(trx, c.id);
  if (schedule.length && c.power_p1_kw !== null && c.power_p2_kw !== null) {
    const powers = powersOn(effective, schedule, { P1: Number(c.power_p1_kw), P2: Number(c.power_p2_kw) });
    await insertPowerPeriod(trx, {
      contractId, validFrom: effective, P1: powers.P1, P2: powers.P2, requestId: req.id, now,
    });
  }
  await endContractAndServices(trx, c, dayBefore(effective), staff, now, req.reference);
  await setRequestOutcome(trx, req.id, { effective_date: effective });

  const creator = await requestCreator(trx, req.created_by);
  const lang: Language = creator && isLanguage(creator.language) ? creator.language : 'es';
  const t = translator(lang);
  await insertEvent(trx, {
    requestId: req.id, at: now, kind: 'note', actorType: 'staff', actorId: staff.id,
    note: t('holderChange.appliedNote', { date: letterDay(effective), name: str('newHolderName') }),
  });
  const details = {
    reference: req.reference, effective, oldContractId: c.id, newContractId: contractId, newCustomerId: customerId,
  };
  await audit(trx, {
    actorType: 'staff', actorId: staff.id, customerId: req.customer_id, action: 'contract.holder_changed',
    targetType: 'contract', targetId: c.id, ip: staff.ip, at: now, details,
  });
  await audit(trx, {
    actorType: 'staff', actorId: staff.id, customerId, action: 'contract.created', targetType: 'contract',
    targetId: contractId, ip: staff.ip, at: now,
    details: { ...details, accountNumber, existingCustomer: Boolean(existing) },
  });
  const params = {
    cups: c.cups, date: letterDay(effective), reference: req.reference, newName: str('newHolderName'),
    currentName: c.customer_name,
  };
  await queueMail(trx, {
    to: str('currentEmail'), lang, template: 'holder_change_done_current', customerId: req.customer_id,
    params: { ...params, name: c.customer_name }, actionUrl: `${config.publicUrl}/gestiones/${req.id}`,
  });
  await queueMail(trx, {
    to: str('newHolderEmail'), lang, template: 'holder_change_done_new', customerId,
    params: { ...params, name: str('newHolderName'), account: accountNumber },
  });
}
