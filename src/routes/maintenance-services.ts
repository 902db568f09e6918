/**
 * Maintenance services (issue 15 item 3): the catalogue and its conditions PDF, the services of
 * a contract, contracting one (confirm step) and cancelling one (confirm step). Pages are
 * readable by every contact who can read the contract; the forms are for those who can act.
 */
import { Router, type Request, type Response } from 'express';
import type { TFunction } from 'i18next';
import type { AppDeps } from '../deps';
import type { Access } from '../domain/access';
import { DomainError } from '../domain/errors';
import {
  findService, permanenceEnd, SERVICES, serviceName, type MaintenanceService,
} from '../domain/maintenance-services';
import { todayInSpain } from '../domain/time';
import { TAXES } from '../domain/tariffs';
import { renderServiceConditionsPdf } from '../adapters/pdf/service-conditions-pdf';
import {
  cancelMaintenanceService, contractMaintenanceService, contractServices, serviceToCancel,
} from '../services/maintenance-services';
import { formatter, type Formatter } from '../web/format';
import { checkbox } from '../web/forms';
import { guards } from '../web/guards';
import { requireUser } from '../web/current-user';
import { downloadHeaders } from '../web/download';
import { render } from '../web/render';
import { userContext } from '../web/use-case-context';

function canAct(res: Response): boolean {
  return (res.locals.customerAccess as Access | undefined)?.act === true;
}

function lang(res: Response): 'es' | 'ca' {
  return res.locals.lang === 'ca' ? 'ca' : 'es';
}

/** A catalogue entry as the pages show it, in the page's language. */
function card(s: MaintenanceService, l: 'es' | 'ca') {
  return {
    code: s.code, name: s.names[l], energy: s.energy,
    monthlyFeeCents: s.monthlyFeeCents, permanenceMonths: s.permanenceMonths,
  };
}

function conditionsView(t: TFunction, fmt: Formatter, s: MaintenanceService, l: 'es' | 'ca') {
  const k = 'maintenance.conditions';
  const months = s.permanenceMonths;
  return {
    title: t(`${k}.title`, { service: s.names[l] }),
    lang: l,
    facts: [
      {
        label: t(`${k}.fee`),
        value: t('maintenance.feeValue', { fee: fmt.money(s.monthlyFeeCents), vat: TAXES.vatPercent }),
      },
      { label: t(`${k}.supply`), value: t(`maintenance.fits.${s.energy}`) },
      {
        label: t(`${k}.permanence`),
        value: months ? t('maintenance.permanenceValue', { count: months }) : t('maintenance.noPermanence'),
      },
    ],
    sections: (['what', 'billing', 'permanence', 'cancel', 'withdrawal'] as const).map((p) => ({
      heading: t(`${k}.sections.${p}.heading`),
      paragraphs: t(`${k}.sections.${p}.paragraphs`, {
        returnObjects: true, service: s.names[l], what: t(`maintenance.what.${s.code}`),
      }) as unknown as string[],
    })),
    footer: t(`${k}.footer`),
  };
}

