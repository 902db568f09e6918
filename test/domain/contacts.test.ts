import { expect } from 'chai';
import type { LinkRole, LinkStatus } from '../../src/domain/access';
import {
  addContactDecision, deactivationDecision, invitationActionDecision, invitationExpiry, invitationState, invitationStatusShown, isContactRole, linkStatusShown,
  parseContactId, roleChangeDecision, sameId, INVITATION_LIFETIME_MS,
} from '../../src/domain/contacts';

const ME = '12345678Z';
const OTHER = '87654321X';
const ACTOR = 1;
const CONTACT = 2;

describe('contacts: the NIF/NIE of a new contact', () => {
  const cases: [string, ReturnType<typeof parseContactId>][] = [
    ['12345678Z', { ok: true, value: '12345678Z' }],
    ['12.345.678-z', { ok: true, value: '12345678Z' }],
    [' x1234567l ', { ok: true, value: 'X1234567L' }],
    ['', { ok: false, reason: 'required' }],
    ['   ', { ok: false, reason: 'required' }],
    ['12345678A', { ok: false, reason: 'format' }],
    ['B65432106', { ok: false, reason: 'cif' }],
    ['persona@example.com', { ok: false, reason: 'format' }],
    // a passport has no check letter: a typo would invite a stranger
    ['PAA123456', { ok: false, reason: 'format' }],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => expect(parseContactId(input)).to.deep.equal(expected));
  }

  it('compares ids as typed, without decoration', () => {
    expect(sameId('12.345.678-z', '12345678Z')).to.equal(true);
    expect(sameId('12345678Z', '87654321X')).to.equal(false);
    expect(sameId('', '')).to.equal(false);
  });
});

describe('contacts: who can be added', () => {
  const link = (role: LinkRole, status: LinkStatus = 'active') => ({ role, status });
  const cases: [string, Parameters<typeof addContactDecision>[0], ReturnType<typeof addContactDecision>][] = [
    ['someone new', { actorLoginId: ME, nif: OTHER, existingLink: null }, { ok: true }],
    ['oneself', { actorLoginId: ME, nif: ME, existingLink: null }, { ok: false, reason: 'self' }],
    ['oneself, typed differently', { actorLoginId: ME, nif: '12.345.678-z', existingLink: null }, { ok: false, reason: 'self' }],
    ['an active full contact', { actorLoginId: ME, nif: OTHER, existingLink: link('authorized_full') }, { ok: false, reason: 'already_contact' }],
    ['an active read-only contact', { actorLoginId: ME, nif: OTHER, existingLink: link('authorized_read') }, { ok: false, reason: 'already_contact' }],
    ['the representative', { actorLoginId: ME, nif: OTHER, existingLink: link('representative') }, { ok: false, reason: 'is_representative' }],
    ['the holder', { actorLoginId: ME, nif: OTHER, existingLink: link('holder') }, { ok: false, reason: 'is_representative' }],
    ['a deactivated contact (added again)', { actorLoginId: ME, nif: OTHER, existingLink: link('authorized_full', 'revoked') }, { ok: true }],
    ['someone invited as contact (invited again)', { actorLoginId: ME, nif: OTHER, existingLink: null, pendingInvitationRole: 'authorized_read' }, { ok: true }],
    ['someone invited as representative', { actorLoginId: ME, nif: OTHER, existingLink: null, pendingInvitationRole: 'representative' }, { ok: false, reason: 'is_representative' }],
  ];
  for (const [name, facts, expected] of cases) {
    it(`${name} → ${JSON.stringify(expected)}`, () => expect(addContactDecision(facts)).to.deep.equal(expected));
  }
});

describe('contacts: role changes', () => {
  const cases: [string, LinkRole, LinkStatus, number, unknown, ReturnType<typeof roleChangeDecision>][] = [
    ['read-only → full', 'authorized_read', 'active', CONTACT, 'authorized_full', { ok: true }],
    ['full → read-only', 'authorized_full', 'active', CONTACT, 'authorized_read', { ok: true }],
    ['to the same role', 'authorized_full', 'active', CONTACT, 'authorized_full', { ok: false, reason: 'unchanged' }],
    ['to representative (needs documents)', 'authorized_full', 'active', CONTACT, 'representative', { ok: false, reason: 'invalid_role' }],
    ['to holder', 'authorized_read', 'active', CONTACT, 'holder', { ok: false, reason: 'invalid_role' }],
    ['to nonsense', 'authorized_read', 'active', CONTACT, 'admin', { ok: false, reason: 'invalid_role' }],
    ['to nothing', 'authorized_read', 'active', CONTACT, undefined, { ok: false, reason: 'invalid_role' }],
    ['of the representative', 'representative', 'active', CONTACT, 'authorized_read', { ok: false, reason: 'protected' }],
    ['of the holder', 'holder', 'active', CONTACT, 'authorized_read', { ok: false, reason: 'protected' }],
    ['of a deactivated contact', 'authorized_read', 'revoked', CONTACT, 'authorized_full', { ok: false, reason: 'revoked' }],
    ['of oneself', 'authorized_full', 'active', ACTOR, 'authorized_read', { ok: false, reason: 'self' }],
  ];
  for (const [name, role, status, userId, to, expected] of cases) {
    it(`${name} → ${JSON.stringify(expected)}`, () => expect(roleChangeDecision({ role, status, userId }, to, ACTOR)).to.deep.equal(expected));
  }
});

