/**
 * Bench data for the overview and the bulk downloads: a gestoría with 1,000 clients of two
 * supplies each (2,000 supplies) and 24 months of invoices on every supply, drafted by the real
 * billing code. Stored originals are not created: the ZIP renders signed duplicates.
 */
import type { Knex } from 'knex';
import { draftInvoice } from '../src/domain/invoicing';
import { insertInvoices, loadBillableContracts } from '../src/data/billing-repo';
import { cif, cups, nif } from '../src/demo/plan';
import { hashPassword } from '../src/adapters/passwords';

export const BULK_LOGIN = nif(55_500_001);
export const BULK_PASSWORD = 'Bench-Gestoria-2026';

export interface BulkData { clients: number; contracts: number[]; invoices: number; zipMonth: string }

/** The login of the `variant`-th bench gestoría (0 is the 2,000-supply one of `npm run bench`). */
export function bulkLogin(variant = 0): string {
  return variant === 0 ? BULK_LOGIN : nif(55_500_001 + variant);
}

/**
 * `variant` > 0 makes another gestoría beside the first (its own tax ids, CUPS and numbers), e.g.
 * the 10,000-client one of bench/growth.ts.
 */
export async function createBulkGestoria(knex: Knex, argon2: Parameters<typeof hashPassword>[1], clients = 1000, now = new Date(), variant = 0): Promise<BulkData> {
  const off = variant * 100_000;
  const zipMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  // invoices of a billing month are issued early the next month: the ZIP month holds the last one
  const billMonths = Array.from({ length: 24 }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 25 + i, 1)).toISOString().slice(0, 7));
  const [gestoria] = await knex('customers').insert({ tax_id: cif('B', 9_100_000 + variant), kind: 'company', name: `Gestoría Bench${variant ? ` ${variant}` : ''} S.L.`, representative_nif: bulkLogin(variant), email: 'bench@example.com' }).returning('id');
  const [user] = await knex('users').insert({ login_id: bulkLogin(variant), first_name: 'Bench', last_name: 'Gestora', email: `bench.gestora${variant || ''}@example.com`, email_verified_at: now, password_hash: await hashPassword(BULK_PASSWORD, argon2), status: 'active' }).returning('id');
  await knex('customer_links').insert({ user_id: user.id, customer_id: gestoria.id, role: 'representative', status: 'active' });
  const streets = ['Calle de Sueca', 'Avenida del Puerto', 'Calle de Colón', 'Gran Vía Marqués del Turia', 'Calle de la Paz', 'Avenida de Blasco Ibáñez'];
  const contractIds: number[] = [];
  for (let i = 0; i < clients; i += 250) {
    const idx = Array.from({ length: Math.min(250, clients - i) }, (_, k) => i + k);
    const customers = await knex('customers').insert(idx.map((k) => ({ tax_id: cif('B', 9_200_000 + variant * 20_000 + k), kind: 'company', name: `Cliente Bench ${String(k).padStart(4, '0')} S.L.`, email: `c${k}@example.com` }))).returning('id');
    await knex('external_managers').insert(customers.map((c: { id: number }) => ({ customer_id: c.id, manager_customer_id: gestoria.id, status: 'active', decided_at: now })));
    const accounts = await knex('contract_accounts').insert(customers.map((c: { id: number }, j: number) => ({
      number: String(700_000_000_000 + off + idx[j]!), customer_id: c.id, billing_name: `Cliente Bench ${idx[j]}`, billing_street: 'Calle de Colón', billing_number: '1',
      billing_postal_code: '46004', billing_municipality: 'València', billing_province: 'Valencia', direct_debit: false,
    }))).returning(['id', 'customer_id']);
    const sps = await knex('supply_points').insert(idx.flatMap((k) => [0, 1].map((e) => ({
      cups: cups('0031', 600_000_000 + 2 * off + k * 2 + e), energy: 'electricity', tariff: '2.0TD', street: streets[(k + e) % streets.length], number: String(1 + (k % 90)),
      postal_code: '46004', municipality: 'València', province: 'Valencia', power_p1_kw: 4.6, power_p2_kw: 4.6, distributor: 'i-DE',
    })))).returning('id');
    const contracts = await knex('contracts').insert(sps.map((sp: { id: number }, j: number) => ({
      number: String(600_000_000_000 + 2 * off + i * 2 + j), contract_account_id: accounts[Math.floor(j / 2)].id, supply_point_id: sp.id, customer_id: accounts[Math.floor(j / 2)].customer_id,
      product_code: 'tarifa-luz-3-periodos', status: 'active', start_date: '2020-01-01', e_billing: j % 3 === 0,
    }))).returning('id');
    contractIds.push(...contracts.map((c: { id: number }) => c.id));
    const rows = contracts.flatMap(
      (c: { id: number }) => billMonths.map(
        (m, k) => ({ contract_id: c.id, month: `${m}-01`, p1_kwh: 60 + k, p2_kwh: 70, p3_kwh: 90 }),
      ),
    );
    for (let r = 0; r < rows.length; r += 2000) await knex('consumption').insert(rows.slice(r, r + 2000));
  }
  const mine = new Set(contractIds);
  for (const m of billMonths) {
    await knex.transaction(async (trx) => {
      const drafts = (await loadBillableContracts(trx, `${m}-01`)).filter((c) => mine.has(c.contractId)).map(
        (c) => draftInvoice(c, m),
      );
      for (let d = 0; d < drafts.length; d += 500) await insertInvoices(trx, drafts.slice(d, d + 500));
    });
  }
  const row = await knex('invoices').whereIn('contract_id', contractIds).count<{ n: number }[]>('* as n').first();
  return { clients, contracts: contractIds, invoices: Number(row?.n ?? 0), zipMonth };
}
