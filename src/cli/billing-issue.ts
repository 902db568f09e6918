// npm run billing:issue -- --period YYYY-MM
import { isBillingMonth } from '../domain/invoicing';
import { issueInvoicesForMonth } from '../services/invoicing';
import { loadSigner } from '../adapters/pdf/signing';
import { commandDatabase, reportCommandError } from './command-db';

const args = process.argv.slice(2);
const at = args.indexOf('--period');
const month = at >= 0 ? args[at + 1] : args.find((a) => a.startsWith('--period='))?.slice('--period='.length);
if (!month || !isBillingMonth(month)) {
  console.error('Usage: npm run billing:issue -- --period YYYY-MM');
  process.exit(2);
}
try {
  const { config, db } = await commandDatabase('npm run billing:issue');
  try {
    const signer = await loadSigner(
      { p12Path: config.signingP12, passphrase: config.signingP12Passphrase, dataDir: config.dataDir },
    );
    const started = process.hrtime.bigint();
    const r = await issueInvoicesForMonth(db.knex, month, { signer, now: new Date(), config, notify: true });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(
      `${month}: ${r.issued} invoice(s) issued and signed out of ${r.candidates} billable contract(s), ` +
        `${r.notified} email(s) queued, in ${Math.round(ms)} ms (${db.description})`,
    );
  } finally {
    await db.close();
  }
} catch (err) {
  reportCommandError(err);
}
