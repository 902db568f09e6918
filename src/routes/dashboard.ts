import { Router } from 'express';
import type { AppDeps } from '../deps';
import type { Access } from '../domain/access';
import { DomainError } from '../domain/errors';
import { overviewQuery } from '../domain/overview';
import { clientSupplies } from '../services/bulk-overview';
import { requireUser } from '../web/current-user';
import { guards, type ActingForBanner } from '../web/guards';
import { render } from '../web/render';
import { overviewPage } from '../web/overview-page';

// A client page lists this many supplies; past that, the overview's search is the way in.
const CLIENT_SUPPLIES = 100;

export function dashboardRoutes(d: AppDeps): Router {
  const router = Router();
  const guard = guards(d);
  const overview = overviewPage(d);

  // The landing page after login: every supply the user may see, how they are linked, searchable.
  router.get('/suministros', requireUser, async (req, res) => {
    await overview(req, res);
  });

  // One client: how the user is linked, its supplies, and where to manage it.
  router.get('/clientes/:customerId', guard.customer('read'), async (req, res) => {
    const page = await clientSupplies(d.db.knex, Number(req.params.customerId), CLIENT_SUPPLIES);
    if (!page) throw new DomainError('not_found');
    const access = res.locals.customerAccess as Access;
    const banner = res.locals.actingForBanner as ActingForBanner | undefined;
    render(req, res, 'dashboard/client', {
      title: page.customer.name, customer: page.customer, access,
      role: access.via?.role ?? null, managerName: banner?.managerName ?? null,
      supplies: page.supplies, more: page.more,
      searchHref: `/suministros${overviewQuery({ q: page.customer.tax_id, role: null, energy: null })}`,
    });
  });

  return router;
}
