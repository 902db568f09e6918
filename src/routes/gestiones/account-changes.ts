import type { AppDeps } from '../../deps';
/**
 * Changes to the CONTRACT ACCOUNT a contract belongs to (they apply to every contract of the
 * account): direct debit and IBAN with a SEPA mandate (confirmed in a second step), payment
 * day for businesses, and the correspondence address. Each one is a request completed at once.
 */
import { Router, type Request, type Response } from 'express';
import type { TFunction } from 'i18next';
import { type ContractView } from '../../data/contracts-repo';
import { contractsOfAccount, lockContractAccount, setCorrespondenceAddress, setDirectDebit, setPaymentDay } from '../../data/contract-accounts-repo';
import type { Access } from '../../domain/access';
import { DomainError } from '../../domain/errors';
import { maskIban } from '../../domain/ids';
import { MIN_DAYS_TO_PAY } from '../../domain/invoicing';
import { mandateReference, sepaCreditorIdentifier, validateDirectDebit, type DirectDebitError, type DirectDebitField } from '../../domain/direct-debit';
import { canChoosePaymentDay, dueDateForIssue, PAYMENT_DAYS, validatePaymentDay } from '../../domain/payment-day';
import { ADDRESS_LIMITS, formatAddress, PROVINCES_SORTED, validateAddress, type AddressError, type AddressField } from '../../domain/postal';
import { createRequest } from '../../services/requests';
import { queueMail } from '../../adapters/mail/outbox';
import { retailer } from '../../services/retailer';
import { translator } from '../../i18n';
import { deps, requestActor } from '../../web/middleware/auth';
import { contractGuard, loadGuardedContract } from '../../web/middleware/guards';
import { render } from '../../web/render';
import { checkbox, formFields } from '../../web/forms';

type Errors = Record<string, string>;


function today(req: Request): string {
  return deps(req).clock.now().toISOString().slice(0, 10);
}


/** dd/mm/yyyy, as dates are written on Spanish invoices. */
function dmy(iso: string): string {
  return iso.split('-').reverse().join('/');
}

/** What every page shows: the contract header and the contracts the change will reach. */
async function common(req: Request, res: Response, c: ContractView, title: string) {
  const contracts = await contractsOfAccount(deps(req).db.knex, c.ca_id);
  return { title: res.locals.t(title), contract: c, tab: '', accountContracts: contracts };
}

function noStore(res: Response): void {
  // the pages carry bank details the user typed; keep them out of every cache
  res.set('Cache-Control', 'no-store');
}

// ---------------------------------------------------------------------------------------------
// Direct debit

const DD_FIELDS = ['iban', 'holder'] as const;

function mandateFacts() {
  return { creditorName: retailer.name, creditorId: sepaCreditorIdentifier(retailer.taxId), creditorAddress: retailer.address };
}

function directDebitErrors(t: TFunction, errors: Partial<Record<DirectDebitField, DirectDebitError>>): Errors {
  const out: Errors = {};
  for (const [field, code] of Object.entries(errors)) out[field] = t(`accountChanges.directDebit.errors.${code}`);
  return out;
}

async function directDebitPage(req: Request, res: Response, c: ContractView, form: { iban: string; holder: string; mandate: boolean }, errors: Errors = {}, status = 200) {
  noStore(res);
  render(req, res, 'gestiones/direct-debit', {
    ...(await common(req, res, c, 'accountChanges.directDebit.title')),
    current: c.direct_debit && c.iban ? { maskedIban: maskIban(c.iban), holder: c.iban_holder } : null,
    mandate: mandateFacts(), form, errors,
  }, { status });
}

// ---------------------------------------------------------------------------------------------
// Payment day

async function paymentDayPage(req: Request, res: Response, c: ContractView, form: { paymentDay: string }, errors: Errors = {}, status = 200) {
  const day = today(req);
  render(req, res, 'gestiones/payment-day', {
    ...(await common(req, res, c, 'accountChanges.paymentDay.title')),
    currentDue: dmy(dueDateForIssue(day, c.payment_day)),
    options: PAYMENT_DAYS.map((d) => ({ day: d, due: dmy(dueDateForIssue(day, d)) })),
    minDays: MIN_DAYS_TO_PAY, form, errors,
  }, { status });
}

async function loadBusinessContract(req: Request): Promise<ContractView> {
  const c = await loadGuardedContract(req);
  // households pay on the standard term: the page does not exist for them
  if (!canChoosePaymentDay(c.customer_kind)) throw new DomainError('not_found');
  return c;
}

