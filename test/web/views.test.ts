import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

/**
 * What ESLint cannot see: the Eta templates. Views reach nothing but what the route hands them
 * (no database, no modules, no process), and print dates, amounts and numbers only through the
 * formatting module (`it.fmt`), never by hand.
 */
const viewsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/views');

function templates(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? templates(p) : e.name.endsWith('.eta') ? [p] : [];
  });
}

const RULES: [string, RegExp][] = [
  ['reaches the database', /\b(knex|db)\s*[.(]|\.db\b/],
  ['loads a module', /\b(require|import)\s*\(/],
  ['reads the process or the app', /\bprocess\.|app\.locals/],
  ['formats a date or number by hand (use it.fmt)', /toLocale(Date|Time)?String|Intl\.|'(ca|es)-ES'|toFixed\(/],
  ['writes a date by hand (use it.fmt.date)', /split\('-'\)\.reverse\(\)/],
  ['turns cents into euros by hand (use it.fmt.money)', /_cents\s*\/\s*100|cents\s*\/\s*100\)/],
];

describe('views: boundaries and formatting', () => {
  const files = templates(viewsDir);

  it('finds the templates', () => expect(files.length).to.be.greaterThan(50));

  for (const [what, re] of RULES) {
    it(`no template ${what}`, () => {
      const offending = files.flatMap((f) => fs.readFileSync(f, 'utf8').split('\n')
        .map((line, i) => (re.test(line) ? `${path.relative(viewsDir, f)}:${i + 1}` : null))
        .filter((x): x is string => x !== null));
      expect(offending).to.deep.equal([]);
    });
  }
});
