/**
 * Who does something, in the one shape use cases take (`ctx.actor`) and routes build from the
 * request: a customer-side user or a staff member, with the address the request came from for
 * the audit row. A leaf of the domain, so services, routes and views import it without cycles.
 */
export type ActorLanguage = 'es' | 'ca';

export interface UserActor {
  userId: number;
  email: string;
  firstName: string;
  language: ActorLanguage;
  ip: string;
}

export interface StaffActor {
  staffId: number;
  ip: string | null;
}

export type Actor = UserActor | StaffActor;

export function isStaffActor(a: Actor): a is StaffActor {
  return 'staffId' in a;
}

/** The actor columns of an audit row. */
export function auditActor(a: Actor): { actorType: 'user' | 'staff'; actorId: number; ip: string | null } {
  return isStaffActor(a)
    ? { actorType: 'staff', actorId: a.staffId, ip: a.ip }
    : { actorType: 'user', actorId: a.userId, ip: a.ip };
}
