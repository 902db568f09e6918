/**
 * Bench data for growth (issue 17 item 4): household customers, each with its own user (the
 * holder, logging in with the NIF), a contract account, a supply point, an active contract, 24
 * months of consumption and 12 invoices with their lines. Set-based SQL (INSERT … SELECT over
 * generate_series), a batch of households per transaction: the invoices copy the non-key columns
 * and lines of one invoice drafted by the real billing code (the template), so every household
 * pays the same; their numbers are their own series ("BH…"), outside the real ones.
 * Every row goes through the table's triggers (overview_entries), as the portal's own writes do.
 */
import type { Knex } from 'knex';
import { cups, nif } from '../src/demo/plan';
import { hashPassword } from '../src/adapters/passwords';

export const HOUSEHOLD_PASSWORD = 'Bench-Hogar-2026';
const NIF_BASE = 61_000_000;
const CUPS_BASE = 800_000_000;
const ACCOUNT_BASE = 710_000_000_000;
const CONTRACT_BASE = 610_000_000_000;

/** The login (NIF) of the k-th bench household. */
export function householdLogin(k: number): string {
  return nif(NIF_BASE + k);
}

/** The CUPS of the k-th bench household (what the SQL below computes, for checking it). */
export function householdCups(k: number): string {
  return cups('0031', CUPS_BASE + k);
}

// The same as nif() and cups() of src/demo/plan.ts, in SQL.
const LETTERS = "'TRWAGMYFPDXBNJZSQVHLCKE'";
const NIF_SQL = `lpad((${NIF_BASE} + k)::text, 8, '0') || substr(${LETTERS}, ((${NIF_BASE} + k) % 23)::int + 1, 1)`;
const CUPS_DIGITS = `('0031' || lpad((${CUPS_BASE} + k)::text, 12, '0'))`;
const CUPS_SQL = `'ES' || ${CUPS_DIGITS} || substr(${LETTERS}, (${CUPS_DIGITS}::bigint % 529 / 23)::int + 1, 1)
  || substr(${LETTERS}, (${CUPS_DIGITS}::bigint % 529 % 23)::int + 1, 1)`;

/** Households per transaction: each contract's trigger takes an advisory lock held until commit. */
const BATCH = 2_000;

/** The template invoice: the newest one drafted by the real billing code (a bench gestoría's). */
async function templateInvoice(knex: Knex): Promise<number> {
  const any = await knex('invoices').whereNull('rectifies_invoice_id').orderBy('id', 'desc').first('id');
  if (any) return any.id;
  throw new Error('households need one invoice of the billing code to copy (create a gestoría first)');
}

/** Whether household k exists (a batch commits whole, so its last household says the batch is there). */
async function exists(knex: Knex, k: number): Promise<boolean> {
  return Boolean(await knex('users').where('login_id', householdLogin(k)).first('id'));
}

/**
 * Creates households from..to-1 (those not there yet, batch by batch) and returns how many it
 * created. Months: consumption of the 24 months before `now`'s, invoices of the last 12 of them.
 */
