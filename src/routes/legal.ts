import { Router } from 'express';
import type { AppDeps } from '../deps';
import { render } from '../web/render';

const PAGES = ['aviso-legal', 'privacidad', 'cookies', 'accesibilidad'] as const;

export function legalRoutes(_d: AppDeps): Router {
  const router = Router();
  for (const page of PAGES) {
    router.get(`/legal/${page}`, (req, res) => {
      render(req, res, 'legal/page', { page, title: res.locals.t(`legal.${page}.title`) });
    });
  }
  return router;
}
