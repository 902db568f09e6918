// npm run billing:issue -- --period YYYY-MM
import { loadConfig } from '../config';
import { openDatabase } from '../data/db';
import { migrateLatest } from '../data/migrations';
import { StartupError } from '../data/startup-error';
import { isBillingMonth } from '../domain/invoicing';
import { issueInvoicesForMonth } from '../services/invoicing';
import { loadSigner } from '../adapters/pdf/signing';

const args = process.argv.slice(2);
const at = args.indexOf('--period');
const month = at >= 0 ? args[at + 1] : args.find((a) => a.startsWith('--period='))?.slice('--period='.length);
if (!month || !isBillingMonth(month)) {
  console.error('Usage: npm run billing:issue -- --period YYYY-MM');
  process.exit(2);
}
const config = loadConfig(process.env, []);
try {
  const signer = await loadSigner({ p12Path: config.signingP12, passphrase: config.signingP12Passphrase, dataDir: config.dataDir });
  const db = await openDatabase(config);
  await migrateLatest(db.knex);
  const started = process.hrtime.bigint();
  const r = await issueInvoicesForMonth(db.knex, month, { signer, now: new Date(), config, notify: true });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`${month}: ${r.issued} invoice(s) issued and signed out of ${r.candidates} billable contract(s), ${r.notified} email(s) queued, in ${Math.round(ms)} ms`);
  await db.close();
} catch (err) {
  console.error(err instanceof StartupError ? `Error: ${err.message}` : err);
  process.exit(1);
}