export function maintenanceServiceRoutes(deps: AppDeps): Router {
  const router = Router();
  const guard = guards(deps);
  const contractId = (req: Request) => Number(req.params.contractId);

  router.get('/servicios', requireUser, (req, res) => {
    const services = SERVICES.map((s) => card(s, lang(res)));
    const title = res.locals.t('maintenance.title');
    render(req, res, 'services/catalogue', { title, services, vatPercent: TAXES.vatPercent });
  });

  router.get('/servicios/:code/condiciones.pdf', async (req, res) => {
    const s = findService(String(req.params.code));
    if (!s) throw new DomainError('not_found');
    const pdf = await renderServiceConditionsPdf(conditionsView(res.locals.t, formatter(lang(res)), s, lang(res)));
    const fileName = `condiciones-${s.code.replace(/_/g, '-')}.pdf`;
    downloadHeaders(res, { fileName, type: 'application/pdf' }).send(pdf);
  });

  router.get('/contratos/:contractId/servicios', guard.contract('read'), async (req, res) => {
    const page = await contractServices(userContext(deps, req), { contractId: contractId(req) });
    render(req, res, 'services/contract', {
      title: res.locals.t('maintenance.contract.title'), contract: page.contract, canAct: canAct(res),
      vatPercent: TAXES.vatPercent,
      contracted: page.contracted.map((s) => ({ ...s, name: serviceName(s.code, lang(res)) })),
      available: page.available.map((s) => card(s, lang(res))),
    });
  });

  async function confirmPage(req: Request, res: Response, errors: Record<string, string> = {}, status = 200) {
    const s = findService(String(req.params.code));
    const page = await contractServices(userContext(deps, req), { contractId: contractId(req) });
    if (!s || s.energy !== page.contract.energy) throw new DomainError('not_found');
    if (!page.available.some((a) => a.code === s.code)) {
      // already in force (or the contract ended): the list says so
      const why = page.contract.status === 'active' ? 'already' : 'contract_ended';
      req.session.flash = { kind: 'warning', key: `maintenance.refused.${why}` };
      return res.redirect(303, `/contratos/${page.contract.id}/servicios`);
    }
    const today = todayInSpain(deps.clock.now());
    render(req, res, 'services/confirm', {
      // a page answered with errors says so in its title, like every form
      title: (Object.keys(errors).length ? 'Error: ' : '')
        + res.locals.t('maintenance.confirm.title', { service: s.names[lang(res)] }),
      contract: page.contract, canAct: canAct(res), service: card(s, lang(res)), startDate: today,
      permanenceEnds: permanenceEnd(today, s.permanenceMonths), vatPercent: TAXES.vatPercent, errors,
    }, { status });
  }

  router.get('/contratos/:contractId/servicios/:code/contratar', guard.contract('read'), (req, res) =>
    confirmPage(req, res));

  router.post('/contratos/:contractId/servicios/:code/contratar', guard.contract('act'), async (req, res) => {
    const result = await contractMaintenanceService(userContext(deps, req), {
      contractId: contractId(req), code: String(req.params.code), acceptedConditions: checkbox(req, 'conditions'),
      access: res.locals.customerAccess as Access,
    });
    if (result.kind === 'conditions_not_accepted') {
      return confirmPage(req, res, { conditions: res.locals.t('maintenance.confirm.mustAccept') }, 422);
    }
    if (result.kind === 'refused') {
      req.session.flash = { kind: 'warning', key: `maintenance.refused.${result.reason}` };
      return res.redirect(303, `/contratos/${contractId(req)}/servicios`);
    }
    const service = result.service.names[lang(res)];
    req.session.flash = { kind: 'success', key: 'maintenance.contracted', params: { service } };
    res.redirect(303, `/contratos/${contractId(req)}/servicios`);
  });

  router.get('/contratos/:contractId/servicios/:serviceId/baja', guard.contract('read'), async (req, res) => {
    const input = { contractId: contractId(req), serviceId: Number(req.params.serviceId) };
    const { contract, service } = await serviceToCancel(userContext(deps, req), input);
    if (!service.terms) throw new DomainError('not_found');
    render(req, res, 'services/cancel', {
      title: res.locals.t('maintenance.cancel.title'), contract, canAct: canAct(res),
      service: { ...service, name: serviceName(service.code, lang(res)) },
    });
  });

  router.post('/contratos/:contractId/servicios/:serviceId/baja', guard.contract('act'), async (req, res) => {
    const input = { contractId: contractId(req), serviceId: Number(req.params.serviceId) };
    const access = res.locals.customerAccess as Access;
    const result = await cancelMaintenanceService(userContext(deps, req), { ...input, access });
    req.session.flash = result.kind === 'done'
      ? {
        kind: 'success', key: 'maintenance.cancelled',
        params: {
          service: serviceName(result.code, lang(res)), date: formatter(lang(res)).date(result.terms.effectiveDate),
        },
      }
      : { kind: 'info', key: 'maintenance.alreadyCancelled' };
    res.redirect(303, `/contratos/${contractId(req)}/servicios`);
  });

  return router;
}
