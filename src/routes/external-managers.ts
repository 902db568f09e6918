import { Router, type Request, type Response } from 'express';
import { listForCustomer } from '../data/external-managers-repo';
import type { Access } from '../domain/access';
import { DEFAULT_UPLOAD_POLICY, type UploadPolicy } from '../domain/documents';
import { DomainError } from '../domain/errors';
import { MANAGER_NAME_MAX, type AppointmentInput } from '../domain/external-managers';
import { appointExternalManager, checkAppointment, isDuplicateRelationError, revokeExternalManager, type AppointmentProblem, type Client } from '../services/external-managers';
import { inspectUpload, parseUpload, uploadErrorMessage } from '../adapters/uploads';
import { verifyCsrf } from '../web/middleware/csrf';
import { deps, requireCustomer, requestActor } from '../web/middleware/auth';
import { formFields } from '../web/forms';
import { FieldErrors } from '../web/validation';
import { render } from '../web/render';

// Seed 002: "Deberás adjuntar la documentación indicada" — up to 5 documents per request (issue 6 item 6).
const POLICY: UploadPolicy = { ...DEFAULT_UPLOAD_POLICY, maxFiles: 5 };
const FIELDS = ['managerTaxId', 'managerName', 'representativeNif', 'representativeEmail'] as const;

async function loadClient(req: Request): Promise<Client> {
  const row = await deps(req).db.knex('customers').where({ id: Number(req.params.customerId) }).first('id', 'tax_id', 'name');
  if (!row) throw new DomainError('not_found');
  return { id: row.id, taxId: row.tax_id, name: row.name };
}


async function page(req: Request, res: Response, client: Client, form: Record<string, string>, errors: Record<string, string>, status = 200): Promise<void> {
  const relations = await listForCustomer(deps(req).db.knex, client.id);
  render(req, res, 'external-managers/page', {
    title: res.locals.t('externalManagers.title'), client, relations, form, errors, maxFiles: POLICY.maxFiles, nameMax: MANAGER_NAME_MAX,
  }, { status });
}

function problemKey(p: AppointmentProblem): string {
  return p.code === 'required' ? 'errors.required' : `externalManagers.errors.${p.field}.${p.code}`;
}

/** External managers (gestor externo) of a client: list, appointment with documents, revocation. */
export function externalManagerRoutes(): Router {
  const router = Router();
  const base = '/clientes/:customerId/gestor-externo';

  router.get(base, requireCustomer('manage_contacts'), async (req, res) => {
    await page(req, res, await loadClient(req), {}, {});
  });

  router.post(base, requireCustomer('manage_contacts'), parseUpload({ field: 'documents', policy: POLICY }), verifyCsrf, async (req, res) => {
    const { db, clock, config } = deps(req);
    const t = res.locals.t;
    const client = await loadClient(req);
    const form = formFields(req, FIELDS);
    const input: AppointmentInput = { managerTaxId: form.managerTaxId, managerName: form.managerName, representativeNif: form.representativeNif, representativeEmail: form.representativeEmail };
    const e = new FieldErrors(t);
    const check = await checkAppointment(db.knex, client, input);
    if (!check.ok) for (const p of check.errors) e.add(p.field, problemKey(p));
    const upload = await inspectUpload(req, POLICY);
    if (!upload.ok) e.addText('documents', upload.error.code === 'field_too_long' ? t('uploads.errors.malformed') : uploadErrorMessage(t, res.locals.lang, upload.error, POLICY));
    else if (upload.files.length === 0) e.add('documents', 'externalManagers.errors.documents.required');
    if (e.any || !check.ok || !upload.ok) return page(req, res, client, form, e.errors, 422);

    const now = clock.now();
    try {
      const done = await db.knex.transaction((trx) => appointExternalManager(trx, {
        client, input: check.value, files: upload.files, actor: requestActor(req), access: res.locals.customerAccess as Access, now, config,
      }));
      deps(req).mailer?.kick();
      req.session.flash = { kind: 'success', key: 'externalManagers.requested', params: { reference: done.reference } };
      res.redirect(303, `/clientes/${client.id}/gestor-externo`);
    } catch (err) {
      // a concurrent identical appointment got there first
      if (!isDuplicateRelationError(err)) throw err;
      e.add('managerTaxId', 'externalManagers.errors.managerTaxId.duplicate');
      await page(req, res, client, form, e.errors, 422);
    }
  });

  // Without `confirmar` the button leads to a confirmation page (no JavaScript needed); with it, the revocation is done.
  router.post(`${base}/:relationId/revocar`, requireCustomer('manage_contacts'), async (req, res) => {
    const { db, clock, config } = deps(req);
    const client = await loadClient(req);
    const relationId = Number(req.params.relationId);
    if (!Number.isSafeInteger(relationId) || relationId <= 0) throw new DomainError('not_found');
    const relation = (await listForCustomer(db.knex, client.id)).find((r) => Number(r.id) === relationId);
    if (!relation) throw new DomainError('not_found');
    const back = `/clientes/${client.id}/gestor-externo`;
    if (relation.status !== 'active' && relation.status !== 'pending_review') {
      req.session.flash = { kind: 'info', key: 'externalManagers.alreadyEnded', params: { manager: relation.manager_name } };
      return res.redirect(303, back);
    }
    if ((req.body as Record<string, unknown>).confirmar !== '1') {
      return render(req, res, 'external-managers/confirm-revoke', { title: res.locals.t('externalManagers.confirm.title'), client, relation });
    }
    const done = await db.knex.transaction((trx) => revokeExternalManager(trx, { customerId: client.id, relationId, actor: requestActor(req), now: clock.now(), config }));
    deps(req).mailer?.kick();
    req.session.flash = { kind: 'success', key: 'externalManagers.revoked', params: { manager: done.managerName } };
    res.redirect(303, back);
  });

  return router;
}
