import { Router } from 'express';
import { render } from '../web/render';

export function homeRoutes(): Router {
  const router = Router();
  router.get('/', (req, res) => {
    if (req.user) return res.redirect(303, '/suministros');
    render(req, res, 'home/index', { title: res.locals.t('home.title'), form: {}, errors: {}, loggedOut: req.query.salida === '1' });
  });
  return router;
}
