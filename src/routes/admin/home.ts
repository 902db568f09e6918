import { Router } from 'express';
import { dashboardCounts } from '../../data/admin-dashboard-repo';
import { deps } from '../../web/middleware/auth';
import { render } from '../../web/render';
import { requireStaff } from './middleware';

export function adminHomeRoutes(): Router {
  const router = Router();
  router.get('/', requireStaff(), async (req, res) => {
    const counts = await dashboardCounts(deps(req).db.knex);
    render(req, res, 'admin/home/index', { title: res.locals.t('admin.home.title'), counts });
  });
  return router;
}
