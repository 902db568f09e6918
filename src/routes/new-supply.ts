/**
 * "Nuevos productos": contract another energy at an address the customer already supplies, or
 * a new supply at a new address (issue 15 item 2). Each page shows the products with a monthly
 * estimate (GET, so it works without JavaScript and changes nothing) and the contracting form,
 * whose POST files a tracked request.
 */
import { Router, type Request, type Response } from 'express';
import type { TFunction } from 'i18next';
import type { AppDeps } from '../deps';
import type { Access } from '../domain/access';
import type { Energy } from '../domain/billing-types';
import { DomainError } from '../domain/errors';
import {
  ENERGIES,
  OFFERED_POWERS_KW,
  parseYearlyKwh,
  productOffer,
  TYPICAL,
  validateContracting,
  validateNewAddress,
  type ContractingField,
} from '../domain/new-supply';
import { ADDRESS_LIMITS, PROVINCES_SORTED } from '../domain/postal';
import { findCustomersByIds } from '../data/customers-repo';
import { accountsForNewSupply, energyOfferPage, offersFor, requestContracting } from '../services/new-supply';
import { accessOf, requireUser } from '../web/current-user';
import { checkbox, formFields } from '../web/forms';
import { guards } from '../web/guards';
import { render } from '../web/render';
import { userContext } from '../web/use-case-context';

type Errors = Record<string, string>;

const CONTRACTING_FIELDS = ['product', 'power', 'cups', 'payment', 'account', 'iban', 'holder', 'yearlyKwh'] as const;
const ADDRESS_FIELDS = ['street', 'number', 'floorDoor', 'postalCode', 'municipality', 'province', 'energy'] as const;
type ContractingForm = Record<(typeof CONTRACTING_FIELDS)[number], string> & { conditions: boolean };
type AddressForm = Record<(typeof ADDRESS_FIELDS)[number], string>;

// a page lists this many offers; a gestoría with hundreds of clients finds the rest on each client's supplies
const LIST_MAX = 20;

function emptyForm(accounts: { number: string }[]): ContractingForm {
  return {
    product: '',
    power: String(TYPICAL.electricity.powerKw),
    cups: '',
    payment: accounts.length ? 'account' : 'iban',
    account: accounts[0]?.number ?? '',
    iban: '',
    holder: '',
    yearlyKwh: '',
    conditions: false,
  };
}

function readContracting(req: Request): ContractingForm {
  return { ...formFields(req, CONTRACTING_FIELDS), conditions: checkbox(req, 'conditions') };
}

function contractingErrors(t: TFunction, errors: Partial<Record<ContractingField, string>>): Errors {
  const out: Errors = {};
  for (const [field, code] of Object.entries(errors)) if (code) out[field] = t(`newSupply.errors.${field}.${code}`);
  return out;
}

/** The estimates of the page: the customer's own yearly kWh when typed, the typical one otherwise. */
function estimates(t: TFunction, energies: readonly Energy[], rawYearly: string, powerRaw: string) {
  const yearly = parseYearlyKwh(rawYearly);
  const power = Number(powerRaw.replace(',', '.'));
  const powerKw = (OFFERED_POWERS_KW as readonly number[]).includes(power) ? power : undefined;
  const yearlyKwh = yearly.ok ? yearly.value : undefined;
  return {
    offers: energies.map((energy) => ({ energy, products: productOffer(energy, { yearlyKwh, powerKw }) })),
    own: yearlyKwh !== undefined,
    error: yearly.ok ? null : t('newSupply.errors.yearlyKwh.invalid'),
  };
}

