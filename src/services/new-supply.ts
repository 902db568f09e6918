/**
 * Contracting another energy at an address the customer already supplies, or a new supply at a
 * new address (issue 15 item 2): the offer with its estimates, the request a customer makes (one
 * open per address and energy), and its completion by an administrator, which creates the
 * supply point, the contract (and a contract account when a new IBAN was given) in the same
 * transaction as the status change.
 */
import type { Knex } from 'knex';
import type { Access } from '../domain/access';
import type { Energy } from '../domain/billing-types';
import { mandateReference } from '../domain/direct-debit';
import { DomainError } from '../domain/errors';
import { maskIban } from '../domain/ids';
import { letterDay } from '../domain/letter-format';
import {
  addressKey,
  DEFAULT_DISTRIBUTOR,
  energyOffers,
  monthlyEstimate,
  offerForContract,
  tariffOf,
  validateCompletion,
  type CompletionError,
  type CompletionField,
  type CompletionInput,
  type Contracting,
  type EnergyOffer,
  type SupplyAddress,
} from '../domain/new-supply';
import { DuplicateRequestError } from '../domain/open-requests';
import { formatAddress } from '../domain/postal';
import { findProduct } from '../domain/tariffs';
import { todayInSpain } from '../domain/time';
import { audit } from '../data/audit-repo';
import { findContract, type ContractView } from '../data/contracts-repo';
import {
  activeSuppliesAt,
  contractAccountsOf,
  findAccountByNumber,
  insertContract,
  insertContractAccount,
  insertSupplyPoint,
  lockCustomer,
  nextNumber,
  openLeadFor,
  refreshSupplyPoint,
  setRequestContract,
  saveBankDetails,
  supplyPointByCups,
  takeBankDetails,
  type AccountChoice,
} from '../data/new-supply-repo';
import { lockRequest, mergeRequestPayload } from '../data/requests-repo';
import { requestCreator, setRequestOutcome } from '../data/request-outcomes-repo';
import { isLanguage, translator } from '../i18n';
import type { StaffContext, UseCaseContext } from './context';
import { changeRequestStatus, createRequest } from './requests';

export type { EnergyOffer } from '../domain/new-supply';

/** The addresses of these customers that lack an energy (the supplies list and Nuevos productos). */
export async function offersFor(db: Knex, customerIds: readonly number[]): Promise<EnergyOffer[]> {
  return energyOffers(await activeSuppliesAt(db, customerIds));
}

export interface EnergyOfferPage {
  contract: ContractView;
  /** Null when the address already has both energies. */
  offer: EnergyOffer | null;
  accounts: { number: string; maskedIban: string | null }[];
}

function accountChoices(rows: AccountChoice[]) {
  return rows.map((a) => ({ number: a.number, maskedIban: a.iban && a.direct_debit ? maskIban(a.iban) : null }));
}

/** The "contract another energy" page of a contract: the energy its address lacks and the customer's accounts. */
export async function energyOfferPage(db: Knex, contractId: number): Promise<EnergyOfferPage> {
  const contract = await findContract(db, contractId);
  if (!contract) throw new DomainError('not_found');
  const [supplies, accounts] = await Promise.all([
    activeSuppliesAt(db, [contract.customer_id]),
    contractAccountsOf(db, contract.customer_id),
  ]);
  return { contract, offer: offerForContract(supplies, contract.id), accounts: accountChoices(accounts) };
}

/** The energy the address of this contract lacks, if any (the link on the contract page). */
export async function offerAtContract(db: Knex, c: { id: number; customer_id: number }): Promise<EnergyOffer | null> {
  return offerForContract(await activeSuppliesAt(db, [c.customer_id]), c.id);
}

/** The customer's accounts, for the new supply form. */
export async function accountsForNewSupply(db: Knex, customerId: number) {
  return accountChoices(await contractAccountsOf(db, customerId));
}

export interface ContractingRequest {
  type: 'new_energy' | 'new_supply';
  customerId: number;
  access: Access;
  energy: Energy;
  address: SupplyAddress;
  contracting: Contracting;
  /** The customer's own yearly kWh, when they gave it for the estimate. */
  yearlyKwh?: number | undefined;
}

/**
 * Files the request, checked again under the customer's lock: the address must not have that
 * energy with us already, and no other request for the same address and energy may be open.
 * A new IBAN is kept apart from the payload until completion.
 */