export async function createHouseholds(
  knex: Knex, argon2: Parameters<typeof hashPassword>[1], from: number, to: number, now = new Date(),
  onBatch?: (done: number) => void,
): Promise<number> {
  const hash = await hashPassword(HOUSEHOLD_PASSWORD, argon2);
  const template = await templateInvoice(knex);
  const firstMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 24, 1)).toISOString().slice(0, 10);
  let created = 0;
  for (let lo = from; lo < to; lo += BATCH) {
    const hi = Math.min(to, lo + BATCH);
    if (await exists(knex, hi - 1)) continue;
    await knex.transaction(async (trx) => {
      // the batch's keys, with their ids taken from the sequences up front
      await trx.raw(`CREATE TEMP TABLE hh ON COMMIT DROP AS
        SELECT k, ${NIF_SQL} AS nif, ${CUPS_SQL} AS cups,
               nextval('customers_id_seq') AS customer_id, nextval('users_id_seq') AS user_id,
               nextval('contract_accounts_id_seq') AS account_id, nextval('supply_points_id_seq') AS sp_id,
               nextval('contracts_id_seq') AS contract_id
          FROM generate_series(?::int, ?::int) k`, [lo, hi - 1]);
      await trx.raw(`INSERT INTO customers (id, tax_id, kind, name, email, phone)
        SELECT customer_id, nif, 'individual', 'Hogar Bench ' || k, 'hogar' || k || '@example.com', '600000000'
          FROM hh`);
      await trx.raw(`INSERT INTO users (id, login_id, first_name, last_name, email, email_verified_at, password_hash,
          status)
        SELECT user_id, nif, 'Hogar', 'Bench ' || k, 'hogar' || k || '@example.com', now(), ?, 'active'
          FROM hh`, [hash]);
      await trx.raw(`INSERT INTO customer_links (user_id, customer_id, role, status)
        SELECT user_id, customer_id, 'holder', 'active' FROM hh`);
      await trx.raw(`INSERT INTO contract_accounts (id, number, customer_id, billing_name, billing_street,
          billing_number, billing_postal_code, billing_municipality, billing_province, direct_debit)
        SELECT account_id, (${ACCOUNT_BASE} + k)::text, customer_id, 'Hogar Bench ' || k, 'Calle de Cuba',
          (1 + k % 90)::text, '46006', 'València', 'Valencia', false FROM hh`);
      await trx.raw(`INSERT INTO supply_points (id, cups, energy, tariff, street, number, floor_door,
          postal_code, municipality, province, power_p1_kw, power_p2_kw, distributor)
        SELECT sp_id, cups, 'electricity', '2.0TD', 'Calle de Cuba', (1 + k % 90)::text, (1 + k % 9) || 'ª',
          '46006', 'València', 'Valencia', 4.6, 4.6, 'i-DE' FROM hh`);
      await trx.raw(`INSERT INTO contracts (id, number, contract_account_id, supply_point_id, customer_id,
          product_code, status, start_date, e_billing)
        SELECT contract_id, (${CONTRACT_BASE} + k)::text, account_id, sp_id, customer_id, 'tarifa-luz-3-periodos',
          'active', '2020-01-01', k % 2 = 0 FROM hh`);
      await trx.raw(`INSERT INTO consumption (contract_id, month, p1_kwh, p2_kwh, p3_kwh)
        SELECT contract_id, (?::date + make_interval(months => m))::date, 60 + m + k % 40, 70 + k % 30, 90
          FROM hh CROSS JOIN generate_series(0, 23) m`, [firstMonth]);
      // the last 12 months billed, each issued on the 3rd of the next month, as the billing run does
      await trx.raw(`WITH t AS (SELECT * FROM invoices WHERE id = ?),
        ins AS (
          INSERT INTO invoices (number, contract_id, customer_id, period_start, period_end, issue_date, due_date,
              status, delivery, payment_method,
              consumption_p1_kwh, consumption_p2_kwh, consumption_p3_kwh, taxable_base_cents,
              vat_cents, total_cents, paid_at, readings_source)
          SELECT 'BH' || lpad((k * 12 + m)::text, 10, '0'), hh.contract_id, hh.customer_id, p.s,
                 (p.s + interval '1 month' - interval '1 day')::date, (p.s + interval '1 month 2 days')::date,
                 (p.s + interval '1 month 17 days')::date,
                 CASE WHEN m < 11 THEN 'paid' ELSE 'pending' END,
                 CASE WHEN k % 2 = 0 THEN 'electronic' ELSE 'paper' END, t.payment_method,
                 t.consumption_p1_kwh, t.consumption_p2_kwh, t.consumption_p3_kwh, t.taxable_base_cents, t.vat_cents,
                 t.total_cents, CASE WHEN m < 11 THEN (p.s + interval '1 month 17 days') END, t.readings_source
            FROM hh CROSS JOIN generate_series(0, 11) m
            CROSS JOIN LATERAL (SELECT (?::date + make_interval(months => 12 + m))::date AS s) p CROSS JOIN t
          RETURNING id)
        INSERT INTO invoice_lines (invoice_id, position, kind, period, detail, quantity, unit, unit_price, amount_cents)
          SELECT ins.id, l.position, l.kind, l.period, l.detail, l.quantity, l.unit, l.unit_price, l.amount_cents
            FROM ins CROSS JOIN invoice_lines l WHERE l.invoice_id = ?`, [template, firstMonth, template]);
    });
    created += hi - lo;
    onBatch?.(created);
  }
  return created;
}
