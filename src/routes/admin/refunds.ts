import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../deps';
import { DomainError } from '../../domain/errors';
import { duplicateCharges } from '../../data/payments-repo';
import { markChargeRefunded, REFUND_NOTE_MAX } from '../../services/refunds';
import { render } from '../../web/render';
import { staffContext } from '../../web/use-case-context';
import { adminFlash, requireStaff } from '../../web/middleware/staff';

const PAGE_SIZE = 25;

const Query = z.object({
  estado: z.enum(['pendientes', 'hechos']).catch('pendientes'),
  pagina: z.coerce.number().int().min(1).max(10_000).catch(1),
});
const Body = z.object({ nota: z.string().catch('') });
// a note is one line of text for the audit log: no NUL or other control characters
function hasControlCharacters(v: string): boolean {
  return [...v].some((c) => { const n = c.charCodeAt(0); return n < 32 || n === 127; });
}

const PaymentId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/**
 * Duplicate card charges to refund (issue 12 item 12): a notification that charged an invoice
 * already paid is kept as a duplicate; agentes and supervisors see the list and record each
 * refund once it is made at the bank, with an audit row.
 */
export function adminRefundRoutes(deps: AppDeps): Router {
  const router = Router();

  router.get('/reembolsos', requireStaff(), async (req, res) => {
    const q = Query.parse(req.query);
    const list = await duplicateCharges(
      staffContext(deps, req).db,
      { refunded: q.estado === 'hechos', limit: PAGE_SIZE, offset: (q.pagina - 1) * PAGE_SIZE },
    );
    render(req, res, 'admin/refunds/index', {
      title: res.locals.t('refunds.title'), list, state: q.estado, page: q.pagina,
      pages: Math.max(1, Math.ceil(list.total / PAGE_SIZE)),
      noteMax: REFUND_NOTE_MAX, errors: {}, form: {},
    });
  });

  router.post('/reembolsos/:paymentId/hecho', requireStaff(), async (req, res) => {
    const id = PaymentId.safeParse(req.params.paymentId);
    if (!id.success) throw new DomainError('not_found');
    const note = Body.parse(req.body ?? {}).nota.trim();
    if (note.length > REFUND_NOTE_MAX || hasControlCharacters(note)) {
      const list = await duplicateCharges(staffContext(deps, req).db, { refunded: false, limit: PAGE_SIZE, offset: 0 });
      return render(req, res, 'admin/refunds/index', {
        title: res.locals.t('refunds.title'), list, state: 'pendientes', page: 1,
        pages: Math.max(1, Math.ceil(list.total / PAGE_SIZE)), noteMax: REFUND_NOTE_MAX,
        errors: {
          [`nota-${id.data}`]: res.locals.t(
            note.length > REFUND_NOTE_MAX ? 'refunds.errors.too_long' : 'refunds.errors.invalid',
            { max: REFUND_NOTE_MAX },
          ),
        },
        form: { [`nota-${id.data}`]: note.slice(0, REFUND_NOTE_MAX + 100) },
      }, { status: 422 });
    }
    const done = await markChargeRefunded(staffContext(deps, req), { paymentId: id.data, note: note || null });
    adminFlash(req, done === 'refunded' ? 'success' : 'info', done === 'refunded' ? 'refunds.done' : 'refunds.already');
    res.redirect(303, '/admin/reembolsos');
  });

  return router;
}
