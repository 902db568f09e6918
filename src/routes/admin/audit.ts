import { Router, type Request, type Response } from 'express';
import { audit } from '../../data/audit-repo';
import { searchAudit, type AuditRow } from '../../data/audit-search-repo';
import { ACTOR_TYPES, AUDIT_QUERY, auditQueryString, parseAuditFilter, type AuditFilterField } from '../../domain/audit-filter';
import { CSV_BOM, csvLine } from '../../domain/csv';
import { todayInSpain } from '../../domain/time';
import { resolveAuditFilter } from '../../services/audit-viewer';
import type { AuditQuery } from '../../data/audit-search-repo';
import { deps } from '../../web/middleware/auth';
import { render } from '../../web/render';
import { requireStaff, staffActor } from './middleware';

// 40 rows keep the page under the 30 KB HTML budget with long details.
const PAGE = 40;
const CSV_BATCH = 1000;

const ERROR_KEYS: Record<string, string> = {
  invalid: 'adminOps.audit.errors.invalid', actor_type_required: 'adminOps.audit.errors.actor_type_required', no_actor_id: 'adminOps.audit.errors.no_actor_id',
  range: 'adminOps.audit.errors.range', unknownStaff: 'adminOps.audit.errors.unknownStaff', unknownUser: 'adminOps.audit.errors.unknownUser', unknownCustomer: 'adminOps.audit.errors.unknownCustomer',
};

function fieldMessage(field: AuditFilterField, code: string): string {
  if (code === 'invalid' && (field === 'from' || field === 'to')) return 'adminOps.audit.errors.dateInvalid';
  if (code === 'invalid' && field === 'action') return 'adminOps.audit.errors.actionInvalid';
  return ERROR_KEYS[code] ?? 'adminOps.audit.errors.invalid';
}

/**
 * Parsed and resolved, or the translated field errors (the form shows them with status 422),
 * keyed by the query-string names the form's fields carry.
 */
async function readFilter(req: Request, res: Response) {
  const parsed = parseAuditFilter(req.query as Record<string, unknown>);
  const errors: Record<string, string> = {};
  const add = (field: AuditFilterField, code: string) => { errors[AUDIT_QUERY[field]] = res.locals.t(fieldMessage(field, code)); };
  for (const [f, code] of Object.entries(parsed.errors)) add(f as AuditFilterField, code);
  let query: AuditQuery | null = null;
  if (!Object.keys(errors).length) {
    const resolved = await resolveAuditFilter(deps(req).db.knex, parsed.filter);
    if (resolved.ok) query = resolved.query;
    else for (const [f, code] of Object.entries(resolved.errors)) add(f as AuditFilterField, code);
  }
  const form = Object.fromEntries(Object.entries(parsed.form).map(([k, v]) => [AUDIT_QUERY[k as AuditFilterField], v]));
  return { parsed, form, errors, query };
}

/** Who did it, as people read it: a login where there is one. */
export function actorLabel(r: Pick<AuditRow, 'actor_type' | 'actor_id' | 'user_login' | 'staff_login'>): string {
  if (r.actor_type === 'staff') return r.staff_login ?? (r.actor_id === null ? '' : `#${r.actor_id}`);
  if (r.actor_type === 'user') return r.user_login ?? (r.actor_id === null ? '' : `#${r.actor_id}`);
  return '';
}

/** Waits for the socket to take more, or for the client to have gone. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

// Swedish writes dates as ISO 'YYYY-MM-DD HH:MM:SS', which Excel reads as a date and time;
// one formatter for the whole export (building one per row dominated a large export)
const SPAIN_DATE_TIME = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Madrid', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

function csvTime(at: Date): string {
  return SPAIN_DATE_TIME.format(at);
}

/** Audit log viewer and export (issue 7 item 7), for any staff member. */
export function adminAuditRoutes(): Router {
  const router = Router();

  router.get('/auditoria', requireStaff(), async (req, res) => {
    const { parsed, form, errors, query } = await readFilter(req, res);
    const rows = query ? await searchAudit(deps(req).db.knex, query, PAGE + 1) : [];
    const more = rows.length > PAGE;
    const page = rows.slice(0, PAGE);
    const last = page.at(-1);
    render(req, res, 'admin/audit/index', {
      title: res.locals.t('adminOps.audit.title'), form, errors, rows: page, actorTypes: ACTOR_TYPES,
      nextHref: more && last ? `/admin/auditoria${auditQueryString(parsed.form, { at: last.at_key, id: last.id })}` : null,
      firstHref: parsed.filter.before ? `/admin/auditoria${auditQueryString(parsed.form)}` : null,
      csvHref: `/admin/auditoria.csv${auditQueryString(parsed.form)}`,
      actorLabel,
    }, { status: Object.keys(errors).length ? 422 : 200, fragment: 'admin/audit/_results' });
  });

  // Streamed in keyset batches: an export of the whole log never sits in memory.
  router.get('/auditoria.csv', requireStaff(), async (req, res) => {
    const { parsed, form, errors, query } = await readFilter(req, res);
    if (!query) {
      return render(req, res, 'admin/audit/index', {
        title: res.locals.t('adminOps.audit.title'), form, errors, rows: [], actorTypes: ACTOR_TYPES, nextHref: null, firstHref: null,
        csvHref: `/admin/auditoria.csv${auditQueryString(parsed.form)}`, actorLabel,
      }, { status: 422 });
    }
    const { db, clock } = deps(req);
    const t = res.locals.t;
    const actor = staffActor(req);
    // who exported what: the log holds personal data
    await audit(db.knex, { ...actor, action: 'audit.exported', at: clock.now(), details: { filters: Object.fromEntries(Object.entries(parsed.form).filter(([, v]) => v)) } });
    res.set({
      'Content-Disposition': `attachment; filename="auditoria-${todayInSpain(clock.now())}.csv"`,
      'Cache-Control': 'no-store',
    }).type('text/csv; charset=utf-8');
    const heads = ['at', 'actorType', 'actorId', 'actor', 'customerId', 'taxId', 'customer', 'action', 'targetType', 'targetId', 'ip', 'details'];
    res.write(CSV_BOM + csvLine(heads.map((h) => t(`adminOps.audit.csvHead.${h}`))));
    let q: AuditQuery = { ...query };
    for (;;) {
      const rows = await searchAudit(db.knex, q, CSV_BATCH);
      let chunk = '';
      for (const r of rows) {
        chunk += csvLine([csvTime(r.at), r.actor_type, r.actor_id, actorLabel(r), r.customer_id, r.customer_tax_id, r.customer_name, r.action,
          r.target_type, r.target_id, r.ip, r.details === null ? '' : JSON.stringify(r.details)]);
      }
      if (chunk && !res.write(chunk)) await drained(res);
      if (rows.length < CSV_BATCH || res.destroyed) break;
      const last = rows.at(-1)!;
      q = { ...q, before: { at: last.at_key, id: last.id } };
    }
    res.end();
  });

  return router;
}
