import type { AppDeps } from '../../deps';
import { Router, type Request, type Response } from 'express';
import { type ContractView } from '../../data/contracts-repo';
import { documentContent, findDocumentMeta, insertDocuments } from '../../data/documents-repo';
import { insertEvent } from '../../data/requests-repo';
import { audit } from '../../data/audit-repo';
import { COMPLAINT_CATEGORIES, DESCRIPTION_MAX, DESCRIPTION_MIN, complaintPayload, validateComplaint } from '../../domain/complaints';
import { todayInSpain } from '../../domain/time';
import { DEFAULT_UPLOAD_POLICY, type UploadPolicy } from '../../domain/documents';
import { canDownloadDocument } from '../../domain/document-access';
import { complaintDeadline } from '../../domain/requests';
import type { Access } from '../../domain/access';
import { DomainError } from '../../domain/errors';
import { createRequest } from '../../services/requests';
import { inspectUpload, parseUpload, uploadErrorMessage, type AcceptedFile } from '../../adapters/uploads';
import { verifyCsrf } from '../../web/middleware/csrf';
import { deps, requireUser, userAccess, requestActor } from '../../web/middleware/auth';
import { contractGuard, loadGuardedContract } from '../../web/middleware/guards';
import { clientIp, formFields } from '../../web/forms';
import { FieldErrors } from '../../web/validation';
import { render } from '../../web/render';
import { sendDocument } from '../document-download';

const POLICY: UploadPolicy = { ...DEFAULT_UPLOAD_POLICY, maxFiles: 3 };
const FIELDS = ['category', 'description'] as const;

function formatDay(d: Date, lang: string): string {
  return d.toLocaleDateString(lang === 'ca' ? 'ca-ES' : 'es-ES', { timeZone: 'Europe/Madrid', day: 'numeric', month: 'long', year: 'numeric' });
}


function complaintPage(req: Request, res: Response, c: ContractView, form: Record<string, string>, errors: Record<string, string>, status = 200): void {
  const t = res.locals.t;
  const deadline = complaintDeadline(deps(req).clock.now());
  render(req, res, 'gestiones/complaint', {
    title: t('complaints.title'), contract: c, form, errors, categories: COMPLAINT_CATEGORIES,
    deadline: formatDay(deadline, res.locals.lang), maxFiles: POLICY.maxFiles, descriptionMin: DESCRIPTION_MIN, descriptionMax: DESCRIPTION_MAX,
  }, { status });
}


/** Complaints with attachments (issue 5 item 8) and the download of uploaded documents. */
export function complaintRoutes(_deps: AppDeps): Router {
  const router = Router();

  router.get('/contratos/:contractId/reclamacion', contractGuard('act'), async (req, res) => {
    complaintPage(req, res, await loadGuardedContract(req), {}, {});
  });

  router.post('/contratos/:contractId/reclamacion', contractGuard('act'), parseUpload({ field: 'attachments', policy: POLICY }), verifyCsrf, async (req, res) => {
    const { db, clock, config } = deps(req);
    const t = res.locals.t;
    const c = await loadGuardedContract(req);
    const form = formFields(req, FIELDS);
    // the textarea allows 4 000 characters; formFields cuts at 1 000, so read it whole
    const body = req.body as Record<string, unknown>;
    form.description = typeof body.description === 'string' ? body.description : '';

    const e = new FieldErrors(t);
    const upload = await inspectUpload(req, POLICY);
    // a text beyond the multipart field limit never reached req.body: say it is too long
    if (!upload.ok && upload.error.code === 'field_too_long') {
      if (upload.error.field === 'description') e.add('description', 'complaints.errors.too_long', { max: DESCRIPTION_MAX });
      else e.add('attachments', 'uploads.errors.malformed');
    }
    const check = validateComplaint({ category: form.category, description: form.description });
    if (!check.ok) {
      for (const err of check.errors) {
        e.add(err.field, err.code === 'required' ? (err.field === 'category' ? 'complaints.errors.category' : 'errors.required') : `complaints.errors.${err.code}`, { min: DESCRIPTION_MIN, max: DESCRIPTION_MAX });
      }
    }
    if (!upload.ok && upload.error.code !== 'field_too_long') e.addText('attachments', uploadErrorMessage(t, res.locals.lang, upload.error, POLICY));
    if (e.any || !check.ok || !upload.ok) {
      // keep what was typed (a text cut by the size limit is not there to keep)
      return complaintPage(req, res, c, { category: form.category, description: form.description.slice(0, DESCRIPTION_MAX + 100) }, e.errors, 400);
    }

    const now = clock.now();
    const deadline = complaintDeadline(now);
    const files: AcceptedFile[] = upload.files;
    const actor = requestActor(req);
    const access = res.locals.customerAccess as Access;
    const created = await db.knex.transaction(async (trx) => {
      const r = await createRequest(trx, {
        type: 'complaint', customerId: c.customer_id, contractId: c.id, access,
        payload: { ...complaintPayload({ category: check.value.category, description: check.value.description, attachments: files.length, deadline: todayInSpain(deadline) }) },
      }, actor, now, config);
      // the whole text, in the request's timeline (the payload keeps an excerpt)
      await insertEvent(trx, { requestId: r.id, at: now, kind: 'note', note: check.value.description, actorType: 'user', actorId: actor.userId });
      const ids = await insertDocuments(trx, files.map((f) => ({
        customerId: c.customer_id, requestId: r.id, uploadedBy: actor.userId, fileName: f.name, mimeType: f.mime, sizeBytes: f.size, sha256: f.sha256, content: f.content, createdAt: now,
      })));
      for (const [i, id] of ids.entries()) {
        const f = files[i]!;
        await audit(trx, {
          actorType: 'user', actorId: actor.userId, customerId: c.customer_id, action: 'document.uploaded', targetType: 'document', targetId: id, ip: actor.ip, at: now,
          details: { requestId: r.id, reference: r.reference, mime: f.mime, size: f.size, sha256: f.sha256 },
        });
      }
      return r;
    });
    deps(req).mailer?.kick();
    req.session.flash = { kind: 'success', key: 'complaints.created', params: { reference: created.reference, date: formatDay(deadline, res.locals.lang) } };
    res.redirect(303, `/gestiones/${created.id}`);
  });

  // Uploaded documents: only as attachments, only to those allowed, "not found" for everyone else.
  router.get('/documentos/:documentId', requireUser, async (req, res) => {
    const db = deps(req).db.knex;
    const id = Number(req.params.documentId);
    if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('not_found');
    const doc = await findDocumentMeta(db, id);
    if (!doc) throw new DomainError('not_found');
    const access = (await userAccess(req)).to(doc.customer_id);
    if (!canDownloadDocument({ userId: req.user!.id, uploaderId: doc.uploaded_by, customerAccess: access, isStaff: false })) throw new DomainError('not_found');
    const content = await documentContent(db, id);
    if (!content) throw new DomainError('not_found');
    await audit(db, {
      actorType: 'user', actorId: req.user!.id, customerId: doc.customer_id, action: 'document.downloaded', targetType: 'document', targetId: id, ip: clientIp(req), at: deps(req).clock.now(),
      ...(access.via?.kind === 'manager' ? { details: { viaManager: access.via.managerCustomerId } } : {}),
    });
    sendDocument(res, doc, content);
  });

  return router;
}
