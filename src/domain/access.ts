/**
 * Who may do what on a customer (DESIGN.md §4 rule 18). Pure: the caller loads the user's
 * live links and the external-manager relations, this decides.
 */
export type LinkRole = 'holder' | 'representative' | 'authorized_full' | 'authorized_read';
export type LinkStatus = 'invited' | 'active' | 'revoked';
export type Action = 'read' | 'act' | 'manage_contacts';

export interface UserLink {
  customerId: number;
  role: LinkRole;
  status: LinkStatus;
}

/** An external manager relation: `managerCustomerId` (a gestoría) manages `customerId`. */
export interface ManagerRelation {
  customerId: number;
  managerCustomerId: number;
  status: 'pending_review' | 'active' | 'rejected' | 'revoked';
}

export type AccessPath =
  | { kind: 'direct'; role: LinkRole }
  | { kind: 'manager'; role: LinkRole; managerCustomerId: number };

export interface Access {
  read: boolean;
  act: boolean;
  manageContacts: boolean;
  /** The strongest path that grants the access, for the "acting as" banner and the audit. */
  via: AccessPath | null;
}

const DIRECT: Record<LinkRole, Omit<Access, 'via'>> = {
  holder: { read: true, act: true, manageContacts: true },
  representative: { read: true, act: true, manageContacts: true },
  authorized_full: { read: true, act: true, manageContacts: false },
  authorized_read: { read: true, act: false, manageContacts: false },
};

// Through a gestoría, nobody manages the client's own contacts: they manage the gestoría's.
const VIA_MANAGER: Record<LinkRole, Omit<Access, 'via'>> = {
  holder: { read: true, act: true, manageContacts: false },
  representative: { read: true, act: true, manageContacts: false },
  authorized_full: { read: true, act: true, manageContacts: false },
  authorized_read: { read: true, act: false, manageContacts: false },
};

/** The roles of a link to a gestoría that let the user act on the gestoría's clients. */
export const MANAGER_ROLES_THAT_ACT = (Object.keys(VIA_MANAGER) as LinkRole[]).filter((r) => VIA_MANAGER[r].act);

const NONE: Access = { read: false, act: false, manageContacts: false, via: null };

function strength(a: Omit<Access, 'via'>): number {
  return (a.read ? 1 : 0) + (a.act ? 2 : 0) + (a.manageContacts ? 4 : 0);
}

export function accessTo(customerId: number, links: readonly UserLink[], managers: readonly ManagerRelation[]): Access {
  let best: Access = NONE;
  const consider = (grant: Omit<Access, 'via'>, via: AccessPath) => {
    if (strength(grant) > strength(best)) best = { ...grant, via };
  };
  for (const link of links) {
    if (link.status !== 'active') continue;
    if (link.customerId === customerId) consider(DIRECT[link.role], { kind: 'direct', role: link.role });
    for (const m of managers) {
      if (m.status === 'active' && m.customerId === customerId && m.managerCustomerId === link.customerId) {
        consider(VIA_MANAGER[link.role], { kind: 'manager', role: link.role, managerCustomerId: m.managerCustomerId });
      }
    }
  }
  return best;
}

export function can(
  action: Action, customerId: number, links: readonly UserLink[], managers: readonly ManagerRelation[],
): boolean {
  const a = accessTo(customerId, links, managers);
  return action === 'read' ? a.read : action === 'act' ? a.act : a.manageContacts;
}
