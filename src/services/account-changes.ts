import type { Access } from '../domain/access';
import { DomainError } from '../domain/errors';
import { mandateReference, sepaCreditorIdentifier, type DirectDebit } from '../domain/direct-debit';
import { canChoosePaymentDay, dueDateForIssue, validatePaymentDay, type PaymentDayError } from '../domain/payment-day';
import { formatAddress, type Address } from '../domain/postal';
import { todayInSpain } from '../domain/time';
import {
  contractsOfAccount, lockContractAccount, setCorrespondenceAddress, setDirectDebit, setPaymentDay,
  type AccountContract,
} from '../data/contract-accounts-repo';
import { findContract, type ContractView } from '../data/contracts-repo';
import { queueMail } from '../adapters/mail/outbox';
import { translator } from '../i18n';
import type { UseCaseContext } from './context';
import { createRequest } from './requests';
import { retailer } from '../domain/retailer';
import { letterDay } from '../domain/letter-format';

/**
 * Changes to the CONTRACT ACCOUNT a contract belongs to (they apply to every contract of the
 * account): direct debit and IBAN with a SEPA mandate, payment day for businesses, and the
 * correspondence address. Each one is a request completed at once, with the account locked.
 */

export function mandateFacts() {
  return {
    creditorName: retailer.name, creditorId: sepaCreditorIdentifier(retailer.taxId), creditorAddress: retailer.address,
  };
}

export interface AccountPage { contract: ContractView; accountContracts: AccountContract[]; today: string }

/** The contract and the contracts a change of its account reaches; `business` pages 404 for households. */
export async function accountPage(
  ctx: UseCaseContext, input: { contractId: number; business?: boolean },
): Promise<AccountPage> {
  const contract = await findContract(ctx.db, input.contractId);
  if (!contract) throw new DomainError('not_found');
  // households pay on the standard term: the payment-day page does not exist for them
  if (input.business && !canChoosePaymentDay(contract.customer_kind)) throw new DomainError('not_found');
  return { contract, accountContracts: await contractsOfAccount(ctx.db, contract.ca_id), today: todayInSpain(ctx.now) };
}

async function contractOf(ctx: UseCaseContext, contractId: number): Promise<ContractView> {
  const c = await findContract(ctx.db, contractId);
  if (!c) throw new DomainError('not_found');
  return c;
}

type Created = { id: number; reference: string };

export async function changeDirectDebit(
  ctx: UseCaseContext, input: { contractId: number; access: Access; debit: DirectDebit },
): Promise<Created> {
  const { actor, now, config } = ctx;
  const c = await contractOf(ctx, input.contractId);
  const dd = input.debit;
  const t = translator(actor.language);
  const created = await ctx.db.transaction(async (trx) => {
    const account = await lockContractAccount(trx, c.ca_id);
    if (!account) throw new DomainError('not_found');
    const mandateRef = mandateReference(account.number, now, account.mandate_ref);
    await setDirectDebit(trx, account.id, { iban: dd.iban, holder: dd.holder, mandateRef, signedAt: now });
    // only the masked IBAN ever leaves the contract account: payload, timeline, emails
    const r = await createRequest(trx, {
      type: 'direct_debit', customerId: c.customer_id, contractId: c.id, access: input.access,
      payload: {
        contractAccount: account.number, maskedIban: dd.maskedIban, holder: dd.holder, mandateReference: mandateRef,
      },
      status: 'completada', completionNote: t('accountChanges.directDebit.note', { iban: dd.maskedIban }),
    }, actor, now, config);
    const m = mandateFacts();
    await queueMail(trx, {
      to: actor.email, lang: actor.language, template: 'direct_debit_changed', userId: actor.userId,
      customerId: c.customer_id,
      params: {
        name: actor.firstName, account: account.number, iban: dd.maskedIban, holder: dd.holder,
        creditor: m.creditorName, creditorId: m.creditorId, mandateRef, reference: r.reference,
      },
      actionUrl: `${config.publicUrl}/gestiones/${r.id}`,
    });
    return r;
  });
  ctx.mailer?.kick();
  return created;
}

export type PaymentDayResult =
  | { ok: true; request: Created; day: number; due: string }
  | { ok: false; error: PaymentDayError; page: AccountPage };

export async function changePaymentDay(
  ctx: UseCaseContext, input: { contractId: number; access: Access; paymentDay: string },
): Promise<PaymentDayResult> {
  const { actor, now, config } = ctx;
  const page = await accountPage(ctx, { contractId: input.contractId, business: true });
  const c = page.contract;
  const result = validatePaymentDay(input.paymentDay, c.payment_day);
  if (!result.ok) return { ok: false, error: result.error, page };
  const day = result.day;
  const t = translator(actor.language);
  const created = await ctx.db.transaction(async (trx) => {
    const account = await lockContractAccount(trx, c.ca_id);
    if (!account) throw new DomainError('not_found');
    await setPaymentDay(trx, account.id, day);
    return createRequest(trx, {
      type: 'payment_day', customerId: c.customer_id, contractId: c.id, access: input.access,
      payload: { contractAccount: account.number, paymentDay: day, previousPaymentDay: account.payment_day },
      status: 'completada', completionNote: t('accountChanges.paymentDay.note', { day, date: letterDay(page.today) }),
    }, actor, now, config);
  });
  ctx.mailer?.kick();
  return { ok: true, request: created, day, due: dueDateForIssue(page.today, day) };
}

export async function changeCorrespondenceAddress(
  ctx: UseCaseContext, input: { contractId: number; access: Access; address: Address },
): Promise<Created> {
  const { actor, now, config } = ctx;
  const c = await contractOf(ctx, input.contractId);
  const address = input.address;
  const t = translator(actor.language);
  const created = await ctx.db.transaction(async (trx) => {
    const account = await lockContractAccount(trx, c.ca_id);
    if (!account) throw new DomainError('not_found');
    await setCorrespondenceAddress(trx, account.id, address);
    return createRequest(trx, {
      type: 'correspondence_address', customerId: c.customer_id, contractId: c.id, access: input.access,
      payload: { contractAccount: account.number, address: formatAddress(address) },
      status: 'completada',
      completionNote: t('accountChanges.correspondence.note', { address: formatAddress(address) }),
    }, actor, now, config);
  });
  ctx.mailer?.kick();
  return created;
}
