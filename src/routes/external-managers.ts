import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import type { Access } from '../domain/access';
import { DEFAULT_UPLOAD_POLICY, type UploadPolicy } from '../domain/documents';
import { MANAGER_NAME_MAX } from '../domain/external-managers';
import {
  externalManagersPage, requestExternalManager, revokeExternalManagerStep, type AppointmentProblem,
  type ExternalManagersPage,
} from '../services/external-managers';
import { inspectUpload, parseUpload, uploadErrorMessage } from '../adapters/uploads';
import { verifyCsrf } from '../web/middleware/csrf';
import { formFields } from '../web/forms';
import { idParam } from '../web/params';
import { FieldErrors } from '../web/validation';
import { render } from '../web/render';
import { userContext } from '../web/use-case-context';
import { guards } from '../web/guards';

// Seed 002: "Deberás adjuntar la documentación indicada" — up to 5 documents per request (issue 6 item 6).
const POLICY: UploadPolicy = { ...DEFAULT_UPLOAD_POLICY, maxFiles: 5 };
const FIELDS = ['managerTaxId', 'managerName', 'representativeNif', 'representativeEmail'] as const;
const RevokeBody = z.object({ confirmar: z.string().optional().catch(undefined) }).catch({});

function page(
  req: Request, res: Response, p: ExternalManagersPage, form: Record<string, string>, errors: Record<string, string>,
  status = 200,
): void {
  render(req, res, 'external-managers/page', {
    title: res.locals.t('externalManagers.title'), client: p.client, relations: p.relations, form, errors,
    maxFiles: POLICY.maxFiles, nameMax: MANAGER_NAME_MAX,
  }, { status });
}

function problemKey(p: AppointmentProblem): string {
  return p.code === 'required' ? 'errors.required' : `externalManagers.errors.${p.field}.${p.code}`;
}

/** External managers (gestor externo) of a client: list, appointment with documents, revocation. */
export function externalManagerRoutes(deps: AppDeps): Router {
  const router = Router();
  const guard = guards(deps);
  const base = '/clientes/:customerId/gestor-externo';

  router.get(base, guard.customer('manage_contacts'), async (req, res) => {
    page(
      req, res, await externalManagersPage(userContext(deps, req), { customerId: idParam(req, 'customerId') }), {}, {},
    );
  });

  const upload = parseUpload({ field: 'documents', policy: POLICY });
  router.post(base, guard.customer('manage_contacts'), upload, verifyCsrf, async (req, res) => {
    const t = res.locals.t;
    const form = formFields(req, FIELDS);
    const upload = await inspectUpload(req, POLICY);
    const uploadErrors = new FieldErrors(t);
    if (!upload.ok) {
      uploadErrors.addText(
        'documents',
        upload.error.code === 'field_too_long' ? t('uploads.errors.malformed') : uploadErrorMessage(
          t, res.locals.lang, upload.error, POLICY,
        ),
      );
    }
    else if (upload.files.length === 0) uploadErrors.add('documents', 'externalManagers.errors.documents.required');
    const result = await requestExternalManager(userContext(deps, req), {
      customerId: idParam(req, 'customerId'), access: res.locals.customerAccess as Access, form,
      files: upload.ok ? upload.files : [], filesOk: !uploadErrors.any,
    });
    if (result.kind === 'invalid') {
      const e = new FieldErrors(t);
      for (const p of result.problems) e.add(p.field, problemKey(p));
      for (const [field, message] of Object.entries(uploadErrors.errors)) e.addText(field, message);
      return page(req, res, result.page, form, e.errors, 422);
    }
    req.session.flash = { kind: 'success', key: 'externalManagers.requested', params: { reference: result.reference } };
    res.redirect(303, `/clientes/${idParam(req, 'customerId')}/gestor-externo`);
  });

  // Without `confirmar` the button leads to a confirmation page (no JavaScript needed); with it,
  // the revocation is done.
  router.post(`${base}/:relationId/revocar`, guard.customer('manage_contacts'), async (req, res) => {
    const customerId = idParam(req, 'customerId');
    const back = `/clientes/${customerId}/gestor-externo`;
    const result = await revokeExternalManagerStep(userContext(deps, req), {
      customerId, relationId: idParam(req, 'relationId'), confirmed: RevokeBody.parse(req.body ?? {}).confirmar === '1',
    });
    switch (result.kind) {
      case 'already_ended':
        req.session.flash = {
          kind: 'info', key: 'externalManagers.alreadyEnded', params: { manager: result.managerName },
        };
        return res.redirect(303, back);
      case 'confirm':
        return render(
          req, res, 'external-managers/confirm-revoke',
          { title: res.locals.t('externalManagers.confirm.title'), client: result.client, relation: result.relation },
        );
      case 'revoked':
        req.session.flash = {
          kind: 'success', key: 'externalManagers.revoked', params: { manager: result.managerName },
        };
        return res.redirect(303, back);
    }
  });

  return router;
}
