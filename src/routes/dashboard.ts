import { Router } from 'express';
import { suppliesOfCustomers } from '../data/supplies-repo';
import { deps, requireUser, userAccess } from './middleware/auth';
import { render } from './render';
import { eBillingEligibility } from '../domain/e-billing';

export function dashboardRoutes(): Router {
  const router = Router();

  // The landing page after login: every customer the user may see, and how they are linked.
  router.get('/suministros', requireUser, async (req, res) => {
    const access = await userAccess(req);
    const rows = await suppliesOfCustomers(deps(req).db.knex, access.customerIds());
    const customers = new Map<number, { id: number; name: string; taxId: string; via: ReturnType<typeof access.to>['via']; supplies: typeof rows }>();
    for (const r of rows) {
      if (!customers.has(r.customer_id)) {
        customers.set(r.customer_id, { id: r.customer_id, name: r.customer_name, taxId: r.customer_tax_id, via: access.to(r.customer_id).via, supplies: [] });
      }
      customers.get(r.customer_id)!.supplies.push(r);
    }
    // The seed's e-billing banner: contracts the user may switch and that qualify.
    const eBillingOffers = rows.filter((r) => !r.e_billing && access.to(r.customer_id).act
      && eBillingEligibility({ status: 'active', altPayerName: r.alt_payer_name, altRecipientName: r.alt_recipient_name }).eligible).slice(0, 3);
    render(req, res, 'dashboard/supplies', { title: res.locals.t('supplies.title'), customers: [...customers.values()], eBillingOffers });
  });

  return router;
}