export async function requestContracting(
  ctx: UseCaseContext,
  r: ContractingRequest,
): Promise<{ id: number; reference: string }> {
  const product = findProduct(r.contracting.productCode);
  if (!product || product.energy !== r.energy) throw new DomainError('invalid_input', 'product of another energy');
  const key = addressKey(r.address);
  const created = await ctx.db.transaction(async (trx) => {
    if (!(await lockCustomer(trx, r.customerId))) throw new DomainError('not_found');
    const supplied = (await activeSuppliesAt(trx, [r.customerId])).some(
      (s) => s.energy === r.energy && addressKey(s.address) === key,
    );
    if (supplied) throw new DomainError('conflict', 'This address already has this energy with us');
    const open = await openLeadFor(trx, r.customerId, key, r.energy);
    if (open) throw new DuplicateRequestError(r.type, { id: Number(open.id), reference: open.reference });
    const estimate = monthlyEstimate(product, { yearlyKwh: r.yearlyKwh, powerKw: r.contracting.powerKw ?? undefined });
    const pay = r.contracting.payment;
    const request = await createRequest(
      trx,
      {
        type: r.type,
        customerId: r.customerId,
        contractId: null,
        access: r.access,
        payload: {
          energy: r.energy,
          address: formatAddress(r.address),
          addressKey: key,
          street: r.address.street,
          number: r.address.number,
          floorDoor: r.address.floorDoor,
          postalCode: r.address.postalCode,
          municipality: r.address.municipality,
          province: r.address.province,
          productCode: product.code,
          productName: product.name,
          tariff: tariffOf(product),
          powerKw: r.contracting.powerKw,
          cups: r.contracting.cups,
          payment: pay.kind,
          contractAccount: pay.kind === 'account' ? pay.accountNumber : null,
          maskedIban: pay.kind === 'iban' ? pay.maskedIban : null,
          holder: pay.kind === 'iban' ? pay.holder : null,
          monthlyEstimateCents: estimate.monthlyCents,
          yearlyKwh: estimate.yearlyKwh,
        },
      },
      ctx.actor,
      ctx.now,
      ctx.config,
    );
    if (pay.kind === 'iban')
      await saveBankDetails(trx, { requestId: request.id, iban: pay.iban, holder: pay.holder, at: ctx.now });
    return request;
  });
  ctx.mailer?.kick();
  return created;
}


// ---------------------------------------------------------------------------------------------
// Completion

type Locked = NonNullable<Awaited<ReturnType<typeof lockRequest>>>;

interface LeadPayload {
  energy: Energy;
  productCode: string;
  powerKw: number | null;
  cups: string | null;
  payment: 'account' | 'iban';
  contractAccount: string | null;
  street: string;
  number: string;
  floorDoor: string | null;
  postalCode: string;
  municipality: string;
  province: string;
  address: string;
}

async function lockLead(trx: Knex.Transaction, requestId: number): Promise<Locked> {
  const req = await lockRequest(trx, requestId);
  if (!req || (req.type !== 'new_energy' && req.type !== 'new_supply')) throw new DomainError('not_found');
  if (req.status !== 'recibida' && req.status !== 'en_tramite')
    throw new DomainError('conflict', `The request is ${req.status}`);
  return req;
}

export type CompletionResult =
  | { ok: true; reference: string; contractId: number; contractNumber: string; startDate: string }
  | { ok: false; errors: Partial<Record<CompletionField, CompletionError | 'cups_taken' | 'cups_energy'>> };

/**
 * Completes a contracting request: the supply point (new, or one of ours without an active
 * contract), the contract account (the one chosen, or a new one with the IBAN and the mandate
 * the customer accepted), the contract from the start day, the request completed with a note
 * and email telling the customer their contract number and start day, and audit rows.
 */
