import { audit } from '../data/audit-repo';
import { findContract, monthlyConsumption, setEBilling, type ContractView } from '../data/contracts-repo';
import { listContractInvoices, type InvoiceListRow, type InvoicePage } from '../data/invoices-repo';
import { consumptionHistory } from '../domain/consumption';
import { eBillingEligibility, type EBillingEligibility } from '../domain/e-billing';
import { DomainError } from '../domain/errors';
import { retentionCutoff } from '../domain/invoices';
import { todayInSpain } from '../domain/time';
import { queueMail } from '../adapters/mail/outbox';
import type { UseCaseContext } from './context';
import { productOn } from '../domain/product-change';
import { findProduct } from '../domain/tariffs';
import { productSchedule } from '../data/product-periods-repo';
import { contractPowers, type ContractPowersView } from './contract-powers';

/** A contract's pages: its summary, consumption and invoices; and switching e-billing. */

const INVOICE_PAGE_SIZE = 12;

async function contractOrNotFound(ctx: UseCaseContext, contractId: number): Promise<ContractView> {
  const c = await findContract(ctx.db, contractId);
  if (!c) throw new DomainError('not_found');
  return c;
}

/** The month before this one in Spain: the last with complete consumption. */
export function lastClosedMonth(today: string): string {
  const [y, m] = today.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
}

export function monthsBefore(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 - n, 1)).toISOString().slice(0, 7);
}

export function eligibilityOf(c: ContractView): EBillingEligibility {
  return eBillingEligibility(
    { status: c.status, altPayerName: c.alt_payer_name, altRecipientName: c.alt_recipient_name },
  );
}

/** The product in force today (and since when, if it changed here) and one agreed for later. */
export interface ContractProductView { name: string; since: string | null; next: { name: string; from: string } | null }

export async function contractSummary(ctx: UseCaseContext, input: { contractId: number }): Promise<{
  contract: ContractView; invoices: InvoiceListRow[]; powers: ContractPowersView | null; product: ContractProductView;
}> {
  const contract = await contractOrNotFound(ctx, input.contractId);
  const today = todayInSpain(ctx.now);
  const [list, powers, schedule] = await Promise.all([
    listContractInvoices(ctx.db, contract.id, { cutoff: retentionCutoff(today), limit: 3, offset: 0 }),
    contractPowers(ctx.db, contract, today), productSchedule(ctx.db, contract.id),
  ]);
  const now = productOn(today, schedule, contract.product_code);
  const later = schedule.find((p) => p.validFrom > today);
  const name = (code: string) => findProduct(code)?.name ?? code;
  // the first entry is the product the contract started with: no "since" for it
  const changed = now.since !== null && schedule.some((p) => p.validFrom < now.since!);
  const product = {
    name: name(now.code), since: changed ? now.since : null,
    next: later ? { name: name(later.productCode), from: later.validFrom } : null,
  };
  return { contract, invoices: list.rows, powers, product };
}

export async function contractConsumption(ctx: UseCaseContext, input: { contractId: number }) {
  const contract = await contractOrNotFound(ctx, input.contractId);
  const last = lastClosedMonth(todayInSpain(ctx.now));
  // 24 months shown, and 12 more so each shown month has its previous-year value
  const data = await monthlyConsumption(ctx.db, contract.id, monthsBefore(last, 35), last);
  return { contract, rows: consumptionHistory(data, last, 24) };
}

export async function contractInvoices(
  ctx: UseCaseContext, input: { contractId: number; year?: number | undefined; page: number },
): Promise<{ contract: ContractView; list: InvoicePage; pages: number }> {
  const contract = await contractOrNotFound(ctx, input.contractId);
  const list = await listContractInvoices(ctx.db, contract.id, {
    cutoff: retentionCutoff(todayInSpain(ctx.now)), ...(input.year ? { year: input.year } : {}),
    limit: INVOICE_PAGE_SIZE, offset: (input.page - 1) * INVOICE_PAGE_SIZE,
  });
  return { contract, list, pages: Math.max(1, Math.ceil(list.total / INVOICE_PAGE_SIZE)) };
}

export type EBillingResult =
  | { ok: true; contract: ContractView }
  | { ok: false; contract: ContractView; reason: string };

/** Switches e-billing on or off, with an email and an audit row; nothing when already so. */
export async function switchEBilling(
  ctx: UseCaseContext, input: { contractId: number; enable: boolean },
): Promise<EBillingResult> {
  const { actor, now } = ctx;
  const c = await contractOrNotFound(ctx, input.contractId);
  const eligibility = eligibilityOf(c);
  if (input.enable && !eligibility.eligible) return { ok: false, contract: c, reason: eligibility.reason };
  if (c.e_billing === input.enable) return { ok: true, contract: c };
  await ctx.db.transaction(async (trx) => {
    await setEBilling(trx, c.id, input.enable);
    await audit(trx, {
      actorType: 'user', actorId: actor.userId, customerId: c.customer_id,
      action: input.enable ? 'e_billing.on' : 'e_billing.off', targetType: 'contract', targetId: c.id, ip: actor.ip,
      at: now,
    });
    await queueMail(trx, {
      to: actor.email, lang: actor.language, template: input.enable ? 'e_billing_on' : 'e_billing_off',
      params: { name: actor.firstName, address: `${c.street} ${c.sp_number}, ${c.municipality}` }, userId: actor.userId,
      customerId: c.customer_id,
    });
  });
  ctx.mailer?.kick();
  return { ok: true, contract: c };
}
