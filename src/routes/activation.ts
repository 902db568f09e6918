import { Router } from 'express';
import type { Knex } from 'knex';
import type { TokenCheck } from '../domain/tokens';
import type { TokenRow } from '../data/tokens-repo';
import { findUserById, updateUser } from '../data/users-repo';
import { audit } from '../data/audit-repo';
import { consumeToken, peekToken } from '../services/token-use';
import { deps } from '../web/middleware/auth';
import { render } from '../web/render';
import { clientIp } from '../web/forms';

/**
 * A used link whose user is still pending was replaced by a newer one (the person registered
 * again): saying "already used, your user is active" would send them to a login that fails.
 */
async function explain(db: Knex, check: TokenCheck, row: TokenRow | undefined): Promise<TokenCheck | 'replaced'> {
  if (check !== 'used' || !row?.user_id) return check;
  const user = await findUserById(db, row.user_id);
  return user?.status === 'pending' ? 'replaced' : check;
}

export function activationRoutes(): Router {
  const router = Router();

  // The emailed link opens a page with a button: mail scanners that prefetch links change nothing.
  router.get('/activar', async (req, res) => {
    const { db, clock } = deps(req);
    const { check, row } = await peekToken(db.knex, req.query.token, 'activation', clock.now());
    render(req, res, 'register/activate', { title: res.locals.t('activation.title'), token: check === 'valid' ? req.query.token : null, check: await explain(db.knex, check, row) }, { status: check === 'valid' ? 200 : 410 });
  });

  router.post('/activar', async (req, res) => {
    const { db, clock } = deps(req);
    const now = clock.now();
    const token = (req.body as Record<string, unknown>)?.token;
    const result = await db.knex.transaction(async (trx) => {
      const { check, row } = await consumeToken(trx, token, 'activation', now);
      if (check !== 'valid' || !row?.user_id) return explain(trx, check, row);
      const user = await findUserById(trx, row.user_id);
      if (!user || user.status !== 'pending') return 'used' as const;
      await updateUser(trx, user.id, { status: 'active', email_verified_at: now, failed_logins: 0 }, now);
      await audit(trx, { actorType: 'user', actorId: user.id, action: 'registration.activated', targetType: 'user', targetId: user.id, ip: clientIp(req), at: now });
      return 'activated' as const;
    });
    if (result === 'activated') {
      req.session.flash = { kind: 'success', key: 'activation.done' };
      return res.redirect(303, '/acceso');
    }
    render(req, res, 'register/activate', { title: res.locals.t('activation.title'), token: null, check: result }, { status: 410 });
  });

  return router;
}
