import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../deps';
import type { Access } from '../domain/access';
import { classifyTaxId, normalizeId } from '../domain/ids';
import {
  MAX_DOCUMENTS, PREVIOUS_OUTCOMES, REPRESENTATIVE_DOCUMENT_TYPES, REPRESENTATIVE_POLICY, type RepresentativeChangeForm,
  type RepresentativeDocumentType,
} from '../domain/representative-change';
import {
  claimRepresentation, representativePage, requestRepresentativeChange, type RepresentativePage,
} from '../services/representative-change';
import { parseUpload } from '../adapters/uploads';
import { verifyCsrf } from '../web/middleware/csrf';
import { formFields } from '../web/forms';
import { FieldErrors } from '../web/validation';
import { render } from '../web/render';
import { requiredDocuments } from '../web/upload-documents';
import { userContext } from '../web/use-case-context';
import { requireUser } from '../web/current-user';
import { guards } from '../web/guards';

const CHANGE_FIELDS = ['choice', 'nif', 'name', 'email', 'documentType', 'previous'] as const;
const CLAIM_FIELDS = ['cif', 'documentType'] as const;

function changePage(
  req: Request, res: Response, p: RepresentativePage, form: Record<string, string>, errors: Record<string, string>,
  status = 200,
): void {
  const t = res.locals.t;
  if (!p.applies) {
    return render(
      req, res, 'representative/individual', { title: t('representative.title'), customer: p.customer }, { status },
    );
  }
  render(req, res, 'representative/change', {
    title: t('representative.title'), customer: p.customer, current: p.current, candidates: p.candidates, open: p.open,
    form: { previous: 'authorized_full', ...form }, errors, documentTypes: REPRESENTATIVE_DOCUMENT_TYPES,
    previousOutcomes: PREVIOUS_OUTCOMES, maxFiles: MAX_DOCUMENTS,
  }, { status });
}

function claimPage(
  req: Request, res: Response, form: Record<string, string>, errors: Record<string, string>, status = 200,
): void {
  render(req, res, 'representative/claim', {
    title: res.locals.t('representative.claim.title'), form, errors, documentTypes: REPRESENTATIVE_DOCUMENT_TYPES,
    maxFiles: MAX_DOCUMENTS,
  }, { status });
}

/** Change of representative (issue 6 item 3), for the representative on file and for someone who is not yet. */
export function representativeRoutes(deps: AppDeps): Router {
  const router = Router();
  const guard = guards(deps);

  router.get('/clientes/:customerId/representante', guard.customer('manage_contacts'), async (req, res) => {
    changePage(
      req, res, await representativePage(userContext(deps, req), { customerId: Number(req.params.customerId) }), {}, {},
    );
  });

  router.post('/clientes/:customerId/representante', guard.customer('manage_contacts'), parseUpload(
    { field: 'documents', policy: REPRESENTATIVE_POLICY },
  ), verifyCsrf, async (req, res) => {
    const t = res.locals.t;
    const form = formFields(req, CHANGE_FIELDS) as RepresentativeChangeForm & Record<string, string>;
    const e = new FieldErrors(t);
    const files = await requiredDocuments(req, res, e, REPRESENTATIVE_POLICY);
    const result = await requestRepresentativeChange(userContext(deps, req), {
      customerId: Number(req.params.customerId), access: res.locals.customerAccess as Access, form, files,
      filesOk: !e.any,
    });
    switch (result.kind) {
      case 'not_applicable':
        return changePage(req, res, result.page, {}, {}, 422);
      case 'invalid': {
        // the form's own errors first, then the documents', in the order of the page
        const all = new FieldErrors(t);
        for (const err of result.errors) all.add(
          err.field,
          err.code === 'required' ? `representative.errors.required.${err.field}` : `representative.errors.${err.code}`,
        );
        for (const [field, message] of Object.entries(e.errors)) all.addText(field, message);
        return changePage(req, res, result.page, form, all.errors, 422);
      }
      case 'open_exists':
        return changePage(
          req, res, result.page, form,
          { choice: t('representative.errors.openExists', { reference: result.reference }) }, 409,
        );
      case 'created':
        req.session.flash = { kind: 'success', key: 'representative.created', params: { reference: result.reference } };
        return res.redirect(303, `/gestiones/${result.id}`);
    }
  });

  // Seed 002: "si aún no estás dado de alta como representante" — the logged-in person asks to
  // become the representative of a company by its CIF, with the documents that name them.
  router.get('/empresas/representante', requireUser, (req, res) => {
    if (req.query.enviado === '1') {
      return render(req, res, 'representative/claim-sent', { title: res.locals.t('representative.claim.sentTitle') });
    }
    claimPage(req, res, {}, {});
  });

  router.post('/empresas/representante', requireUser, parseUpload(
    { field: 'documents', policy: REPRESENTATIVE_POLICY },
  ), verifyCsrf, async (req, res) => {
    const form = formFields(req, CLAIM_FIELDS);
    const e = new FieldErrors(res.locals.t);
    const cif = classifyTaxId(normalizeId(form.cif));
    if (e.requireValue('cif', form.cif) && cif?.kind !== 'cif') e.add('cif', 'representative.errors.cif');
    if (!(REPRESENTATIVE_DOCUMENT_TYPES as readonly string[]).includes(form.documentType)) {
      e.add('documentType', 'representative.errors.required.documentType');
    }
    const files = await requiredDocuments(req, res, e, REPRESENTATIVE_POLICY);
    if (e.any || !cif) return claimPage(req, res, form, e.errors, 422);
    const user = req.user!;
    await claimRepresentation(userContext(deps, req), {
      cif: cif.value, documentType: form.documentType as RepresentativeDocumentType, files, user: {
        loginId: user.loginId, firstName: user.firstName, lastName: user.lastName,
      },
    });
    res.redirect(303, '/empresas/representante?enviado=1');
  });

  return router;
}
