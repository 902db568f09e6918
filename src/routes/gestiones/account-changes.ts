/**
 * Changes to the CONTRACT ACCOUNT a contract belongs to (they apply to every contract of the
 * account): direct debit and IBAN with a SEPA mandate (confirmed in a second step), payment
 * day for businesses, and the correspondence address. Each one is a request completed at once.
 */
import { Router, type Request, type Response } from 'express';
import type { TFunction } from 'i18next';
import type { AppDeps } from '../../deps';
import type { ContractView } from '../../data/contracts-repo';
import type { Access } from '../../domain/access';
import { maskIban } from '../../domain/ids';
import { MIN_DAYS_TO_PAY } from '../../domain/invoicing';
import { validateDirectDebit, type DirectDebitError, type DirectDebitField } from '../../domain/direct-debit';
import { dueDateForIssue, PAYMENT_DAYS } from '../../domain/payment-day';
import {
  ADDRESS_LIMITS, formatAddress, PROVINCES_SORTED, validateAddress, type AddressError, type AddressField,
} from '../../domain/postal';
import {
  accountPage, changeCorrespondenceAddress, changeDirectDebit, changePaymentDay, mandateFacts, type AccountPage,
} from '../../services/account-changes';
import { render } from '../../web/render';
import { checkbox, formFields } from '../../web/forms';
import { userContext } from '../../web/use-case-context';
import { guards } from '../../web/guards';

type Errors = Record<string, string>;

/** dd/mm/yyyy, as dates are written on Spanish invoices. */
function dmy(iso: string): string {
  return iso.split('-').reverse().join('/');
}

/** What every page shows: the contract header and the contracts the change will reach. */
function common(res: Response, p: AccountPage, title: string) {
  return { title: res.locals.t(title), contract: p.contract, tab: '', accountContracts: p.accountContracts };
}

function noStore(res: Response): void {
  // the pages carry bank details the user typed; keep them out of every cache
  res.set('Cache-Control', 'no-store');
}

// ---------------------------------------------------------------------------------------------
// Direct debit

const DD_FIELDS = ['iban', 'holder'] as const;

function directDebitErrors(t: TFunction, errors: Partial<Record<DirectDebitField, DirectDebitError>>): Errors {
  const out: Errors = {};
  for (const [field, code] of Object.entries(errors)) out[field] = t(`accountChanges.directDebit.errors.${code}`);
  return out;
}

function directDebitPage(
  req: Request, res: Response, p: AccountPage, form: { iban: string; holder: string; mandate: boolean },
  errors: Errors = {}, status = 200,
): void {
  const c = p.contract;
  noStore(res);
  render(req, res, 'gestiones/direct-debit', {
    ...common(res, p, 'accountChanges.directDebit.title'),
    current: c.direct_debit && c.iban ? { maskedIban: maskIban(c.iban), holder: c.iban_holder } : null,
    mandate: mandateFacts(), form, errors,
  }, { status });
}

// ---------------------------------------------------------------------------------------------
// Payment day

function paymentDayPage(
  req: Request, res: Response, p: AccountPage, form: { paymentDay: string }, errors: Errors = {}, status = 200,
): void {
  render(req, res, 'gestiones/payment-day', {
    ...common(res, p, 'accountChanges.paymentDay.title'),
    currentDue: dmy(dueDateForIssue(p.today, p.contract.payment_day)),
    options: PAYMENT_DAYS.map((d) => ({ day: d, due: dmy(dueDateForIssue(p.today, d)) })),
    minDays: MIN_DAYS_TO_PAY, form, errors,
  }, { status });
}

// ---------------------------------------------------------------------------------------------
// Correspondence address

const ADDRESS_FIELDS = ['street', 'number', 'floorDoor', 'postalCode', 'municipality', 'province'] as const;
type AddressForm = Record<(typeof ADDRESS_FIELDS)[number], string>;

function addressErrors(
  t: TFunction, errors: Partial<Record<AddressField, AddressError>>, form: AddressForm, expected: string | null,
): Errors {
  const out: Errors = {};
  for (const [field, code] of Object.entries(errors) as [AddressField, AddressError][]) {
    out[field] = t(`accountChanges.correspondence.errors.${code}`, {
      max: ADDRESS_LIMITS[field], postalCode: form.postalCode.trim(), expected: expected ?? '',
      province: form.province.trim(),
    });
  }
  return out;
}

