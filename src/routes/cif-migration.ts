import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../deps';
import { validateCifMigration } from '../domain/cif-migration';
import { MAX_DOCUMENTS, REPRESENTATIVE_DOCUMENT_TYPES, REPRESENTATIVE_POLICY } from '../domain/representative-change';
import { requestCifMigration } from '../services/cif-migration';
import { parseUpload } from '../adapters/uploads';
import { verifyCsrf } from '../web/middleware/csrf';
import { formFields } from '../web/forms';
import { FieldErrors } from '../web/validation';
import { render } from '../web/render';
import { requiredDocuments } from '../web/upload-documents';
import { userContext } from '../web/use-case-context';
import { requireUser } from '../web/current-user';

function page(
  req: Request, res: Response, form: Record<string, string>, errors: Record<string, string>, status = 200,
): void {
  render(req, res, 'representative/cif-migration', {
    title: res.locals.t('cifMigration.title'), form, errors, documentTypes: REPRESENTATIVE_DOCUMENT_TYPES,
    maxFiles: MAX_DOCUMENTS,
  }, { status });
}

/**
 * Seed 002: an account registered with a company CIF can no longer log in; the representative,
 * logged in with their own NIF, asks for the old account's companies to move to them.
 */
export function cifMigrationRoutes(deps: AppDeps): Router {
  const router = Router();

  router.get('/empresas/migrar-cif', requireUser, (req, res) => {
    if (req.query.enviado === '1') {
      return render(
        req, res, 'representative/claim-sent', { title: res.locals.t('cifMigration.sentTitle'), migration: true },
      );
    }
    page(req, res, {}, {});
  });

  router.post('/empresas/migrar-cif', requireUser, parseUpload(
    { field: 'documents', policy: REPRESENTATIVE_POLICY },
  ), verifyCsrf, async (req, res) => {
    const form = formFields(req, ['cif', 'documentType'] as const);
    const e = new FieldErrors(res.locals.t);
    const check = validateCifMigration(form);
    if (!check.ok) {
      for (const err of check.errors) e.add(
        err.field,
        err.field === 'cif' ? (
          err.code === 'required' ? 'errors.required' : 'representative.errors.cif'
        ) : 'representative.errors.required.documentType',
      );
    }
    const files = await requiredDocuments(req, res, e, REPRESENTATIVE_POLICY);
    if (e.any || !check.ok) return page(req, res, form, e.errors, 422);
    await requestCifMigration(userContext(deps, req), { ...check.value, files });
    res.redirect(303, '/empresas/migrar-cif?enviado=1');
  });

  return router;
}
