import { Router } from 'express';
import type { AppDeps } from '../../deps';
import { dashboardCounts } from '../../data/admin-dashboard-repo';
import { render } from '../../web/render';
import { requireStaff } from '../../web/middleware/staff';

export function adminHomeRoutes(d: AppDeps): Router {
  const router = Router();
  router.get('/', requireStaff(), async (req, res) => {
    const counts = await dashboardCounts(d.db.knex);
    render(req, res, 'admin/home/index', { title: res.locals.t('admin.home.title'), counts });
  });
  return router;
}
