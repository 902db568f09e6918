import { seedDemoPromotions, seedDemoServices } from './promotions';
import crypto from 'node:crypto';
import { monthInSpain, todayInSpain } from '../domain/time';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Clock } from '../domain/clock';
import { billingPeriod } from '../domain/invoicing';
import { hashPassword } from '../adapters/passwords';
import { issueInvoicesForMonth } from '../services/invoicing';
import { DEMO_ACCOUNTS } from './accounts';
import type { PdfSigner } from '../adapters/pdf/signing';
import { buildDemoPlan, type DemoCustomer } from './plan';
import { seedDemoStaffIfEmpty } from './staff';
import { loadBillableContracts } from '../data/billing-repo';
import { deleteMeta, getMeta, setMeta } from '../data/app-meta-repo';

/** Set with the demo customers, cleared when the last demo step is done: a restart resumes. */
const SEEDING_MARKER = 'demo_seeding';

export class DemoInterrupted extends Error {
  constructor() {
    super('The first start was interrupted while creating the demo data; the next start completes it.');
  }
}

export interface SeedOptions {
  say?: (line: string) => void;
  abort?: AbortSignal;
}

export interface DemoSummary {
  created: boolean;
  customers: number;
  contracts: number;
  invoices: number;
}

/** The `count` months before the current one in Spain (late on the last day UTC is already next month). */
function monthsBack(now: Date, count: number): string[] {
  const [y, m] = monthInSpain(now).split('-').map(Number) as [number, number];
  const months: string[] = [];
  for (let i = count; i >= 1; i--) months.push(new Date(Date.UTC(y, m - 1 - i, 1)).toISOString().slice(0, 7));
  return months;
}

async function insertCustomer(trx: Knex.Transaction, c: DemoCustomer, ids: { next: () => string }): Promise<{
  contracts: number,
}> {
  const [customer] = await trx('customers').insert({
    tax_id: c.taxId, kind: c.kind, name: c.name, representative_nif: c.representativeNif ?? null, email: c.email,
    phone: c.phone,
  }).returning('id');
  let contracts = 0;
  for (const acc of c.accounts) {
    const [account] = await trx('contract_accounts').insert({
      number: acc.number, customer_id: customer.id, billing_name: c.name,
      billing_street: acc.address.street, billing_number: acc.address.number, billing_floor_door: acc.address.floorDoor,
      billing_postal_code: acc.address.postalCode, billing_municipality: acc.address.municipality,
      billing_province: acc.address.province,
      iban: acc.iban, iban_holder: acc.iban ? c.name : null, direct_debit: !!acc.iban,
      mandate_ref: acc.iban ? `MND${acc.number}` : null, mandate_signed_at: acc.iban ? '2021-03-01T10:00:00Z' : null,
      payment_day: acc.paymentDay ?? null,
      alt_recipient_name: acc.altRecipient ?? null,
    }).returning('id');
    for (const s of acc.supplies) {
      const [sp] = await trx('supply_points').insert({
        cups: s.cups, energy: s.energy, tariff: s.tariff,
        street: s.address.street, number: s.address.number, floor_door: s.address.floorDoor,
        postal_code: s.address.postalCode, municipality: s.address.municipality, province: s.address.province,
        power_p1_kw: s.powerKw?.P1 ?? null, power_p2_kw: s.powerKw?.P2 ?? null, distributor: s.distributor,
      }).returning('id');
      const [contract] = await trx('contracts').insert({
        number: ids.next(), contract_account_id: account.id, supply_point_id: sp.id, customer_id: customer.id,
        product_code: s.productCode, status: 'active', start_date: s.startDate, e_billing: s.eBilling,
      }).returning('id');
      contracts++;
      await trx('consumption').insert(
        s.monthly.map((m) => ({ contract_id: contract.id, month: m.month, p1_kwh: m.P1, p2_kwh: m.P2, p3_kwh: m.P3 })),
      );
      let register = { P1: s.meterStart, P2: s.meterStart / 2, P3: s.meterStart / 3 };
      const readings = s.monthly.map((m) => {
        register = { P1: register.P1 + m.P1, P2: register.P2 + m.P2, P3: register.P3 + m.P3 };
        return {
          supply_point_id: sp.id, reading_date: billingPeriod(m.month.slice(0, 7)).end, source: 'distributor',
          p1_kwh: Math.round(register.P1),
          p2_kwh: s.energy === 'electricity' ? Math.round(register.P2) : null,
          p3_kwh: s.energy === 'electricity' ? Math.round(register.P3) : null,
        };
      });
      await trx('meter_readings').insert(readings);
    }
  }
  return { contracts };
}

