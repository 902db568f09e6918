import type { Knex } from 'knex';

export interface DashboardCounts {
  pendingReviews: number;
  openRequests: number;
  failedMail: number;
}

// Requests that wait for a supervisor to look at documents.
const REVIEW_TYPES = ['representative_change', 'external_manager', 'cif_migration'];

/** Three counts in one round trip. */
export async function dashboardCounts(db: Knex): Promise<DashboardCounts> {
  const r = await db.raw(`
    SELECT
      (SELECT count(*) FROM requests WHERE type = ANY(?) AND status IN ('recibida', 'en_tramite')) AS pending_reviews,
      (SELECT count(*) FROM requests WHERE status IN ('recibida', 'en_tramite')) AS open_requests,
      (SELECT count(*) FROM outbox WHERE status = 'failed') AS failed_mail
  `, [REVIEW_TYPES]);
  const row = r.rows[0] as { pending_reviews: number; open_requests: number; failed_mail: number };
  return {
    pendingReviews: Number(row.pending_reviews), openRequests: Number(row.open_requests),
    failedMail: Number(row.failed_mail),
  };
}
