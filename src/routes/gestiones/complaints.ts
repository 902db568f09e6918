import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../deps';
import { findContract, type ContractView } from '../../data/contracts-repo';
import { COMPLAINT_CATEGORIES, DESCRIPTION_MAX, DESCRIPTION_MIN, validateComplaint } from '../../domain/complaints';
import { DEFAULT_UPLOAD_POLICY, type UploadPolicy } from '../../domain/documents';
import { complaintDeadline } from '../../domain/requests';
import type { Access } from '../../domain/access';
import { DomainError } from '../../domain/errors';
import { fileComplaint } from '../../services/complaints';
import { downloadDocument } from '../../services/documents';
import { inspectUpload, parseUpload, uploadErrorMessage } from '../../adapters/uploads';
import { verifyCsrf } from '../../web/middleware/csrf';
import { formFields } from '../../web/forms';
import { FieldErrors } from '../../web/validation';
import { render } from '../../web/render';
import { sendDocument } from '../../web/download';
import { formatter } from '../../web/format';
import type { Language } from '../../i18n';
import { userContext } from '../../web/use-case-context';
import { accessOf, requireUser } from '../../web/current-user';
import { guards } from '../../web/guards';

const POLICY: UploadPolicy = { ...DEFAULT_UPLOAD_POLICY, maxFiles: 3 };
const FIELDS = ['category', 'description'] as const;

// one date format for the whole portal (web/format): the form, the flash and the detail agree
function formatDay(d: Date, lang: Language): string {
  return formatter(lang).date(d);
}

/** Complaints with attachments (issue 5 item 8) and the download of uploaded documents. */
export function complaintRoutes(deps: AppDeps): Router {
  const router = Router();
  const guard = guards(deps);

  async function guardedContract(req: Request): Promise<ContractView> {
    const c = await findContract(userContext(deps, req).db, Number(req.params.contractId));
    if (!c) throw new DomainError('not_found');
    return c;
  }

  function complaintPage(
    req: Request, res: Response, c: ContractView, form: Record<string, string>, errors: Record<string, string>,
    status = 200,
  ): void {
    const deadline = complaintDeadline(deps.clock.now());
    render(req, res, 'gestiones/complaint', {
      title: res.locals.t('complaints.title'), contract: c, form, errors, categories: COMPLAINT_CATEGORIES,
      deadline: formatDay(deadline, res.locals.lang), maxFiles: POLICY.maxFiles, descriptionMin: DESCRIPTION_MIN,
      descriptionMax: DESCRIPTION_MAX,
    }, { status });
  }

  router.get('/contratos/:contractId/reclamacion', guard.contract('act'), async (req, res) => {
    complaintPage(req, res, await guardedContract(req), {}, {});
  });

  router.post('/contratos/:contractId/reclamacion', guard.contract('act'), parseUpload(
    { field: 'attachments', policy: POLICY },
  ), verifyCsrf, async (req, res) => {
    const t = res.locals.t;
    const form = formFields(req, FIELDS);
    // the textarea allows 4 000 characters; formFields cuts at 1 000, so read it whole
    const body = req.body as Record<string, unknown>;
    form.description = typeof body.description === 'string' ? body.description : '';

    const e = new FieldErrors(t);
    const upload = await inspectUpload(req, POLICY);
    // a text beyond the multipart field limit never reached req.body: say it is too long
    if (!upload.ok && upload.error.code === 'field_too_long') {
      if (upload.error.field === 'description') {
        e.add('description', 'complaints.errors.too_long', { max: DESCRIPTION_MAX });
      }
      else e.add('attachments', 'uploads.errors.malformed');
    }
    const check = validateComplaint({ category: form.category, description: form.description });
    if (!check.ok) {
      for (const err of check.errors) {
        e.add(
          err.field,
          err.code === 'required' ? (
            err.field === 'category' ? 'complaints.errors.category' : 'errors.required'
          ) : `complaints.errors.${err.code}`,
          { min: DESCRIPTION_MIN, max: DESCRIPTION_MAX },
        );
      }
    }
    if (!upload.ok && upload.error.code !== 'field_too_long') {
      e.addText('attachments', uploadErrorMessage(t, res.locals.lang, upload.error, POLICY));
    }
    if (e.any || !check.ok || !upload.ok) {
      // keep what was typed (a text cut by the size limit is not there to keep)
      return complaintPage(
        req, res, await guardedContract(req),
        { category: form.category, description: form.description.slice(0, DESCRIPTION_MAX + 100) }, e.errors, 422,
      );
    }
    const created = await fileComplaint(userContext(deps, req), {
      contractId: Number(req.params.contractId), access: res.locals.customerAccess as Access, complaint: check.value,
      files: upload.files,
    });
    req.session.flash = {
      kind: 'success', key: 'complaints.created',
      params: { reference: created.reference, date: formatDay(created.deadline, res.locals.lang) },
    };
    res.redirect(303, `/gestiones/${created.id}`);
  });

  // Uploaded documents: only as attachments, only to those allowed, "not found" for everyone else.
  router.get('/documentos/:documentId', requireUser, async (req, res) => {
    const id = Number(req.params.documentId);
    if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('not_found');
    const access = await accessOf(deps.db.knex, req);
    const file = await downloadDocument(
      userContext(deps, req), { documentId: id, accessTo: async (customerId) => access.to(customerId) },
    );
    sendDocument(res, file.meta, file.content);
  });

  return router;
}