/** Creates the demo accounts of DESIGN.md §8 when the database holds no customer yet. */
export async function seedDemoIfEmpty(
  knex: Knex, clock: Clock, config: Config, logger: Logger, signer: PdfSigner, opts: SeedOptions = {},
): Promise<DemoSummary> {
  // staff first and on their own: a demo database from before the admin section gets them too
  await seedDemoStaffIfEmpty(knex, clock.now(), config);
  const marker = await getMeta(knex, SEEDING_MARKER);
  const existing = await knex('customers').count<{ count: number }[]>('* as count').first();
  if (!marker && existing && Number(existing.count) > 0) {
    return { created: false, customers: 0, contracts: 0, invoices: 0 };
  }
  // a resumed seeding keeps the dates of the first attempt, so its months are the same
  const now = marker ? new Date(marker) : clock.now();
  const months = monthsBack(now, 24);
  const plan = buildDemoPlan(months);
  const passwords = new Map<string, string>(DEMO_ACCOUNTS.map((a) => [a.login, a.password]));
  const say = opts.say ?? (() => undefined);
  const checkAbort = () => {
    if (opts.abort?.aborted) throw new DemoInterrupted();
  };

  let contracts = 0;
  if (marker) {
    say('  completando los datos de demostración de un primer arranque interrumpido…');
    contracts = Number((await knex('contracts').count<{ n: number }[]>('* as n').first())?.n ?? 0);
  } else {
    await knex.transaction(async (trx) => {
    say('  creando clientes y contratos de demostración…');
    await setMeta(trx, SEEDING_MARKER, now.toISOString());
    let seq = 300000000000;
    const ids = { next: () => String(++seq) };
    for (const c of plan.customers) contracts += (await insertCustomer(trx, c, ids)).contracts;
    const customerIds = new Map<string, number>(
      (await trx('customers').select('id', 'tax_id')).map((r) => [r.tax_id, r.id]),
    );
    for (const u of plan.users) {
      // a legacy CIF account cannot log in anyway: a random password nobody knows
      const password = u.legacyCif ? crypto.randomBytes(24).toString('base64url') : passwords.get(u.loginId);
      if (!password) throw new Error(`No demo password for ${u.loginId}`);
      const [user] = await trx('users').insert({
        login_id: u.loginId, first_name: u.firstName, last_name: u.lastName, email: u.email,
        email_verified_at: now, password_hash: await hashPassword(password, config.argon2), status: 'active',
        language: u.language,
      }).returning('id');
      for (const link of u.links) {
        await trx('customer_links').insert(
          {
            user_id: user.id, customer_id: customerIds.get(link.taxId), role: link.role, status: 'active',
            granted_at: now,
          },
        );
      }
    }
    for (const em of plan.externalManagers) {
      await trx('external_managers').insert({
        customer_id: customerIds.get(em.clientTaxId), manager_customer_id: customerIds.get(em.managerTaxId),
        status: 'active', created_at: '2025-02-10T09:00:00Z', decided_at: '2025-02-11T12:00:00Z',
      });
    }
    await seedDemoPromotions(trx, now);
    await seedDemoServices(trx, now);
    });
  }

  checkAbort();
  // History is issued through the same billing run (which skips what a previous attempt issued);
  // only the latest month tells customers by email.
  const perMonth: number[] = [];
  for (const month of months) perMonth.push((await loadBillableContracts(knex, billingPeriod(month).start)).length);
  const total = perMonth.reduce((a, b) => a + b, 0);
  let invoices = 0;
  let before = 0;
  let lastSaid = 0;
  for (const [i, month] of months.entries()) {
    const r = await issueInvoicesForMonth(knex, month, {
      signer, now: clock.now(), config, notify: month === months[months.length - 1],
      onProgress: ({ done, candidates, total: toIssue }) => {
        checkAbort();
        const n = before + (candidates - toIssue) + done;
        if (Date.now() - lastSaid > 3000 || n === total) {
          lastSaid = Date.now();
          say(`  creando facturas de demostración ${n}/${total}`);
        }
      },
    }).catch((err: unknown) => {
      throw opts.abort?.aborted ? new DemoInterrupted() : err;
    });
    invoices += r.issued;
    before += perMonth[i]!;
  }
  say(`  creando facturas de demostración ${total}/${total}`);

  // History: what customers paid, and one direct debit the bank returned.
  const today = todayInSpain(now);
  await knex('invoices').where('payment_method', 'direct_debit').where('due_date', '<', today)
    .update({ status: 'paid', paid_at: knex.raw('due_date + time \'09:00\'') });
  await knex('invoices').where('payment_method', 'transfer')
    .where('due_date', '<', knex.raw("?::date - interval '45 days'", [today]))
    .update({ status: 'paid', paid_at: knex.raw('due_date - 2 + time \'11:30\'') });
  for (const number of plan.returnedInvoiceContracts) {
    const inv = await knex('invoices as i').join('contracts as c', 'c.id', 'i.contract_id')
      .join('supply_points as sp', 'sp.id', 'c.supply_point_id').where('sp.cups', number)
      .orderBy('i.issue_date', 'desc').offset(1).first('i.id');
    if (inv) await knex('invoices').where('id', inv.id).update({ status: 'returned', paid_at: null });
  }
  // Fresh tables have no statistics until autovacuum's first pass: without ANALYZE the planner
  // can pick cross joins for the first searches.
  await knex.raw('ANALYZE');
  await deleteMeta(knex, SEEDING_MARKER);
  logger.info({ customers: plan.customers.length, contracts, invoices }, 'demo data created');
  return { created: true, customers: plan.customers.length, contracts, invoices };
}