export function newSupplyRoutes(d: AppDeps): Router {
  const router = Router();
  const guard = guards(d);
  const access = (res: Response) => res.locals.customerAccess as Access;

  // The area's landing page: the addresses that lack an energy, and a new supply per client.
  router.get('/nuevos-productos', requireUser, async (req, res) => {
    const ua = await accessOf(d.db.knex, req);
    const ids = ua.customerIds().filter((id) => ua.to(id).act);
    const shown = ids.slice(0, LIST_MAX);
    const [offers, customers] = await Promise.all([offersFor(d.db.knex, shown), findCustomersByIds(d.db.knex, shown)]);
    render(req, res, 'new-supply/index', {
      title: res.locals.t('newSupply.area.title'),
      offers: offers.slice(0, LIST_MAX),
      customers: customers.map((c) => ({ id: c.id, name: c.name })),
      more: ids.length > LIST_MAX,
    });
  });

  async function energyPage(
    req: Request,
    res: Response,
    form: ContractingForm | null,
    errors: Errors = {},
    status = 200,
  ): Promise<void> {
    const page = await energyOfferPage(d.db.knex, Number(req.params.contractId));
    const t = res.locals.t;
    const energy = page.offer?.missing[0] ?? null;
    const f = form ?? {
      ...emptyForm(page.accounts),
      yearlyKwh: typeof req.query.yearlyKwh === 'string' ? req.query.yearlyKwh.slice(0, 20) : '',
    };
    const est = estimates(t, energy ? [energy] : [], f.yearlyKwh, f.power);
    const allErrors = est.error && !errors.yearlyKwh ? { ...errors, yearlyKwh: est.error } : errors;
    render(
      req,
      res,
      'new-supply/energy',
      {
        title: t(Object.keys(allErrors).length ? 'newSupply.energy.titleError' : 'newSupply.energy.title', {
          energy: energy ? t(`supplies.energies.${energy}`).toLowerCase() : '',
        }),
        contract: page.contract,
        offer: page.offer,
        energy,
        accounts: page.accounts,
        form: f,
        errors: allErrors,
        estimates: est,
        powers: OFFERED_POWERS_KW,
        typical: TYPICAL,
        canAct: res.locals.customerAccess?.act === true,
      },
      { status: est.error && status === 200 ? 422 : status },
    );
  }

  router.get('/contratos/:contractId/otra-energia', guard.contract('read'), async (req, res) =>
    energyPage(req, res, null),
  );

  router.post('/contratos/:contractId/otra-energia', guard.contract('act'), async (req, res) => {
    const page = await energyOfferPage(d.db.knex, Number(req.params.contractId));
    const form = readContracting(req);
    const energy = page.offer?.missing[0];
    if (!energy || !page.offer) throw new DomainError('conflict', 'This address already has both energies');
    const checked = validateContracting(form, { energy, accountNumbers: page.accounts.map((a) => a.number) });
    const yearly = parseYearlyKwh(form.yearlyKwh);
    if (!checked.ok || !yearly.ok) {
      const errors = checked.ok ? {} : contractingErrors(res.locals.t, checked.errors);
      if (!yearly.ok) errors.yearlyKwh = res.locals.t('newSupply.errors.yearlyKwh.invalid');
      return energyPage(req, res, form, errors, 422);
    }
    const created = await requestContracting(userContext(d, req), {
      type: 'new_energy',
      customerId: page.contract.customer_id,
      access: access(res),
      energy,
      address: page.offer.address,
      contracting: checked.value,
      yearlyKwh: yearly.value,
    });
    req.session.flash = { kind: 'success', key: 'requests.created', params: { reference: created.reference } };
    res.redirect(303, `/gestiones/${created.id}`);
  });

  async function addressPage(
    req: Request,
    res: Response,
    form: (ContractingForm & AddressForm) | null,
    errors: Errors = {},
    status = 200,
  ): Promise<void> {
    const customerId = Number(req.params.customerId);
    const [accounts, [customer]] = await Promise.all([
      accountsForNewSupply(d.db.knex, customerId),
      findCustomersByIds(d.db.knex, [customerId]),
    ]);
    if (!customer) throw new DomainError('not_found');
    const t = res.locals.t;
    const f = form ?? {
      ...emptyForm(accounts),
      street: '',
      number: '',
      floorDoor: '',
      postalCode: '',
      municipality: '',
      province: '',
      energy: '',
      yearlyKwh: typeof req.query.yearlyKwh === 'string' ? req.query.yearlyKwh.slice(0, 20) : '',
    };
    const est = estimates(t, ENERGIES, f.yearlyKwh, f.power);
    const allErrors = est.error && !errors.yearlyKwh ? { ...errors, yearlyKwh: est.error } : errors;
    render(
      req,
      res,
      'new-supply/address',
      {
        title: t(Object.keys(allErrors).length ? 'newSupply.address.titleError' : 'newSupply.address.title'),
        customer: { id: customer.id, name: customer.name },
        accounts,
        form: f,
        errors: allErrors,
        estimates: est,
        powers: OFFERED_POWERS_KW,
        typical: TYPICAL,
        provinces: PROVINCES_SORTED,
        energies: ENERGIES,
        limits: ADDRESS_LIMITS,
      },
      { status: est.error && status === 200 ? 422 : status },
    );
  }

  router.get('/clientes/:customerId/nuevo-suministro', guard.customer('act'), async (req, res) =>
    addressPage(req, res, null),
  );

  router.post('/clientes/:customerId/nuevo-suministro', guard.customer('act'), async (req, res) => {
    const customerId = Number(req.params.customerId);
    const t = res.locals.t;
    const form = { ...readContracting(req), ...formFields(req, ADDRESS_FIELDS) };
    const where = validateNewAddress(form);
    const accounts = await accountsForNewSupply(d.db.knex, customerId);
    const energy: Energy = where.ok ? where.energy : form.energy === 'gas' ? 'gas' : 'electricity';
    const checked = validateContracting(form, { energy, accountNumbers: accounts.map((a) => a.number) });
    const yearly = parseYearlyKwh(form.yearlyKwh);
    if (!where.ok || !checked.ok || !yearly.ok) {
      const errors: Errors = {};
      if (!where.ok) {
        for (const [field, code] of Object.entries(where.errors)) {
          errors[field] =
            field === 'energy'
              ? t('newSupply.errors.energy.required')
              : t(`accountChanges.correspondence.errors.${code}`, {
                  max: ADDRESS_LIMITS[field as keyof typeof ADDRESS_LIMITS],
                  postalCode: form.postalCode.trim(),
                  expected: where.expectedProvince ?? '',
                  province: form.province.trim(),
                });
        }
      }
      // a product of the other energy only matters once the energy is chosen
      if (!checked.ok)
        Object.assign(
          errors,
          contractingErrors(t, where.ok || form.energy ? checked.errors : { ...checked.errors, product: undefined }),
        );
      if (!yearly.ok) errors.yearlyKwh = t('newSupply.errors.yearlyKwh.invalid');
      return addressPage(req, res, form, errors, 422);
    }
    let created;
    try {
      created = await requestContracting(userContext(d, req), {
        type: 'new_supply',
        customerId,
        access: access(res),
        energy: where.energy,
        address: where.address,
        contracting: checked.value,
        yearlyKwh: yearly.value,
      });
    } catch (err) {
      // the address already has this energy with us: say so by the street rather than a bare conflict
      if (!(err instanceof DomainError && err.code === 'conflict' && err.name !== 'DuplicateRequestError')) throw err;
      return addressPage(req, res, form, { street: t('newSupply.errors.street.already_supplied') }, 422);
    }
    req.session.flash = { kind: 'success', key: 'requests.created', params: { reference: created.reference } };
    res.redirect(303, `/gestiones/${created.id}`);
  });

  return router;
}