// ---------------------------------------------------------------------------------------------
// Correspondence address

const ADDRESS_FIELDS = ['street', 'number', 'floorDoor', 'postalCode', 'municipality', 'province'] as const;
type AddressForm = Record<(typeof ADDRESS_FIELDS)[number], string>;

function addressErrors(t: TFunction, errors: Partial<Record<AddressField, AddressError>>, form: AddressForm, expected: string | null): Errors {
  const out: Errors = {};
  for (const [field, code] of Object.entries(errors) as [AddressField, AddressError][]) {
    out[field] = t(`accountChanges.correspondence.errors.${code}`, {
      max: ADDRESS_LIMITS[field], postalCode: form.postalCode.trim(), expected: expected ?? '', province: form.province.trim(),
    });
  }
  return out;
}

async function correspondencePage(req: Request, res: Response, c: ContractView, form: AddressForm, errors: Errors = {}, status = 200) {
  const current = c.corr_street && c.corr_number && c.corr_postal_code && c.corr_municipality && c.corr_province
    ? formatAddress({ street: c.corr_street, number: c.corr_number, floorDoor: c.corr_floor_door, postalCode: c.corr_postal_code, municipality: c.corr_municipality, province: c.corr_province })
    : null;
  const billing = formatAddress({ street: c.billing_street, number: c.billing_number, floorDoor: c.billing_floor_door, postalCode: c.billing_postal_code, municipality: c.billing_municipality, province: c.billing_province });
  render(req, res, 'gestiones/correspondence', {
    ...(await common(req, res, c, 'accountChanges.correspondence.title')),
    currentAddress: current, billingAddress: billing, provinces: PROVINCES_SORTED, form, errors,
  }, { status });
}

function currentAddressForm(c: ContractView): AddressForm {
  return {
    street: c.corr_street ?? '', number: c.corr_number ?? '', floorDoor: c.corr_floor_door ?? '',
    postalCode: c.corr_postal_code ?? '', municipality: c.corr_municipality ?? '', province: c.corr_province ?? '',
  };
}

// ---------------------------------------------------------------------------------------------

