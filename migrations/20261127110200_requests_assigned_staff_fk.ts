import type { Knex } from 'knex';

// Requests are assigned to staff members (issue 7 item 5). A staff member is disabled, never
// deleted, so the reference never dangles; "set null" only guards a manual clean-up.
// The review queue and the admin list read every customer's requests by type, status, assignee and date.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('requests', (t) => {
    t.foreign('assigned_staff_id', 'requests_assigned_staff_fk').references('staff.id').onDelete('SET NULL');
    t.index(['assigned_staff_id', 'created_at'], 'requests_assigned_staff_idx');
    t.index(['type', 'status', 'created_at'], 'requests_type_status_idx');
    t.index(['created_at'], 'requests_created_at_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('requests', (t) => {
    t.dropIndex([], 'requests_created_at_idx');
    t.dropIndex([], 'requests_type_status_idx');
    t.dropIndex([], 'requests_assigned_staff_idx');
    t.dropForeign(['assigned_staff_id'], 'requests_assigned_staff_fk');
  });
}
