import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../deps';
import type { Access } from '../../domain/access';
import { DEFAULT_UPLOAD_POLICY, type UploadPolicy } from '../../domain/documents';
import {
  CONSENT_METHODS, HOLDER_DOCUMENT_TYPES, MAX_HOLDER_DOCUMENTS, type HolderChangeInput,
} from '../../domain/holder-change';
import {
  confirmHolderChange, holderChangePage, holderConfirmation, requestHolderChange, type HolderChangePage,
} from '../../services/holder-change';
import { parseUpload } from '../../adapters/uploads';
import { verifyCsrf } from '../../web/middleware/csrf';
import { formFields } from '../../web/forms';
import { guards } from '../../web/guards';
import { render } from '../../web/render';
import { requiredDocuments } from '../../web/upload-documents';
import { systemContext, userContext } from '../../web/use-case-context';
import { FieldErrors } from '../../web/validation';

const POLICY: UploadPolicy = { ...DEFAULT_UPLOAD_POLICY, maxFiles: MAX_HOLDER_DOCUMENTS };
const FIELDS = ['taxId', 'name', 'email', 'phone', 'iban', 'consent', 'documentType'] as const;
const EMPTY: HolderChangeInput = {
  taxId: '', name: '', email: '', phone: '', iban: '', consent: 'email', documentType: '',
};

function show(
  req: Request, res: Response, p: HolderChangePage, form: HolderChangeInput, errors = {}, status = 200,
): void {
  const access = res.locals.customerAccess as Access | undefined;
  render(req, res, 'gestiones/holder-change', {
    title: res.locals.t('holderChange.title'), contract: p.contract, tab: '', canAct: access?.act === true,
    pending: p.pending, effectiveDay: p.effectiveDay, form, errors, consents: CONSENT_METHODS,
    documentTypes: HOLDER_DOCUMENT_TYPES, maxFiles: POLICY.maxFiles,
  }, { status });
}

/** "Cambio de titular": the new holder's data and IBAN, and how the current holder consents. */
export function holderChangeRoutes(d: AppDeps): Router {
  const router = Router();
  const guard = guards(d);
  const contractId = (req: Request) => Number(req.params.contractId);

  router.get('/contratos/:contractId/titular', guard.contract('read'), async (req, res) => {
    show(req, res, await holderChangePage(userContext(d, req), { contractId: contractId(req) }), EMPTY);
  });

  const upload = parseUpload({ field: 'documents', policy: POLICY });
  router.post('/contratos/:contractId/titular', guard.contract('act'), upload, verifyCsrf,
    async (req, res) => {
      const t = res.locals.t;
      const form = formFields(req, FIELDS);
      // the documents count only when they stand in for the current holder's consent
      const e = new FieldErrors(t);
      const files = form.consent === 'documents'
        ? await requiredDocuments(req, res, e, POLICY, 'documents', 'holderChange.errors.documentsRequired') : [];
      const result = await requestHolderChange(userContext(d, req), {
        ...form, contractId: contractId(req), access: res.locals.customerAccess as Access, files, filesOk: !e.any,
      });
      if (result.kind === 'invalid') {
        const all = new FieldErrors(t);
        for (const err of result.errors) all.add(err.field, `holderChange.errors.${err.field}.${err.code}`);
        for (const [field, message] of Object.entries(e.errors)) all.addText(field, message);
        return show(req, res, result.page, form, all.errors, 422);
      }
      const reference = result.request.reference;
      req.session.flash = { kind: 'success', key: 'holderChange.done', params: { reference } };
      res.redirect(303, `/gestiones/${result.request.id}`);
    });

  return router;
}

/**
 * The confirmation links of both sides. No login: the new holder may not be a customer yet,
 * and the single-use token is the proof. A link that is unknown, used, expired or of a closed
 * request is "no longer valid" (410), saying nothing more.
 */
export function holderConsentRoutes(d: AppDeps): Router {
  const router = Router();
  const gone = (req: Request, res: Response) =>
    render(req, res, 'gestiones/holder-confirm', {
      title: res.locals.t('holderChange.confirm.title'), view: null, token: null,
    }, { status: 410 });

  router.get('/cambio-titular/confirmar', async (req, res) => {
    const found = await holderConfirmation(systemContext(d), req.query.token);
    if (!found.ok) return gone(req, res);
    render(req, res, 'gestiones/holder-confirm', {
      title: res.locals.t('holderChange.confirm.title'), view: found.view, token: String(req.query.token),
    });
  });

  router.post('/cambio-titular/confirmar', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const result = await confirmHolderChange(systemContext(d), {
      token: body.token, requestId: Number(body.request), ip: req.ip ?? null,
    });
    if (!result.ok) return gone(req, res);
    render(req, res, 'gestiones/holder-confirm', {
      title: res.locals.t('holderChange.confirm.title'), view: result.view, token: null, confirmed: true,
      ready: result.ready,
    });
  });

  return router;
}
