import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../deps';
import type { PromotionRow } from '../../data/promotions-repo';
import { PROVINCES_SORTED } from '../../domain/postal';
import { AUDIENCE_KINDS, validatePromotion, type PromotionForm } from '../../domain/promotions';
import { DISCOUNT_LIMITS, parseDiscount } from '../../domain/promotion-discounts';
import {
  allPromotions, createPromotion, editPromotion, promotionById, switchPromotion,
} from '../../services/promotions';
import { FieldErrors } from '../../web/validation';
import { render } from '../../web/render';
import { adminFlash, requireStaff, staffActor } from '../../web/middleware/staff';

const TEXT_FIELDS = [
  'titleEs', 'titleCa', 'bodyEs', 'bodyCa', 'code', 'validFrom', 'validTo', 'energy', 'tariff', 'province',
  'discountPercent', 'discountMonths',
] as const;

/** The promotion's fields and its optional discount (two fields, both or neither). */
type AdminForm = PromotionForm & { discountPercent: string; discountMonths: string };

function readForm(body: unknown): AdminForm {
  const b = (body ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string).slice(0, 2000) : '');
  const kindsRaw = b.kinds;
  const kinds = (Array.isArray(kindsRaw) ? kindsRaw : [kindsRaw])
    .filter((k): k is string => typeof k === 'string')
    .slice(0, 5);
  const out = { kinds } as unknown as AdminForm;
  for (const f of TEXT_FIELDS) (out as unknown as Record<string, string>)[f] = str(f);
  return out;
}

function formOf(p: PromotionRow): AdminForm {
  return {
    titleEs: p.title_es, titleCa: p.title_ca, bodyEs: p.body_es, bodyCa: p.body_ca, code: p.code ?? '',
    validFrom: p.valid_from, validTo: p.valid_to,
    kinds: p.audience_kinds, energy: p.energy ?? '', tariff: p.tariff ?? '', province: p.province ?? '',
    discountPercent: p.discount_percent === null ? '' : String(p.discount_percent),
    discountMonths: p.discount_months === null ? '' : String(p.discount_months),
  };
}

/** Promotions for the customer area: every staff member sees them, supervisors publish them. */
export function adminPromotionRoutes(deps: AppDeps): Router {
  const router = Router();
  const supervisor = requireStaff('supervisor');
  const ctx = () => ({ db: deps.db.knex, now: deps.clock.now() });

  function formPage(
    req: Request, res: Response, form: AdminForm, errors: Record<string, string>,
    promotion: PromotionRow | null, status = 200,
  ) {
    const t = res.locals.t;
    const title = t(promotion ? 'admin.promotions.edit' : 'admin.promotions.new');
    render(req, res, 'admin/promotions/form', {
      title: Object.keys(errors).length ? `Error: ${title}` : title, heading: title, form, errors, promotion,
      kinds: AUDIENCE_KINDS, provinces: PROVINCES_SORTED, discountLimits: DISCOUNT_LIMITS,
    }, { status });
  }

  async function save(req: Request, res: Response, promotion: PromotionRow | null) {
    const form = readForm(req.body);
    const check = validatePromotion(form);
    const discount = parseDiscount(form.discountPercent, form.discountMonths);
    if (!check.ok || !discount.ok) {
      const e = new FieldErrors(res.locals.t);
      for (const err of check.ok ? [] : check.errors) e.add(err.field, `admin.promotions.errors.${err.code}`);
      const discountErrors = discount.ok ? [] : discount.errors;
      for (const err of discountErrors) e.add(err.field, `admin.promotions.errors.discount_${err.code}`);
      return formPage(req, res, form, e.errors, promotion, 422);
    }
    const c = { ...ctx(), actor: staffActor(req) };
    const value = { ...check.value, discount: discount.value };
    if (promotion) await editPromotion(c, promotion.id, value);
    else await createPromotion(c, value);
    adminFlash(req, 'success', promotion ? 'admin.promotions.saved' : 'admin.promotions.created');
    res.redirect(303, '/admin/promociones');
  }

  router.get('/promociones', requireStaff(), async (req, res) => {
    render(
      req, res, 'admin/promotions/list',
      { title: res.locals.t('admin.promotions.title'), promotions: await allPromotions(ctx()) },
    );
  });

  router.get('/promociones/nueva', supervisor, (req, res) => {
    formPage(req, res, {
      titleEs: '', titleCa: '', bodyEs: '', bodyCa: '', code: '', validFrom: '', validTo: '', kinds: [],
      energy: '', tariff: '', province: '', discountPercent: '', discountMonths: '',
    }, {}, null);
  });

  router.post('/promociones', supervisor, (req, res) => save(req, res, null));

  router.get('/promociones/:promotionId', supervisor, async (req, res) => {
    const p = await promotionById(ctx(), Number(req.params.promotionId));
    formPage(req, res, formOf(p), {}, p);
  });

  router.post('/promociones/:promotionId', supervisor, async (req, res) => {
    await save(req, res, await promotionById(ctx(), Number(req.params.promotionId)));
  });

  router.post('/promociones/:promotionId/estado', supervisor, async (req, res) => {
    const p = await promotionById(ctx(), Number(req.params.promotionId));
    const active = (req.body as Record<string, unknown> | undefined)?.active === '1';
    await switchPromotion({ ...ctx(), actor: staffActor(req) }, p.id, active);
    adminFlash(req, 'success', active ? 'admin.promotions.published' : 'admin.promotions.withdrawn');
    res.redirect(303, '/admin/promociones');
  });
  return router;
}
