/** @deprecated The admin session middleware is part of the web kit: import from web/middleware/staff. */
export {
  adminFlash, loadStaff, regenerateSession, requireStaff, staffActor, type CurrentStaff,
} from '../../web/middleware/staff';
