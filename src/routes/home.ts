import { Router } from 'express';
import type { AppDeps } from '../deps';
import { render } from '../web/render';

export function homeRoutes(_d: AppDeps): Router {
  const router = Router();
  router.get('/', (req, res) => {
    if (req.user) return res.redirect(303, '/suministros');
    const loggedOut = req.query.salida === '1';
    render(req, res, 'home/index', { title: res.locals.t('home.title'), form: {}, errors: {}, loggedOut });
  });
  return router;
}
