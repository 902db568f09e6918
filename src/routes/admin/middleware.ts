import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { evaluateSession, sessionPolicyFrom } from '../../domain/sessions';
import { ADMIN_ABSOLUTE_HOURS, SECOND_STEP_MS, roleAllows, type StaffRole } from '../../domain/staff';
import { findStaffById } from '../../data/staff-repo';
import { deps } from '../../web/middleware/auth';
import { render } from '../../web/render';

declare module 'express-session' {
  interface SessionData {
    /** Set once both factors are done (or the password alone while enrolling). */
    staffId?: number;
    /** Logged in with the password only; the second factor must be enrolled before anything else. */
    staffEnrolling?: boolean;
    staffCreatedAt?: number;
    staffLastSeenAt?: number;
    /** The password was right; waiting for the code. */
    pendingStaffId?: number;
    pendingSince?: number;
    adminFlash?: { kind: 'success' | 'info' | 'warning'; key: string; params?: Record<string, string> };
  }
}

export interface CurrentStaff {
  id: number;
  staffId: string;
  firstName: string;
  lastName: string;
  email: string;
  role: StaffRole;
  /** A supervisor chose the password: nothing else opens until the member chooses their own. */
  mustChangePassword: boolean;
}

declare module 'express-serve-static-core' {
  interface Request {
    staff?: CurrentStaff;
  }
}

const TOUCH_EVERY_MS = 30_000;

export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

function redirect(req: Request, res: Response, target: string): void {
  if (req.get('HX-Request')) {
    res.set('HX-Redirect', target).status(204).end();
    return;
  }
  res.redirect(303, target);
}

/**
 * Loads the staff member of the admin session and enforces the admin limits server-side:
 * ADMIN_IDLE_MINUTES idle, 8 hours absolute. An expired session is emptied and the login page
 * says why.
 */
export const loadStaff: RequestHandler = async (req, res, next) => {
  const s = req.session;
  const { config, clock, db } = deps(req);
  const now = clock.now().getTime();
  if (s.pendingStaffId && now - (s.pendingSince ?? 0) > SECOND_STEP_MS) {
    delete s.pendingStaffId;
    delete s.pendingSince;
  }
  if (!s.staffId) return next();
  const state = evaluateSession({ createdAt: s.staffCreatedAt ?? 0, lastSeenAt: s.staffLastSeenAt ?? 0 }, new Date(now), sessionPolicyFrom(config.adminIdleMinutes, ADMIN_ABSOLUTE_HOURS));
  if (state !== 'valid') {
    const lang = s.lang;
    await regenerateSession(req);
    req.session.lang = lang;
    return redirect(req, res, state === 'absolute_expired' ? '/admin/acceso?caducada=limite' : '/admin/acceso?caducada=1');
  }
  const staff = await findStaffById(db.knex, s.staffId);
  if (!staff || staff.status !== 'active') {
    await regenerateSession(req);
    return redirect(req, res, '/admin/acceso');
  }
  if (now - (s.staffLastSeenAt ?? 0) >= TOUCH_EVERY_MS) s.staffLastSeenAt = now;
  req.staff = { id: staff.id, staffId: staff.staff_id, firstName: staff.first_name, lastName: staff.last_name, email: staff.email, role: staff.role, mustChangePassword: staff.must_change_password };
  // the layout shows the section's navigation only once both factors are done
  res.locals.staff = s.staffEnrolling ? null : req.staff;
  next();
};

/**
 * The admin access guard: anonymous → the admin login; enrolling → the enrolment page; a
 * staff member without the role → 403.
 */
export function requireStaff(role?: 'supervisor'): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.staff) return redirect(req, res, '/admin/acceso');
    if (req.session.staffEnrolling) return redirect(req, res, '/admin/alta-2fa');
    if (req.staff.mustChangePassword) return redirect(req, res, '/admin/contrasena');
    if (!roleAllows(req.staff.role, role)) {
      render(req, res, 'admin/error', { errorKey: 'forbidden', title: res.locals.t('errors.forbidden.title') }, { status: 403 });
      return;
    }
    next();
  };
}

/** What an audit row needs about the staff member acting. */
export function staffActor(req: Request): { actorType: 'staff'; actorId: number; ip: string | null } {
  if (!req.staff) throw new Error('staffActor outside requireStaff');
  return { actorType: 'staff', actorId: req.staff.id, ip: req.ip ?? null };
}

/** A message shown once on the next admin page. */
export function adminFlash(req: Request, kind: 'success' | 'info' | 'warning', key: string, params?: Record<string, string>): void {
  req.session.adminFlash = { kind, key, ...(params ? { params } : {}) };
}
