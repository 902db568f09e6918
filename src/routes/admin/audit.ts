import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../deps';
import type { AuditQuery, AuditRow } from '../../data/audit-search-repo';
import {
  ACTOR_TYPES, AUDIT_QUERY, auditQueryString, parseAuditFilter, type AuditFilterField,
} from '../../domain/audit-filter';
import { CSV_BOM, csvDateTime, csvLine } from '../../domain/csv';
import { todayInSpain } from '../../domain/time';
import { auditBatches, recordAuditExport, resolveAuditFilter } from '../../services/audit-viewer';
import { searchAudit } from '../../data/audit-search-repo';
import { downloadHeaders } from '../../web/download';
import { requireStaff, staffActor } from '../../web/middleware/staff';
import { FORM_INVALID } from '../../web/forms';
import { render } from '../../web/render';

// 40 rows keep the page under the 30 KB HTML budget with long details.
const PAGE = 40;
const CSV_BATCH = 1000;

const ERROR_KEYS: Record<string, string> = {
  invalid: 'adminOps.audit.errors.invalid',
  actor_type_required: 'adminOps.audit.errors.actor_type_required',
  no_actor_id: 'adminOps.audit.errors.no_actor_id',
  range: 'adminOps.audit.errors.range',
  unknownStaff: 'adminOps.audit.errors.unknownStaff',
  unknownUser: 'adminOps.audit.errors.unknownUser',
  unknownCustomer: 'adminOps.audit.errors.unknownCustomer',
};

function fieldMessage(field: AuditFilterField, code: string): string {
  if (code === 'invalid' && (field === 'from' || field === 'to')) return 'adminOps.audit.errors.dateInvalid';
  if (code === 'invalid' && field === 'action') return 'adminOps.audit.errors.actionInvalid';
  return ERROR_KEYS[code] ?? 'adminOps.audit.errors.invalid';
}

/** Who did it, as people read it: a login where there is one. */
export function actorLabel(r: Pick<AuditRow, 'actor_type' | 'actor_id' | 'user_login' | 'staff_login'>): string {
  if (r.actor_type === 'staff') return r.staff_login ?? (r.actor_id === null ? '' : `#${r.actor_id}`);
  if (r.actor_type === 'user') return r.user_login ?? (r.actor_id === null ? '' : `#${r.actor_id}`);
  return '';
}

/**
 * Waits for the socket to take more, or for the client to have gone. One listener of each for
 * the whole response: the compression middleware hands `res.on('drain')` to its gzip stream
 * but not `res.off`, so a listener added and removed per batch stayed on the stream (Node
 * warned of a leak at the eleventh batch of a large export).
 */
function drainWaiter(res: Response): () => Promise<void> {
  let wake: (() => void) | null = null;
  const fire = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  res.on('drain', fire);
  res.on('close', fire);
  return () => (res.destroyed ? Promise.resolve() : new Promise((resolve) => { wake = resolve; }));
}

const CSV_HEADS = [
  'at', 'actorType', 'actorId', 'actor', 'customerId', 'taxId', 'customer', 'action', 'targetType', 'targetId',
  'ip', 'details',
];

function csvRow(r: AuditRow): string {
  return csvLine([
    csvDateTime(r.at), r.actor_type, r.actor_id, actorLabel(r), r.customer_id, r.customer_tax_id, r.customer_name,
    r.action, r.target_type, r.target_id, r.ip, r.details === null ? '' : JSON.stringify(r.details),
  ]);
}

/** Audit log viewer and export (issue 7 item 7), for any staff member. */
export function adminAuditRoutes(d: AppDeps): Router {
  const router = Router();
  const db = d.db.knex;

  /**
   * Parsed and resolved, or the translated field errors (the form shows them with status 422),
   * keyed by the query-string names the form's fields carry.
   */
  async function readFilter(req: Request, res: Response) {
    const parsed = parseAuditFilter(req.query as Record<string, unknown>);
    const errors: Record<string, string> = {};
    const add = (field: AuditFilterField, code: string) => {
      errors[AUDIT_QUERY[field]] = res.locals.t(fieldMessage(field, code));
    };
    for (const [f, code] of Object.entries(parsed.errors)) add(f as AuditFilterField, code);
    let query: AuditQuery | null = null;
    if (!Object.keys(errors).length) {
      const resolved = await resolveAuditFilter(db, parsed.filter);
      if (resolved.ok) query = resolved.query;
      else for (const [f, code] of Object.entries(resolved.errors)) add(f as AuditFilterField, code);
    }
    const form = Object.fromEntries(
      Object.entries(parsed.form).map(([k, v]) => [AUDIT_QUERY[k as AuditFilterField], v]),
    );
    return { parsed, form, errors, query };
  }

  router.get('/auditoria', requireStaff(), async (req, res) => {
    const { parsed, form, errors, query } = await readFilter(req, res);
    const rows = query ? await searchAudit(db, query, PAGE + 1) : [];
    const more = rows.length > PAGE;
    const page = rows.slice(0, PAGE);
    const last = page.at(-1);
    render(req, res, 'admin/audit/index', {
      title: res.locals.t('adminOps.audit.title'), form, errors, rows: page, actorTypes: ACTOR_TYPES,
      nextHref: more && last
        ? `/admin/auditoria${auditQueryString(parsed.form, { at: last.at_key, id: last.id })}`
        : null,
      firstHref: parsed.filter.before ? `/admin/auditoria${auditQueryString(parsed.form)}` : null,
      csvHref: `/admin/auditoria.csv${auditQueryString(parsed.form)}`,
      actorLabel,
    }, { status: Object.keys(errors).length ? FORM_INVALID : 200, fragment: 'admin/audit/_results' });
  });

  // Streamed in keyset batches: an export of the whole log never sits in memory.
  router.get('/auditoria.csv', requireStaff(), async (req, res) => {
    const { parsed, form, errors, query } = await readFilter(req, res);
    if (!query) {
      return render(req, res, 'admin/audit/index', {
        title: res.locals.t('adminOps.audit.title'), form, errors, rows: [], actorTypes: ACTOR_TYPES,
        nextHref: null, firstHref: null,
        csvHref: `/admin/auditoria.csv${auditQueryString(parsed.form)}`, actorLabel,
      }, { status: FORM_INVALID });
    }
    const t = res.locals.t;
    const now = d.clock.now();
    const filters = Object.fromEntries(Object.entries(parsed.form).filter(([, v]) => v)) as Record<string, string>;
    await recordAuditExport(db, staffActor(req), filters, now);
    downloadHeaders(res, { fileName: `auditoria-${todayInSpain(now)}.csv`, type: 'text/csv; charset=utf-8' });
    res.write(CSV_BOM + csvLine(CSV_HEADS.map((h) => t(`adminOps.audit.csvHead.${h}`))));
    const drained = drainWaiter(res);
    for await (const rows of auditBatches(db, query, CSV_BATCH)) {
      const chunk = rows.map(csvRow).join('');
      if (!res.write(chunk)) await drained();
      if (res.destroyed) break;
    }
    res.end();
  });

  return router;
}
