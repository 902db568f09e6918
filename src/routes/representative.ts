import { Router, type Request, type Response } from 'express';
import type { Access } from '../domain/access';
import { DomainError } from '../domain/errors';
import { classifyTaxId, normalizeId } from '../domain/ids';
import { DEFAULT_UPLOAD_POLICY, type UploadPolicy } from '../domain/documents';
import {
  hasRepresentative, MAX_DOCUMENTS, PREVIOUS_OUTCOMES, REPRESENTATIVE_DOCUMENT_TYPES, validateRepresentativeChange, type Candidate, type RepresentativeChangeForm, type RepresentativeDocumentType,
} from '../domain/representative-change';
import { findCustomerByTaxId, type CustomerRow } from '../data/customers-repo';
import { findCustomer, liveLinksOfCustomer, openRequestOfType, type CustomerLinkRow } from '../data/representative-repo';
import { audit } from '../data/audit-repo';
import { NO_ACCESS, submitRepresentativeChange } from '../services/representative-change';
import { queueMail } from '../adapters/mail/outbox';
import { inspectUpload, parseUpload, uploadErrorMessage, type AcceptedFile } from '../adapters/uploads';
import { verifyCsrf } from '../web/middleware/csrf';
import { deps, requireCustomer, requireUser, requestActor } from '../web/middleware/auth';
import { formFields } from '../web/forms';
import { FieldErrors } from '../web/validation';
import { render } from '../web/render';

/** Up to 5 documents (issue 6 item 6): escritura de constitución, poder notarial… */
export const REPRESENTATIVE_POLICY: UploadPolicy = { ...DEFAULT_UPLOAD_POLICY, maxFiles: MAX_DOCUMENTS };

const CHANGE_FIELDS = ['choice', 'nif', 'name', 'email', 'documentType', 'previous'] as const;
const CLAIM_FIELDS = ['cif', 'documentType'] as const;


/**
 * The documents of the form: required, each checked by its magic bytes and size, at most 5.
 * Problems go next to the file input; anything typed is kept by the caller.
 */
export async function documentsOf(req: Request, res: Response, e: FieldErrors): Promise<AcceptedFile[]> {
  const upload = await inspectUpload(req, REPRESENTATIVE_POLICY);
  if (!upload.ok) {
    e.addText('documents', uploadErrorMessage(res.locals.t, res.locals.lang, upload.error, REPRESENTATIVE_POLICY));
    return [];
  }
  if (upload.files.length === 0) e.add('documents', 'representative.errors.documentsRequired');
  return upload.files;
}

function candidatesOf(links: readonly CustomerLinkRow[]): Candidate[] {
  return links.filter((l) => l.status === 'active' && l.role !== 'representative' && l.role !== 'holder' && l.user_status !== 'disabled')
    .map((l) => ({ linkId: l.link_id, userId: l.user_id, loginId: l.login_id, name: `${l.first_name} ${l.last_name}`, email: l.email }));
}

async function loadCustomer(req: Request): Promise<CustomerRow> {
  const c = await findCustomer(deps(req).db.knex, Number(req.params.customerId));
  if (!c) throw new DomainError('not_found');
  return c;
}

async function changePage(req: Request, res: Response, customer: CustomerRow, form: Record<string, string>, errors: Record<string, string>, status = 200): Promise<void> {
  const db = deps(req).db.knex;
  const t = res.locals.t;
  if (!hasRepresentative(customer.kind)) {
    return render(req, res, 'representative/individual', { title: t('representative.title'), customer }, { status });
  }
  const links = await liveLinksOfCustomer(db, customer.id);
  const open = await openRequestOfType(db, customer.id, 'representative_change');
  render(req, res, 'representative/change', {
    title: t('representative.title'), customer, current: links.filter((l) => l.role === 'representative'), candidates: candidatesOf(links), open,
    form: { previous: 'authorized_full', ...form }, errors, documentTypes: REPRESENTATIVE_DOCUMENT_TYPES, previousOutcomes: PREVIOUS_OUTCOMES, maxFiles: MAX_DOCUMENTS,
  }, { status });
}

function claimPage(req: Request, res: Response, form: Record<string, string>, errors: Record<string, string>, status = 200): void {
  render(req, res, 'representative/claim', {
    title: res.locals.t('representative.claim.title'), form, errors, documentTypes: REPRESENTATIVE_DOCUMENT_TYPES, maxFiles: MAX_DOCUMENTS,
  }, { status });
}