export async function completeContracting(
  ctx: StaffContext,
  requestId: number,
  input: CompletionInput,
): Promise<CompletionResult> {
  const result = await ctx.db.transaction(async (trx): Promise<CompletionResult> => {
    const req = await lockLead(trx, requestId);
    const p = req.payload as unknown as LeadPayload;
    const product = findProduct(p.productCode);
    if (!product || product.energy !== p.energy)
      throw new DomainError('conflict', 'The request names no product of its energy');
    const checked = validateCompletion(input, {
      today: todayInSpain(ctx.now),
      requestedOn: todayInSpain(new Date(req.created_at)),
    });
    if (!checked.ok) return { ok: false, errors: checked.errors };
    const { cups, startDate, distributor } = checked.value;
    const existing = await supplyPointByCups(trx, cups);
    if (existing?.active) return { ok: false, errors: { cups: 'cups_taken' } };
    if (existing && existing.energy !== p.energy) return { ok: false, errors: { cups: 'cups_energy' } };
    const customer = await lockCustomer(trx, req.customer_id);
    if (!customer) throw new DomainError('not_found');

    let accountId: number;
    let accountNumber: string;
    if (p.payment === 'account' && p.contractAccount) {
      const account = await findAccountByNumber(trx, req.customer_id, p.contractAccount);
      if (!account) throw new DomainError('conflict', "The contract account chosen is no longer the customer's");
      accountId = Number(account.id);
      accountNumber = p.contractAccount;
    } else {
      const bank = await takeBankDetails(trx, requestId);
      if (!bank) throw new DomainError('conflict', 'The bank details of the request are gone');
      accountNumber = await nextNumber(trx, 'contract_account_number_seq');
      accountId = await insertContractAccount(trx, {
        number: accountNumber,
        customerId: req.customer_id,
        billingName: customer.name,
        street: p.street,
        number_: p.number,
        floorDoor: p.floorDoor,
        postalCode: p.postalCode,
        municipality: p.municipality,
        province: p.province,
        iban: bank.iban,
        holder: bank.iban_holder,
        mandateRef: mandateReference(accountNumber, bank.mandate_accepted_at),
        signedAt: bank.mandate_accepted_at,
      });
    }
    const powerKw = p.energy === 'electricity' ? p.powerKw : null;
    const supply = { tariff: tariffOf(product), powerKw, distributor };
    let supplyPointId: number;
    if (existing) {
      supplyPointId = existing.id;
      await refreshSupplyPoint(trx, existing.id, supply);
    } else {
      supplyPointId = await insertSupplyPoint(trx, {
        cups,
        energy: p.energy,
        street: p.street,
        number: p.number,
        floorDoor: p.floorDoor,
        postalCode: p.postalCode,
        municipality: p.municipality,
        province: p.province,
        ...supply,
      });
    }
    const contractNumber = await nextNumber(trx, 'contract_number_seq');
    const contractId = await insertContract(trx, {
      number: contractNumber,
      accountId,
      supplyPointId,
      customerId: req.customer_id,
      productCode: product.code,
      startDate,
      now: ctx.now,
    });
    // the request now points at what it created: its page shows the supply, and the contract's gestiones list it
    await setRequestContract(trx, requestId, contractId);
    await mergeRequestPayload(trx, requestId, { createdContract: contractNumber, cups }, ctx.now);
    await setRequestOutcome(trx, requestId, { effective_date: startDate });
    const creator = await requestCreator(trx, req.created_by);
    const t = translator(creator && isLanguage(creator.language) ? creator.language : 'es');
    const note = t('newSupply.completedNote', {
      energy: t(`supplies.energies.${p.energy}`).toLowerCase(),
      address: p.address,
      contract: contractNumber,
      date: letterDay(startDate),
      product: product.name,
    });
    await changeRequestStatus(
      trx,
      requestId,
      'completada',
      { type: 'staff', id: ctx.actor.id },
      note,
      ctx.now,
      ctx.config,
    );
    await audit(trx, {
      actorType: 'staff',
      actorId: ctx.actor.id,
      customerId: req.customer_id,
      action: 'new_supply.contracted',
      targetType: 'contract',
      targetId: contractId,
      ip: ctx.actor.ip,
      at: ctx.now,
      details: {
        reference: req.reference,
        cups,
        contract: contractNumber,
        contractAccount: accountNumber,
        product: product.code,
        startDate,
        newAccount: p.payment !== 'account',
      },
    });
    return { ok: true, reference: req.reference, contractId, contractNumber, startDate };
  });
  if (result.ok) ctx.mailer?.kick();
  return result;
}

/** What the completion form starts with: the customer's CUPS, today, the area's distributor. */
export function completionDefaults(payload: Record<string, unknown>, now: Date): CompletionInput {
  const energy = payload.energy === 'gas' ? 'gas' : 'electricity';
  return {
    cups: typeof payload.cups === 'string' ? payload.cups : '',
    startDate: todayInSpain(now),
    distributor: DEFAULT_DISTRIBUTOR[energy],
  };
}
