import type { Knex } from 'knex';

/**
 * Billing runs started from the admin section (issue 7 item 6), and the audit-log indexes the
 * viewer needs. started_by has no foreign key, like requests.assigned_staff_id: staff are
 * disabled, never deleted, and a run's history must outlive any change to that table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('billing_runs', (t) => {
    t.bigIncrements('id');
    t.string('period', 7).notNullable();
    t.string('status', 10).notNullable().defaultTo('queued').checkIn(['queued', 'running', 'done', 'failed']);
    t.integer('total');
    t.integer('issued').notNullable().defaultTo(0);
    t.integer('skipped').notNullable().defaultTo(0);
    t.text('error');
    t.bigInteger('started_by');
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true });
    // last sign of life: a run left "running" by a crashed process is recognised by it
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['started_at']);
  });
  // one run per period at a time; finished runs stay as history and a period may run again
  await knex.raw(
    "CREATE UNIQUE INDEX billing_runs_active_period_uq ON billing_runs (period) WHERE status IN ('queued', 'running')",
  );

  // the viewer pages newest first over everything, or within an action prefix (LIKE 'x%'
  // cannot use the default-collation (action, at) index)
  await knex.raw('CREATE INDEX audit_log_at_id_idx ON audit_log (at DESC, id DESC)');
  await knex.raw('CREATE INDEX audit_log_action_prefix_idx ON audit_log (action text_pattern_ops, at DESC)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS audit_log_action_prefix_idx');
  await knex.raw('DROP INDEX IF EXISTS audit_log_at_id_idx');
  await knex.schema.dropTable('billing_runs');
}