describe('contacts: deactivation', () => {
  const cases: [string, LinkRole, LinkStatus, number, ReturnType<typeof deactivationDecision>][] = [
    ['a full contact', 'authorized_full', 'active', CONTACT, { ok: true }],
    ['a read-only contact', 'authorized_read', 'active', CONTACT, { ok: true }],
    ['the representative', 'representative', 'active', CONTACT, { ok: false, reason: 'protected' }],
    ['the holder', 'holder', 'active', CONTACT, { ok: false, reason: 'protected' }],
    ['an already deactivated contact', 'authorized_full', 'revoked', CONTACT, { ok: false, reason: 'revoked' }],
    ['oneself', 'representative', 'active', ACTOR, { ok: false, reason: 'self' }],
  ];
  for (const [name, role, status, userId, expected] of cases) {
    it(`${name} → ${JSON.stringify(expected)}`, () => expect(deactivationDecision({ role, status, userId }, ACTOR)).to.deep.equal(expected));
  }
});

describe('contacts: invitations', () => {
  const now = new Date('2026-11-20T10:00:00Z');
  const expiresAt = invitationExpiry(now);

  it('last 7 days', () => {
    expect(INVITATION_LIFETIME_MS).to.equal(7 * 24 * 3600 * 1000);
    expect(expiresAt.toISOString()).to.equal('2026-11-27T10:00:00.000Z');
  });

  it("a representative's lasts 30 days and is not cancelled or resent from the contacts page", () => {
    expect(invitationExpiry(now, 'representative').toISOString()).to.equal('2026-12-20T10:00:00.000Z');
    expect(invitationActionDecision('representative')).to.deep.equal({ ok: false, reason: 'protected' });
    expect(invitationActionDecision('authorized_full')).to.deep.equal({ ok: true });
  });

  const at = (ms: number) => new Date(expiresAt.getTime() + ms);
  const cases: [string, Parameters<typeof invitationState>[0], Date, ReturnType<typeof invitationState>][] = [
    ['just sent', { status: 'pending', expiresAt }, now, 'valid'],
    ['at the last millisecond', { status: 'pending', expiresAt }, at(0), 'valid'],
    ['one millisecond late', { status: 'pending', expiresAt }, at(1), 'expired'],
    ['used', { status: 'accepted', expiresAt }, now, 'accepted'],
    ['used, and late as well', { status: 'accepted', expiresAt }, at(1000), 'accepted'],
    ['cancelled or replaced', { status: 'cancelled', expiresAt }, now, 'cancelled'],
    ['unknown token', null, now, 'unknown'],
  ];
  for (const [name, inv, when, expected] of cases) {
    it(`${name} → ${expected}`, () => expect(invitationState(inv, when)).to.equal(expected));
  }

  it('shows pending invitations as invited or expired, and hides the rest', () => {
    expect(invitationStatusShown({ status: 'pending', expiresAt }, now)).to.equal('invited');
    expect(invitationStatusShown({ status: 'pending', expiresAt }, at(1))).to.equal('expired');
    expect(invitationStatusShown({ status: 'accepted', expiresAt }, now)).to.equal(null);
    expect(invitationStatusShown({ status: 'cancelled', expiresAt }, now)).to.equal(null);
  });

  it('shows links as active or deactivated', () => {
    expect(linkStatusShown('active')).to.equal('active');
    expect(linkStatusShown('revoked')).to.equal('deactivated');
    expect(linkStatusShown('invited')).to.equal('invited');
  });

  it('hands out only the two contact roles', () => {
    expect(['authorized_full', 'authorized_read', 'holder', 'representative', 'x'].filter(isContactRole)).to.deep.equal(['authorized_full', 'authorized_read']);
  });
});
