import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../deps';
import type { Language } from '../i18n';
import { sameId, type InvitationRole, type InvitationState } from '../domain/contacts';
import { acceptInvitation, openInvitation, type OpenInvitation } from '../services/contacts';
import { passwordIssues } from '../services/field-issues';
import { checkbox, clientIp, formFields } from '../web/forms';
import { cleanText, FieldErrors } from '../web/validation';
import { render } from '../web/render';
import { accountCtx, addIssues } from '../web/account-ctx';

const FIELDS = ['token', 'nif', 'firstName', 'lastName', 'password', 'passwordConfirm'] as const;

const nifMismatchKey = (role: InvitationRole) =>
  role === 'representative' ? 'invited.representative.nifMismatch' : 'invited.errors.nifMismatch';

function invalidPage(req: Request, res: Response, state: InvitationState, role?: InvitationRole) {
  render(
    req, res, 'contacts/invitation-invalid',
    { title: res.locals.t('invited.invalid.title'), state, representative: role === 'representative' },
    { status: state === 'unknown' ? 404 : 410 },
  );
}

function formPage(
  req: Request, res: Response, token: string, open: OpenInvitation, form: Record<string, string>,
  errors: Record<string, string>, status = 200,
) {
  const inv = open.invitation!;
  const t = res.locals.t;
  const representative = inv.role === 'representative';
  // a representative's invitation may hold a full name in firstName (or nothing): only a
  // first name and surnames given separately are worth pre-filling
  const names = inv.last_name ? { firstName: inv.first_name, lastName: inv.last_name } : {
    firstName: '', lastName: '',
  };
  render(req, res, open.userExists ? 'contacts/invitation-existing' : 'contacts/invited-register', {
    title: t(
      representative ? (
        open.userExists ? 'invited.representative.existingTitle' : 'invited.representative.title'
      ) : open.userExists ? 'invited.existing.title' : 'invited.title',
    ), token,
    representative, company: open.customerName, grantor: open.grantorName, role: t(`contacts.roles.${inv.role}`),
    email: inv.email,
    form: { nif: inv.nif, ...names, ...form }, errors,
  }, { status });
}

/**
 * Registration of an invited contact (seed 001: "Nombre + apellidos, email, NIF, contraseña"),
 * from the link in the invitation email. The token is the proof; the NIF typed must be the one
 * invited, so a forwarded email does not let someone else register under that invitation. The
 * invitee chooses the password here; the inviter never does.
 */
export function registerInvitedRoutes(deps: AppDeps): Router {
  const router = Router();

  router.get('/registro/invitacion', async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const open = await openInvitation(accountCtx(deps, req), token);
    if (open.state !== 'valid') return invalidPage(req, res, open.state, open.role);
    formPage(req, res, token, open, {}, {});
  });

  router.post('/registro/invitacion', async (req, res) => {
    const t = res.locals.t;
    const lang = res.locals.lang as Language;
    const form = formFields(req, FIELDS);
    const ctx = accountCtx(deps, req);
    const open = await openInvitation(ctx, form.token);
    if (open.state !== 'valid' || !open.invitation) return invalidPage(req, res, open.state, open.role);
    const inv = open.invitation;

    let account = null;
    if (!open.userExists) {
      const e = new FieldErrors(t);
      if (e.requireValue('nif', form.nif) && !sameId(form.nif, inv.nif)) e.add('nif', nifMismatchKey(inv.role));
      const firstName = cleanText(form.firstName, 100);
      const lastName = cleanText(form.lastName, 150);
      if (e.requireValue('firstName', firstName) && firstName.length < 2) e.add('firstName', 'register.errors.name');
      if (e.requireValue('lastName', lastName) && lastName.length < 2) e.add('lastName', 'register.errors.name');
      if (e.requireValue('password', form.password)) {
        addIssues(
          e,
          passwordIssues(
            form.password, form.passwordConfirm, lang,
            [inv.nif, firstName, lastName, inv.email.split('@')[0] ?? '', open.customerName ?? ''],
          ),
        );
      }
      if (!checkbox(req, 'terms')) e.add('terms', 'register.errors.terms');
      const { password: _p, passwordConfirm: _c, ...typed } = form;
      if (e.any) return formPage(req, res, form.token, open, typed, e.errors, 422);
      account = { nif: form.nif, firstName, lastName, password: form.password, language: lang, ip: clientIp(req) };
    }

    const result = await acceptInvitation(ctx, form.token, account);
    if (result.kind === 'invalid') return invalidPage(req, res, result.state, inv.role);
    if (result.kind === 'nif_mismatch') {
      return formPage(
        req, res, form.token, open, { nif: form.nif, firstName: form.firstName, lastName: form.lastName },
        { nif: t(nifMismatchKey(inv.role)) }, 422,
      );
    }
    req.session.flash = {
      kind: 'success', key: result.kind === 'created' ? 'invited.flash.created' : 'invited.flash.linked',
      params: { company: result.customerName },
    };
    res.redirect(303, req.user ? '/suministros' : '/acceso');
  });

  return router;
}