export function accountChangeRoutes(_deps: AppDeps): Router {
  const router = Router();

  router.get('/contratos/:contractId/domiciliacion', contractGuard('act'), async (req, res) => {
    const c = await loadGuardedContract(req);
    await directDebitPage(req, res, c, { iban: '', holder: c.iban_holder ?? c.customer_name, mandate: false });
  });

  // Step 1: check what was typed and show it back for confirmation; nothing is saved yet.
  router.post('/contratos/:contractId/domiciliacion', contractGuard('act'), async (req, res) => {
    const c = await loadGuardedContract(req);
    const form = { ...formFields(req, DD_FIELDS), mandate: checkbox(req, 'mandate') };
    const result = validateDirectDebit({ iban: form.iban, holder: form.holder, mandateAccepted: form.mandate });
    if (!result.ok) return directDebitPage(req, res, c, form, directDebitErrors(res.locals.t, result.errors), 400);
    noStore(res);
    render(req, res, 'gestiones/direct-debit-confirm', {
      ...(await common(req, res, c, 'accountChanges.directDebit.confirm.title')),
      dd: result.value, mandate: mandateFacts(),
    });
  });

  // Step 2: the values come back in hidden fields and are checked again, never trusted.
  router.post('/contratos/:contractId/domiciliacion/confirmar', contractGuard('act'), async (req, res) => {
    const { db, clock, config } = deps(req);
    const now = clock.now();
    const c = await loadGuardedContract(req);
    const form = { ...formFields(req, DD_FIELDS), mandate: checkbox(req, 'mandate') };
    if ((req.body as Record<string, unknown>)?.action === 'edit') return directDebitPage(req, res, c, form);
    const result = validateDirectDebit({ iban: form.iban, holder: form.holder, mandateAccepted: form.mandate });
    if (!result.ok) return directDebitPage(req, res, c, form, directDebitErrors(res.locals.t, result.errors), 400);
    const dd = result.value;
    const actor = requestActor(req);
    const t = translator(actor.language);
    const created = await db.knex.transaction(async (trx) => {
      const account = await lockContractAccount(trx, c.ca_id);
      if (!account) throw new DomainError('not_found');
      const mandateRef = mandateReference(account.number, now, account.mandate_ref);
      await setDirectDebit(trx, account.id, { iban: dd.iban, holder: dd.holder, mandateRef, signedAt: now });
      // only the masked IBAN ever leaves the contract account: payload, timeline, emails
      const r = await createRequest(trx, {
        type: 'direct_debit', customerId: c.customer_id, contractId: c.id, access: res.locals.customerAccess as Access,
        payload: { contractAccount: account.number, maskedIban: dd.maskedIban, holder: dd.holder, mandateReference: mandateRef },
        status: 'completada', completionNote: t('accountChanges.directDebit.note', { iban: dd.maskedIban }),
      }, actor, now, config);
      const m = mandateFacts();
      await queueMail(trx, {
        to: actor.email, lang: actor.language, template: 'direct_debit_changed', userId: actor.userId, customerId: c.customer_id,
        params: { name: actor.firstName, account: account.number, iban: dd.maskedIban, holder: dd.holder, creditor: m.creditorName, creditorId: m.creditorId, mandateRef, reference: r.reference },
        actionUrl: `${config.publicUrl}/gestiones/${r.id}`,
      });
      return r;
    });
    deps(req).mailer?.kick();
    req.session.flash = { kind: 'success', key: 'accountChanges.directDebit.done', params: { iban: dd.maskedIban, reference: created.reference } };
    res.redirect(303, `/gestiones/${created.id}`);
  });

  router.get('/contratos/:contractId/dia-pago', contractGuard('act'), async (req, res) => {
    const c = await loadBusinessContract(req);
    await paymentDayPage(req, res, c, { paymentDay: '' });
  });

  router.post('/contratos/:contractId/dia-pago', contractGuard('act'), async (req, res) => {
    const { db, clock, config } = deps(req);
    const now = clock.now();
    const c = await loadBusinessContract(req);
    const form = formFields(req, ['paymentDay'] as const);
    const result = validatePaymentDay(form.paymentDay, c.payment_day);
    if (!result.ok) {
      const message = res.locals.t(`accountChanges.paymentDay.errors.${result.error}`, { day: c.payment_day ?? '' });
      return paymentDayPage(req, res, c, form, { paymentDay: message }, 400);
    }
    const day = result.day;
    const due = dmy(dueDateForIssue(today(req), day));
    const actor = requestActor(req);
    const t = translator(actor.language);
    const created = await db.knex.transaction(async (trx) => {
      const account = await lockContractAccount(trx, c.ca_id);
      if (!account) throw new DomainError('not_found');
      await setPaymentDay(trx, account.id, day);
      return createRequest(trx, {
        type: 'payment_day', customerId: c.customer_id, contractId: c.id, access: res.locals.customerAccess as Access,
        payload: { contractAccount: account.number, paymentDay: day, previousPaymentDay: account.payment_day },
        status: 'completada', completionNote: t('accountChanges.paymentDay.note', { day, date: dmy(today(req)) }),
      }, actor, now, config);
    });
    deps(req).mailer?.kick();
    req.session.flash = { kind: 'success', key: 'accountChanges.paymentDay.done', params: { day: String(day), date: due, reference: created.reference } };
    res.redirect(303, `/gestiones/${created.id}`);
  });

  router.get('/contratos/:contractId/correspondencia', contractGuard('act'), async (req, res) => {
    const c = await loadGuardedContract(req);
    await correspondencePage(req, res, c, currentAddressForm(c));
  });

  router.post('/contratos/:contractId/correspondencia', contractGuard('act'), async (req, res) => {
    const { db, clock, config } = deps(req);
    const now = clock.now();
    const c = await loadGuardedContract(req);
    const form = formFields(req, ADDRESS_FIELDS);
    const result = validateAddress(form);
    if (!result.ok) return correspondencePage(req, res, c, form, addressErrors(res.locals.t, result.errors, form, result.expectedProvince), 400);
    const address = result.address;
    const actor = requestActor(req);
    const t = translator(actor.language);
    const created = await db.knex.transaction(async (trx) => {
      const account = await lockContractAccount(trx, c.ca_id);
      if (!account) throw new DomainError('not_found');
      await setCorrespondenceAddress(trx, account.id, address);
      return createRequest(trx, {
        type: 'correspondence_address', customerId: c.customer_id, contractId: c.id, access: res.locals.customerAccess as Access,
        payload: { contractAccount: account.number, address: formatAddress(address) },
        status: 'completada', completionNote: t('accountChanges.correspondence.note', { address: formatAddress(address) }),
      }, actor, now, config);
    });
    deps(req).mailer?.kick();
    req.session.flash = { kind: 'success', key: 'accountChanges.correspondence.done', params: { reference: created.reference } };
    res.redirect(303, `/gestiones/${created.id}`);
  });

  return router;
}
