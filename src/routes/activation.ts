import { Router } from 'express';
import type { AppDeps } from '../deps';
import { activate, activationState } from '../services/registration';
import { render } from '../web/render';
import { formFields } from '../web/forms';
import { accountCtx } from '../web/account-ctx';

export function activationRoutes(deps: AppDeps): Router {
  const router = Router();

  // The emailed link opens a page with a button: mail scanners that prefetch links change nothing.
  router.get('/activar', async (req, res) => {
    const check = await activationState(accountCtx(deps, req), req.query.token);
    render(
      req, res, 'register/activate',
      { title: res.locals.t('activation.title'), token: check === 'valid' ? req.query.token : null, check },
      { status: check === 'valid' ? 200 : 410 },
    );
  });

  router.post('/activar', async (req, res) => {
    const { token } = formFields(req, ['token'] as const);
    const result = await activate(accountCtx(deps, req), token);
    if (result === 'activated') {
      req.session.flash = { kind: 'success', key: 'activation.done' };
      return res.redirect(303, '/acceso');
    }
    render(
      req, res, 'register/activate', { title: res.locals.t('activation.title'), token: null, check: result },
      { status: 410 },
    );
  });

  return router;
}
