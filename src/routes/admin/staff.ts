import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../deps';
import { checkPassword, passwordProblemMessage } from '../../domain/password-policy';
import { checkReason, isStaffRole, normalizeStaffId, STAFF_ACTIONS, type StaffAction } from '../../domain/staff';
import { DomainError } from '../../domain/errors';
import { findStaffById, listStaff, type StaffRow } from '../../data/staff-repo';
import { applyStaffAction, createStaffMember, generateInitialPassword } from '../../services/staff-admin';
import { formFields } from '../../web/forms';
import { render } from '../../web/render';
import { adminFlash, requireStaff, staffActor } from '../../web/middleware/staff';

const FIELDS = ['staffId', 'firstName', 'lastName', 'email', 'role', 'passwordMode', 'password', 'reason'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function newPage(
  req: Request, res: Response, form: Record<string, string>, errors: Record<string, string>, status = 200,
): void {
  render(req, res, 'admin/staff/new', { title: res.locals.t('admin.staff.new.title'), form, errors }, { status });
}

async function detailPage(
  req: Request, res: Response, member: StaffRow, form: Record<string, string>, errors: Record<string, string>,
  status = 200,
): Promise<void> {
  render(
    req, res, 'admin/staff/detail',
    { title: `${member.first_name} ${member.last_name}`, member, form, errors, self: member.id === req.staff!.id },
    { status },
  );
}

async function loadMember(d: AppDeps, req: Request): Promise<StaffRow> {
  const id = Number(req.params.staffMemberId);
  if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('not_found');
  const member = await findStaffById(d.db.knex, id);
  if (!member) throw new DomainError('not_found');
  return member;
}

export function adminStaffRoutes(d: AppDeps): Router {
  const router = Router();
  const supervisor = requireStaff('supervisor');

  router.get('/personal', supervisor, async (req, res) => {
    const staff = await listStaff(d.db.knex);
    render(req, res, 'admin/staff/list', { title: res.locals.t('admin.staff.list.title'), members: staff });
  });

  router.get('/personal/nuevo', supervisor, (req, res) => {
    newPage(req, res, { role: 'agente', passwordMode: 'generate' }, {});
  });

  router.post('/personal', supervisor, async (req, res) => {
    const { db, config, clock } = d;
    const t = res.locals.t;
    const lang = res.locals.lang as 'es' | 'ca';
    const form = formFields(req, FIELDS);
    const errors: Record<string, string> = {};
    const id = normalizeStaffId(form.staffId);
    if (!id.ok) errors.staffId = form.staffId.trim() ? t('admin.staff.errors.staffId') : t('errors.required');
    if (!form.firstName.trim()) errors.firstName = t('errors.required');
    if (!form.lastName.trim()) errors.lastName = t('errors.required');
    if (!EMAIL.test(form.email.trim())) {
      errors.email = form.email.trim() ? t('admin.staff.errors.email') : t('errors.required');
    }
    if (!isStaffRole(form.role)) errors.role = t('errors.required');
    const mode = form.passwordMode === 'set' ? 'set' : 'generate';
    if (mode === 'set') {
      const check = checkPassword(
        form.password,
        { lang, userInputs: [form.staffId, form.firstName, form.lastName, form.email.split('@')[0] ?? ''] },
      );
      if (!form.password) errors.password = t('errors.required');
      else if (!check.ok) errors.password = check.problems.map((p) => passwordProblemMessage(p, lang)).join(' ');
    }
    const password = mode === 'set' ? form.password : generateInitialPassword();
    const reason = checkReason(form.reason);
    if (!reason.ok) errors.reason = t(`admin.reason.${reason.problem}`);
    const kept = { ...form, password: '', passwordMode: mode };
    if (Object.keys(errors).length || !id.ok || !reason.ok || !isStaffRole(form.role)) {
      return newPage(req, res, kept, errors, 422);
    }
    const created = await createStaffMember(db.knex, config, staffActor(req), {
      staffId: id.value, firstName: form.firstName.trim(), lastName: form.lastName.trim(), email: form.email.trim(),
      role: form.role, password, reason: reason.value,
    }, clock.now());
    if (created === 'taken') return newPage(req, res, kept, { staffId: t('admin.staff.errors.taken') }, 422);
    res.set('Cache-Control', 'no-store');
    render(req, res, 'admin/staff/created', {
      title: t('admin.staff.created.title'), staffId: id.value, memberId: created,
      password: mode === 'generate' ? password : null,
    });
  });

  router.get('/personal/:staffMemberId', supervisor, async (req, res) => {
    await detailPage(req, res, await loadMember(d, req), {}, {});
  });

  router.post('/personal/:staffMemberId', supervisor, async (req, res) => {
    const { db, clock, config } = d;
    const t = res.locals.t;
    const member = await loadMember(d, req);
    const form = formFields(req, ['action', 'reason'] as const);
    const errors: Record<string, string> = {};
    const action = (STAFF_ACTIONS as readonly string[]).includes(form.action) ? form.action as StaffAction : null;
    if (!action) errors.action = t('admin.staff.errors.action');
    const reason = checkReason(form.reason);
    if (!reason.ok) errors.reason = t(`admin.reason.${reason.problem}`);
    if (!action || !reason.ok) return detailPage(req, res, member, form, errors, 422);
    const r = await applyStaffAction(db.knex, config, staffActor(req), member.id, action, reason.value, clock.now());
    if (r === 'not_found') throw new DomainError('not_found');
    if (r !== 'done') return detailPage(req, res, member, form, { action: t(`admin.staff.refused.${r}`) }, 409);
    adminFlash(req, 'success', `admin.staff.done.${action}`, { staffId: member.staff_id });
    res.redirect(303, `/admin/personal/${member.id}`);
  });

  return router;
}