/** Change of representative (issue 6 item 3), for the representative on file and for someone who is not yet. */
export function representativeRoutes(): Router {
  const router = Router();

  router.get('/clientes/:customerId/representante', requireCustomer('manage_contacts'), async (req, res) => {
    await changePage(req, res, await loadCustomer(req), {}, {});
  });

  router.post('/clientes/:customerId/representante', requireCustomer('manage_contacts'), parseUpload({ field: 'documents', policy: REPRESENTATIVE_POLICY }), verifyCsrf, async (req, res) => {
    const { db, clock, config } = deps(req);
    const t = res.locals.t;
    const customer = await loadCustomer(req);
    if (!hasRepresentative(customer.kind)) return changePage(req, res, customer, {}, {}, 422);
    const form = formFields(req, CHANGE_FIELDS) as RepresentativeChangeForm & Record<string, string>;
    const e = new FieldErrors(t);
    const links = await liveLinksOfCustomer(db.knex, customer.id);
    const check = validateRepresentativeChange(form, { contacts: candidatesOf(links), currentNif: customer.representative_nif });
    if (!check.ok) for (const err of check.errors) e.add(err.field, err.code === 'required' ? `representative.errors.required.${err.field}` : `representative.errors.${err.code}`);
    const files = await documentsOf(req, res, e);
    if (e.any || !check.ok) return changePage(req, res, customer, form, e.errors, 422);

    const now = clock.now();
    const result = await db.knex.transaction((trx) => submitRepresentativeChange(trx, {
      customerId: customer.id, proposal: check.value, files, access: res.locals.customerAccess as Access, generic: false,
    }, requestActor(req), now, config));
    if (!result.ok) {
      return changePage(req, res, customer, form, { choice: t('representative.errors.openExists', { reference: result.reference }) }, 409);
    }
    deps(req).mailer?.kick();
    req.session.flash = { kind: 'success', key: 'representative.created', params: { reference: result.reference } };
    res.redirect(303, `/gestiones/${result.id}`);
  });

  // Seed 002: "si aún no estás dado de alta como representante" — the logged-in person asks to
  // become the representative of a company by its CIF, with the documents that name them.
  router.get('/empresas/representante', requireUser, (req, res) => {
    if (req.query.enviado === '1') return render(req, res, 'representative/claim-sent', { title: res.locals.t('representative.claim.sentTitle') });
    claimPage(req, res, {}, {});
  });

  router.post('/empresas/representante', requireUser, parseUpload({ field: 'documents', policy: REPRESENTATIVE_POLICY }), verifyCsrf, async (req, res) => {
    const { db, clock, config } = deps(req);
    const t = res.locals.t;
    const form = formFields(req, CLAIM_FIELDS);
    const e = new FieldErrors(t);
    const cif = classifyTaxId(normalizeId(form.cif));
    if (e.requireValue('cif', form.cif) && cif?.kind !== 'cif') e.add('cif', 'representative.errors.cif');
    if (!(REPRESENTATIVE_DOCUMENT_TYPES as readonly string[]).includes(form.documentType)) e.add('documentType', 'representative.errors.required.documentType');
    const files = await documentsOf(req, res, e);
    if (e.any || !cif) return claimPage(req, res, form, e.errors, 422);

    const now = clock.now();
    const actor = requestActor(req);
    const user = req.user!;
    await db.knex.transaction(async (trx) => {
      const customer = await findCustomerByTaxId(trx, cif.value);
      const eligible = customer && hasRepresentative(customer.kind) && normalizeId(customer.representative_nif ?? '') !== user.loginId;
      const result = eligible ? await submitRepresentativeChange(trx, {
        customerId: customer.id, files, access: NO_ACCESS, generic: true,
        proposal: { nif: user.loginId, name: `${user.firstName} ${user.lastName}`, email: user.email, userId: user.id, documentType: form.documentType as RepresentativeDocumentType, previous: 'authorized_full' },
      }, actor, now, config) : null;
      if (!result?.ok) {
        // no request (unknown CIF, an individual, already the representative, or one waiting): recorded, answered alike
        await audit(trx, { actorType: 'user', actorId: user.id, ...(customer ? { customerId: customer.id } : {}), action: 'representative.claim_not_filed', ip: actor.ip, at: now });
      }
      await queueMail(trx, { to: user.email, lang: user.language, template: 'representative_claim_received', userId: user.id, params: { name: user.firstName, cif: cif.value } });
    });
    deps(req).mailer?.kick();
    res.redirect(303, '/empresas/representante?enviado=1');
  });

  return router;
}