function correspondencePage(
  req: Request, res: Response, p: AccountPage, form: AddressForm, errors: Errors = {}, status = 200,
): void {
  const c = p.contract;
  const current = c.corr_street && c.corr_number && c.corr_postal_code && c.corr_municipality && c.corr_province
    ? formatAddress(
      {
        street: c.corr_street, number: c.corr_number, floorDoor: c.corr_floor_door, postalCode: c.corr_postal_code,
        municipality: c.corr_municipality, province: c.corr_province,
      },
    )
    : null;
  const billing = formatAddress(
    {
      street: c.billing_street, number: c.billing_number, floorDoor: c.billing_floor_door,
      postalCode: c.billing_postal_code, municipality: c.billing_municipality, province: c.billing_province,
    },
  );
  render(req, res, 'gestiones/correspondence', {
    ...common(res, p, 'accountChanges.correspondence.title'),
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

export function accountChangeRoutes(deps: AppDeps): Router {
  const router = Router();
  const guard = guards(deps);
  const page = (req: Request, business = false) => accountPage(
    userContext(deps, req), { contractId: Number(req.params.contractId), business },
  );
  const access = (res: Response) => res.locals.customerAccess as Access;

  router.get('/contratos/:contractId/domiciliacion', guard.contract('act'), async (req, res) => {
    const p = await page(req);
    directDebitPage(
      req, res, p, { iban: '', holder: p.contract.iban_holder ?? p.contract.customer_name, mandate: false },
    );
  });

  // Step 1: check what was typed and show it back for confirmation; nothing is saved yet.
  router.post('/contratos/:contractId/domiciliacion', guard.contract('act'), async (req, res) => {
    const form = { ...formFields(req, DD_FIELDS), mandate: checkbox(req, 'mandate') };
    const result = validateDirectDebit({ iban: form.iban, holder: form.holder, mandateAccepted: form.mandate });
    const p = await page(req);
    if (!result.ok) return directDebitPage(req, res, p, form, directDebitErrors(res.locals.t, result.errors), 422);
    noStore(res);
    render(
      req, res, 'gestiones/direct-debit-confirm',
      { ...common(res, p, 'accountChanges.directDebit.confirm.title'), dd: result.value, mandate: mandateFacts() },
    );
  });

  // Step 2: the values come back in hidden fields and are checked again, never trusted.
  router.post('/contratos/:contractId/domiciliacion/confirmar', guard.contract('act'), async (req, res) => {
    const form = { ...formFields(req, DD_FIELDS), mandate: checkbox(req, 'mandate') };
    if ((req.body as Record<string, unknown>)?.action === 'edit') {
      return directDebitPage(req, res, await page(req), form);
    }
    const result = validateDirectDebit({ iban: form.iban, holder: form.holder, mandateAccepted: form.mandate });
    if (!result.ok) {
      return directDebitPage(req, res, await page(req), form, directDebitErrors(res.locals.t, result.errors), 422);
    }
    const created = await changeDirectDebit(
      userContext(deps, req), { contractId: Number(req.params.contractId), access: access(res), debit: result.value },
    );
    req.session.flash = {
      kind: 'success', key: 'accountChanges.directDebit.done',
      params: { iban: result.value.maskedIban, reference: created.reference },
    };
    res.redirect(303, `/gestiones/${created.id}`);
  });

  router.get('/contratos/:contractId/dia-pago', guard.contract('act'), async (req, res) => {
    paymentDayPage(req, res, await page(req, true), { paymentDay: '' });
  });

  router.post('/contratos/:contractId/dia-pago', guard.contract('act'), async (req, res) => {
    const form = formFields(req, ['paymentDay'] as const);
    const result = await changePaymentDay(
      userContext(deps, req),
      { contractId: Number(req.params.contractId), access: access(res), paymentDay: form.paymentDay },
    );
    if (!result.ok) {
      const message = res.locals.t(
        `accountChanges.paymentDay.errors.${result.error}`, { day: result.page.contract.payment_day ?? '' },
      );
      return paymentDayPage(req, res, result.page, form, { paymentDay: message }, 422);
    }
    req.session.flash = {
      kind: 'success', key: 'accountChanges.paymentDay.done',
      params: { day: String(result.day), date: dmy(result.due), reference: result.request.reference },
    };
    res.redirect(303, `/gestiones/${result.request.id}`);
  });

  router.get('/contratos/:contractId/correspondencia', guard.contract('act'), async (req, res) => {
    const p = await page(req);
    correspondencePage(req, res, p, currentAddressForm(p.contract));
  });

  router.post('/contratos/:contractId/correspondencia', guard.contract('act'), async (req, res) => {
    const form = formFields(req, ADDRESS_FIELDS);
    const result = validateAddress(form);
    if (!result.ok) {
      return correspondencePage(
        req, res, await page(req), form, addressErrors(res.locals.t, result.errors, form, result.expectedProvince), 422,
      );
    }
    const created = await changeCorrespondenceAddress(
      userContext(deps, req),
      { contractId: Number(req.params.contractId), access: access(res), address: result.address },
    );
    req.session.flash = {
      kind: 'success', key: 'accountChanges.correspondence.done', params: { reference: created.reference },
    };
    res.redirect(303, `/gestiones/${created.id}`);
  });

  return router;
}
